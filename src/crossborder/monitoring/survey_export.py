"""CSV exports: the responses (one row per response, a column per question code, the panel id
pseudonymous) and the results. Quoted by the csv module; a cell that a spreadsheet would read as a
formula (starting with = + - @, tab or carriage return) gets a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.monitoring.access import require_secretariat
from crossborder.monitoring.survey_models import SurveyAnswer, SurveyResponse
from crossborder.monitoring.survey_questionnaires import questionnaire
from crossborder.monitoring.survey_results import Change, Results

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe. Numbers the export
    computed itself (a negative difference or interval bound) stay numbers: an apostrophe would turn
    them into text that no spreadsheet or script reads as a figure."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe(h) for h in header])
    writer.writerows([safe(v) for v in row] for row in rows)
    return out.getvalue()


def responses_csv(session: Session, principal: Principal, year: int) -> str:
    """Secretariat only: individual (pseudonymous) responses never leave the regional level."""
    require_secretariat(principal)
    form = questionnaire(year)
    codes = [q.code for q in form.questions]
    answers: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.code, SurveyAnswer.option, SurveyAnswer.value, SurveyAnswer.text)
        .where(SurveyAnswer.year == year)
        .order_by(SurveyAnswer.response_id, SurveyAnswer.id)
    )
    for rid, code, option, value, text in rows:
        if option is None and value is None and text is None:
            continue  # a multiple-choice marker row
        shown = text if text is not None else str(value) if value is not None else option
        answers[rid][code].append(shown or "")
    responses = session.scalars(select(SurveyResponse).where(SurveyResponse.year == year).order_by(SurveyResponse.id))
    return _csv(
        ["panel_id", "country", "segment", "questionnaire_version", "submitted_at", "demo", *codes],
        (
            [r.panel_id, r.country, r.segment, r.questionnaire_version, r.submitted_at.isoformat(), r.demo,
             *(";".join(answers[r.id].get(c, [])) for c in codes)]
            for r in responses
        ),
    )  # fmt: skip


def _iv(i: Any) -> list[Any]:
    return ["", "", ""] if i is None else [i.estimate, i.low, i.high]


def results_csv(r: Results, changes: list[Change] | None = None) -> str:
    rows: list[list[Any]] = []
    for q in r.questions:
        rows.append([r.year, q.code, q.type, "mean", q.n if not q.suppressed else "", q.suppressed, "", *_iv(q.mean)])
        for o in q.options:
            rows.append([r.year, q.code, q.type, o.code, q.n if not q.suppressed else "", q.suppressed,
                         "" if o.count is None else o.count, *_iv(o.share)])  # fmt: skip
    rows = [row for row in rows if row[3] != "mean" or row[2] in ("likert_5", "integer")]
    for c in changes or []:
        rows.append(
            [r.year, c.code, "change", c.measure, c.n_after or "", c.difference is None, "", *_iv(c.difference)]
        )
    return _csv(["year", "code", "type", "measure", "n", "suppressed", "count", "estimate", "ci_low", "ci_high"], rows)
