"""Results against figures computed by hand (mean and normal 95 % CI, Wilson interval, Welch and
proportion differences), small-n suppression, scope, and CSV escaping."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from crossborder.core.errors import Forbidden, NotFound
from crossborder.monitoring.survey_export import responses_csv, results_csv, safe
from crossborder.monitoring.survey_results import results, year_over_year
from tests.monitoring.survey_helpers import SECRETARIAT, direct_response, official, valid_answers

ESIG_2026 = [2, 3, 4, 4, 5, 3]
USE_2026 = ["yes", "yes", "no", "yes", "no", "yes"]
ESIG_2025 = [1, 2, 2, 3, 3]
USE_2025 = ["no", "no", "yes", "no", "no"]


def _fill(db: Session) -> None:
    for v, u in zip(ESIG_2026, USE_2026, strict=True):
        direct_response(db, 2026, "MY", "small", valid_answers(2026, B3_ESIG_EQUIV=v, A2_PAPERLESS_USE=u))
    for v, u in zip(ESIG_2025, USE_2025, strict=True):
        direct_response(db, 2025, "MY", "small", valid_answers(2025, B3_ESIG_EQUIV=v, A2_PAPERLESS_USE=u))
    direct_response(db, 2026, "VN", "large", valid_answers(2026, B3_ESIG_EQUIV=1, A2_PAPERLESS_USE="no"))
    db.commit()


def _q(r, code):  # type: ignore[no-untyped-def]
    return next(q for q in r.questions if q.code == code)


def test_mean_and_wilson_intervals_match_hand_computation(db: Session) -> None:
    _fill(db)
    r = results(db, SECRETARIAT, 2026, country="MY")
    esig = _q(r, "B3_ESIG_EQUIV")
    assert esig.n == 6 and esig.mean is not None
    assert (esig.mean.estimate, esig.mean.low, esig.mean.high) == (Decimal("3.500"), Decimal("2.661"), Decimal("4.339"))
    assert {o.code: o.count for o in esig.options} == {"1": 0, "2": 1, "3": 2, "4": 2, "5": 1}
    yes = next(o for o in _q(r, "A2_PAPERLESS_USE").options if o.code == "yes")
    assert yes.count == 4 and yes.share is not None
    assert (yes.share.estimate, yes.share.low, yes.share.high) == (Decimal("0.6667"), Decimal("0.3000"),
                                                                   Decimal("0.9032"))  # fmt: skip


def test_year_over_year_differences_match_hand_computation(db: Session) -> None:
    _fill(db)
    before, changes = year_over_year(db, SECRETARIAT, 2026, country="MY")
    assert before == 2025
    esig = next(c for c in changes if c.code == "B3_ESIG_EQUIV")
    assert esig.difference is not None and esig.method.startswith("Welch")
    assert (esig.difference.estimate, esig.difference.low, esig.difference.high) == (
        Decimal("1.300"), Decimal("0.186"), Decimal("2.414"))  # fmt: skip
    assert esig.difference.significant
    use = next(c for c in changes if c.code == "A2_PAPERLESS_USE")
    assert use.measure == "yes" and use.difference is not None
    assert (use.difference.low, use.difference.high) == (Decimal("-0.0483"), Decimal("0.9816"))
    assert not use.difference.significant
    assert all(c.code != "B3_ESIG_DIGITAL_DIFF" for c in changes)  # new in 2026: nothing to compare


def test_cells_under_the_threshold_are_suppressed(db: Session) -> None:
    _fill(db)
    r = results(db, SECRETARIAT, 2026)
    large = next(q for q in r.by_segment["large"] if q.code == "B3_ESIG_EQUIV")
    assert large.suppressed and large.n is None and large.mean is None
    assert all(o.count is None and o.share is None for o in large.options)
    assert _q(r, "B3_ESIG_EQUIV").n == 7  # the total is not suppressed
    _b, changes = year_over_year(db, SECRETARIAT, 2026, country="VN")
    assert all(c.difference is None for c in changes)


def test_member_state_official_reads_only_its_own_state(db: Session) -> None:
    _fill(db)
    mine = results(db, official("MY"), 2026)
    assert mine.country == "MY" and list(mine.by_country) == ["MY"] and _q(mine, "B3_ESIG_EQUIV").n == 6
    with pytest.raises(NotFound):
        results(db, official("MY"), 2026, country="VN")
    with pytest.raises(Forbidden):
        responses_csv(db, official("MY"), 2026)


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"])
def test_formula_cells_are_defused(cell: str) -> None:
    assert safe(cell) == "'" + cell


def test_responses_csv_one_row_per_response_and_quoted(db: Session) -> None:
    comment = '=HYPERLINK("x"), "quoted"\nline'
    answers = valid_answers(B7_COMPETITION_COMMENT=comment, A2_PAPERLESS_DOCUMENTS=["other", "sps_certificate"])
    direct_response(db, 2026, "MY", "small", answers)
    db.commit()
    rows = list(csv.DictReader(io.StringIO(responses_csv(db, SECRETARIAT, 2026))))
    assert len(rows) == 1
    assert rows[0]["B7_COMPETITION_COMMENT"] == '\'=HYPERLINK("x"), "quoted"\nline'
    assert rows[0]["A2_PAPERLESS_DOCUMENTS"] == "other;sps_certificate" and rows[0]["B3_ESIG_EQUIV"] == "3"


def test_results_csv_has_intervals(db: Session) -> None:
    _fill(db)
    r = results(db, SECRETARIAT, 2026, country="MY")
    _b, changes = year_over_year(db, SECRETARIAT, 2026, country="MY")
    rows = list(csv.DictReader(io.StringIO(results_csv(r, changes))))
    mean = next(x for x in rows if x["code"] == "B3_ESIG_EQUIV" and x["measure"] == "mean")
    assert (mean["n"], mean["estimate"], mean["ci_low"], mean["ci_high"]) == ("6", "3.500", "2.661", "4.339")
    change = next(x for x in rows if x["code"] == "B3_ESIG_EQUIV" and x["type"] == "change")
    assert change["estimate"] == "1.300"


def test_results_csv_keeps_negative_figures_numeric(db: Session) -> None:
    _fill(db)
    r = results(db, SECRETARIAT, 2026, country="MY")
    _b, changes = year_over_year(db, SECRETARIAT, 2026, country="MY")
    rows = list(csv.DictReader(io.StringIO(results_csv(r, changes))))
    figures = [x[k] for x in rows for k in ("estimate", "ci_low", "ci_high") if x[k]]
    assert any(v.startswith("-") for v in figures)  # a difference's lower bound below zero
    assert all(Decimal(v) is not None for v in figures)  # none turned into text by the formula guard
    assert safe(Decimal("-0.25")) == Decimal("-0.25") and safe("-0.25") == "'-0.25"


def test_large_integer_answers_are_summed_without_overflow(db: Session) -> None:
    # 100000^2 is past a 32-bit integer: PostgreSQL refused the sum of squares of INTEGER values
    for shipments in (100_000, 300_000, 500_000, 700_000, 900_000):
        direct_response(db, 2026, "MY", "small", valid_answers(A2_PAPERLESS_SHIPMENTS=shipments))
    db.commit()
    mean = _q(results(db, SECRETARIAT, 2026, country="MY"), "A2_PAPERLESS_SHIPMENTS").mean
    # mean 500000, s = sqrt(4e11 / 4) = 316227.766, half = 1.959964 * s / sqrt(5) = 277180.765
    assert mean is not None and (mean.estimate, mean.low, mean.high) == (
        Decimal("500000.000"), Decimal("222819.235"), Decimal("777180.765"))  # fmt: skip


def test_reusing_the_years_cells_gives_the_same_changes(db: Session) -> None:
    _fill(db)
    current = results(db, SECRETARIAT, 2026, country="MY")
    assert year_over_year(db, SECRETARIAT, 2026, country="MY", current=current) == year_over_year(
        db, SECRETARIAT, 2026, country="MY"
    )


def test_a_lone_suppressed_cell_cannot_be_recovered_by_subtraction(db: Session) -> None:
    _fill(db)  # 2026: 6 small (MY) + 1 large (VN) = 7 shown in total
    r = results(db, SECRETARIAT, 2026)
    by_segment = {seg: next(q for q in rows if q.code == "B3_ESIG_EQUIV") for seg, rows in r.by_segment.items()}
    assert by_segment["large"].suppressed  # 1 respondent: under the threshold
    # Shown, "small" would give "large" away as total minus small; so it is suppressed too.
    assert by_segment["small"].suppressed and by_segment["small"].mean is None
    by_state = {st: next(q for q in rows if q.code == "B3_ESIG_EQUIV") for st, rows in r.by_country.items()}
    assert by_state["VN"].suppressed and by_state["MY"].suppressed
    assert _q(r, "B3_ESIG_EQUIV").n == 7  # the total stays shown


def test_two_suppressed_cells_need_no_complement(db: Session) -> None:
    _fill(db)
    direct_response(db, 2026, "TH", "micro", valid_answers(2026, B3_ESIG_EQUIV=4, A2_PAPERLESS_USE="yes"))
    db.commit()
    r = results(db, SECRETARIAT, 2026)
    by_segment = {seg: next(q for q in rows if q.code == "B3_ESIG_EQUIV") for seg, rows in r.by_segment.items()}
    assert by_segment["large"].suppressed and by_segment["micro"].suppressed
    assert not by_segment["small"].suppressed and by_segment["small"].n == 6  # 8 - 6 = 2 hides who said what
