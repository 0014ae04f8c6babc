"""Survey results per question and year, with filters by member state and segment, breakdowns, and
the change from the previous year for questions with the same code. The database does the work: one
GROUP BY (code, state, segment, option) with counts, sums and sums of squares over a covering
index, plus distinct respondents for multiple-choice questions; every figure is rolled up from those
cells. Cells with fewer respondents than `min_cell_n` are suppressed (disclosure control)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.monitoring.access import require_reader
from crossborder.monitoring.survey_models import SEGMENTS, SurveyAnswer
from crossborder.monitoring.survey_questionnaires import Question, previous_year, questionnaire, survey_settings
from crossborder.monitoring.survey_stats import Interval, mean_ci, mean_diff, share_diff, wilson, z_value
from crossborder.reference.service import member_states


@dataclass
class Cell:
    n: int = 0
    total: int = 0
    squares: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, other: Cell) -> None:
        self.n += other.n
        self.total += other.total
        self.squares += other.squares
        for k, v in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + v


Cells = dict[str, dict[tuple[str, str], Cell]]  # code -> (country, segment) -> cell


@dataclass(frozen=True)
class OptionResult:
    code: str
    label: str
    count: int | None
    share: Interval | None


@dataclass(frozen=True)
class QuestionResult:
    code: str
    type: str
    text: str
    topics: tuple[str, ...]
    n: int | None  # None when suppressed
    suppressed: bool
    mean: Interval | None
    options: tuple[OptionResult, ...]


@dataclass(frozen=True)
class Change:
    code: str
    measure: str  # "mean" or the option whose share changed
    before: Decimal | None
    after: Decimal | None
    n_before: int | None
    n_after: int | None
    difference: Interval | None  # None when either year is suppressed
    method: str


@dataclass(frozen=True)
class Results:
    year: int
    version: int
    country: str | None
    segment: str | None
    min_cell_n: int
    questions: tuple[QuestionResult, ...]
    by_segment: dict[str, tuple[QuestionResult, ...]]
    by_country: dict[str, tuple[QuestionResult, ...]]
    cells: Cells = field(default_factory=dict, repr=False)  # reused by year_over_year: one pass per year


def cells(session: Session, year: int, countries: list[str] | None, multiple: Iterable[str]) -> Cells:
    """The year's answers as (code, state, segment) cells: respondents, sums and counts per option."""
    a = SurveyAnswer
    wide = cast(a.value, BigInteger)  # an INTEGER times itself overflows PostgreSQL's int4 above 46340
    q = select(a.code, a.country, a.segment, a.option, func.count(), func.sum(a.value), func.sum(wide * wide))
    q = q.where(a.year == year)
    if countries is not None:
        q = q.where(a.country.in_(countries))
    found: dict[str, dict[tuple[str, str], Cell]] = defaultdict(lambda: defaultdict(Cell))
    several = set(multiple)
    for code, country, segment, option, n, total, squares in session.execute(
        q.group_by(a.code, a.country, a.segment, a.option)
    ):
        cell = found[code][(country, segment)]
        if code not in several or option is None:  # a multiple-choice respondent is its marker row
            cell.n += int(n)
        cell.total += int(total or 0)
        cell.squares += int(squares or 0)
        if option is not None:
            cell.counts[option] = cell.counts.get(option, 0) + int(n)
    return {code: dict(by) for code, by in found.items()}


def rollup(found: Cells, code: str, keep: Callable[[str, str], bool]) -> Cell:
    out = Cell()
    for (country, segment), cell in found.get(code, {}).items():
        if keep(country, segment):
            out.add(cell)
    return out


def question_result(q: Question, cell: Cell, min_n: int, z: Decimal) -> QuestionResult:
    hidden = cell.n < min_n
    labels = {o.code: o.label for o in q.options} if q.options else {c: c for c in q.option_codes}
    options = () if q.type in ("integer", "text") else tuple(
        OptionResult(code, labels[code], None if hidden else cell.counts.get(code, 0),
                     None if hidden else wilson(cell.counts.get(code, 0), cell.n, z))
        for code in q.option_codes
    )  # fmt: skip
    mean = mean_ci(cell.n, cell.total, cell.squares, z) if q.type in ("likert_5", "integer") and not hidden else None
    return QuestionResult(q.code, q.type, q.text, q.topics, None if hidden else cell.n, hidden, mean, options)


def scope(principal: Principal, country: str | None) -> tuple[list[str], str | None]:
    """The states the principal reads, and the country filter; a state out of scope is 404."""
    require_reader(principal)
    states = member_states()
    if country is not None and country not in states:
        raise ValidationFailed("bad country", errors=[FieldError("country", "must be a member state", country)])
    if principal.is_regional:
        return states, country
    if country is not None and country != principal.country:
        raise NotFound(f"no survey results for {country}")
    return [principal.country or ""], principal.country


def results(session: Session, principal: Principal, year: int, country: str | None = None,
            segment: str | None = None) -> Results:  # fmt: skip
    form = questionnaire(year)
    if segment is not None and segment not in SEGMENTS:
        raise ValidationFailed("bad segment", errors=[FieldError("segment", f"one of {', '.join(SEGMENTS)}", segment)])
    states, country = scope(principal, country)
    settings = survey_settings()
    z = z_value(settings.confidence)
    multiple = [q.code for q in form.questions if q.type == "multiple_choice"]
    found = cells(session, year, None if principal.is_regional else states, multiple)

    def table(keep: Callable[[str, str], bool]) -> tuple[QuestionResult, ...]:
        return tuple(question_result(q, rollup(found, q.code, keep), settings.min_cell_n, z) for q in form.questions)

    def chosen(c: str, s: str) -> bool:
        return (country is None or c == country) and (segment is None or s == segment)

    def of_segment(seg: str) -> Callable[[str, str], bool]:
        return lambda c, s: chosen(c, s) and s == seg

    def of_state(st: str) -> Callable[[str, str], bool]:
        return lambda c, s: chosen(c, s) and c == st

    seg_keep = {seg: of_segment(seg) for seg in SEGMENTS}
    state_keep = {st: of_state(st) for st in states}
    overall = table(chosen)

    def protected(keeps: dict[str, Callable[[str, str], bool]]) -> dict[str, tuple[QuestionResult, ...]]:
        return secondary_suppression(form.questions, overall, {k: table(keep) for k, keep in keeps.items()},
                                     {k: {q.code: rollup(found, q.code, keep).n for q in form.questions}
                                      for k, keep in keeps.items()})  # fmt: skip

    return Results(year, form.version, country, segment, settings.min_cell_n, overall, protected(seg_keep),
                   protected(state_keep), found)  # fmt: skip


def _hidden(q: QuestionResult) -> QuestionResult:
    options = tuple(OptionResult(o.code, o.label, None, None) for o in q.options)
    return QuestionResult(q.code, q.type, q.text, q.topics, None, True, None, options)


def secondary_suppression(
    questions: Sequence[Question], overall: tuple[QuestionResult, ...],
    breakdown: dict[str, tuple[QuestionResult, ...]], sizes: dict[str, dict[str, int]],
) -> dict[str, tuple[QuestionResult, ...]]:  # fmt: skip
    """Disclosure control by complement: where the total is shown and exactly one cell of a breakdown
    (segments, or member states) is suppressed with respondents in it, the total minus the shown cells
    would give it away; so the smallest shown cell is suppressed too."""
    out = {key: list(rows) for key, rows in breakdown.items()}
    for i, q in enumerate(questions):
        if overall[i].suppressed:
            continue
        hidden = [k for k in out if out[k][i].suppressed and sizes[k][q.code] > 0]
        shown = [k for k in out if not out[k][i].suppressed]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda k: (sizes[k][q.code], k))
            out[smallest][i] = _hidden(out[smallest][i])
    return {key: tuple(rows) for key, rows in out.items()}


def _cell_of(
    session: Session, principal: Principal, year: int, country: str | None, segment: str | None,
    found: Cells | None = None,
) -> tuple[dict[str, Cell], dict[str, Question]]:  # fmt: skip
    form = questionnaire(year)
    states, country = scope(principal, country)
    multiple = [q.code for q in form.questions if q.type == "multiple_choice"]
    if found is None:
        found = cells(session, year, None if principal.is_regional else states, multiple)

    def keep(c: str, s: str) -> bool:
        return (country is None or c == country) and (segment is None or s == segment)

    return {q.code: rollup(found, q.code, keep) for q in form.questions}, {q.code: q for q in form.questions}


def year_over_year(
    session: Session, principal: Principal, year: int, country: str | None = None, segment: str | None = None,
    current: Results | None = None,
) -> tuple[int | None, list[Change]]:  # fmt: skip
    """Changes from the previous questionnaire year, for every code asked in both years and of the same type.
    `current`: the year's results already computed for the same principal (their cells are reused)."""
    before_year = previous_year(year)
    if before_year is None:
        return None, []
    settings = survey_settings()
    z, min_n = z_value(settings.confidence), settings.min_cell_n
    reuse = current.cells if current is not None and current.year == year else None
    now, qs = _cell_of(session, principal, year, country, segment, reuse)
    then, qs_then = _cell_of(session, principal, before_year, country, segment)
    changes: list[Change] = []
    for code, q in qs.items():
        old = qs_then.get(code)
        if old is None or old.type != q.type or q.type == "text":
            continue
        a, b = then[code], now[code]
        shown = a.n >= min_n and b.n >= min_n
        na, nb = (a.n, b.n) if shown else (None, None)
        if q.type in ("likert_5", "integer"):
            diff = mean_diff((a.n, a.total, a.squares), (b.n, b.total, b.squares), z) if shown else None
            changes.append(Change(code, "mean", mean_ci(a.n, a.total, a.squares, z).estimate if shown else None,
                                  mean_ci(b.n, b.total, b.squares, z).estimate if shown else None, na, nb, diff,
                                  "Welch standard error, normal approximation"))  # fmt: skip
            continue
        for option in q.option_codes:
            if option not in old.option_codes or (q.type == "yes_no" and option == "no"):
                continue
            ka, kb = a.counts.get(option, 0), b.counts.get(option, 0)
            changes.append(Change(
                code, option, wilson(ka, a.n, z).estimate if shown else None,
                wilson(kb, b.n, z).estimate if shown else None, na, nb,
                share_diff(ka, a.n, kb, b.n, z) if shown else None, "difference of proportions, normal approximation",
            ))  # fmt: skip
    return before_year, changes
