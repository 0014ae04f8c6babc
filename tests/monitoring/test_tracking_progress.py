"""Percentage of implementation, computed by hand on a small set: credits from data/tracking.yaml,
dropped activities out of the denominator, topics pooled into workstreams by activity count, the
per-state view independent of the overall one; and the derived late flag of the timeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from crossborder.monitoring import tracking
from crossborder.monitoring.plans import load_plans
from crossborder.monitoring.tracking_models import Status
from crossborder.monitoring.tracking_progress import display, progress, progress_for, weighting
from crossborder.monitoring.tracking_schemas import StatusIn
from crossborder.monitoring.tracking_timeline import is_late, timeline, timeline_for
from tests.monitoring.test_tracking import FOCAL_MY, FOCAL_TH, SECRETARIAT

CREDIT = {"completed": Decimal(1), "in_progress": Decimal("0.5"), "delayed": Decimal("0.5"), "not_started": Decimal(0)}


def _report(db: Session, activity: str, status: str, country: str | None = None) -> None:
    body = StatusIn(activity_id=activity, status=status, as_of=date(2024, 6, 30), country=country,
                    evidence="Demo evidence")  # fmt: skip
    tracking.report(db, SECRETARIAT, body, None)
    db.commit()


def test_weighting_is_the_documented_one() -> None:
    w = weighting()
    assert dict(w.credits) == {**CREDIT, "dropped": None}
    assert "not taken from the Work Plan" in w.source_note
    assert w.rollup == "activity_count"


def test_progress_by_hand(db: Session) -> None:
    # A.1 has 5 activities, A.3 one, workstream A 24, the plan 81.
    _report(db, "A.1.1.1", "completed")
    _report(db, "A.1.1.2", "in_progress")
    _report(db, "A.1.2.1", "dropped")
    _report(db, "A.1.3.1", "delayed")  # A.1.3.2 has no report: not_started
    _report(db, "A.3.1.1", "completed")
    _report(db, "A.1.1.1", "completed", country="MY")
    overall = progress_for(db, SECRETARIAT)
    topics = {t.id: t for t in overall.topics}
    assert (topics["A.1"].credits, topics["A.1"].counted, topics["A.1"].dropped) == (Decimal(2), 4, 1)
    assert topics["A.1"].percent == Decimal(50)
    assert topics["A.3"].percent == Decimal(100)
    assert topics["A.2"].percent == Decimal(0)
    a = overall.workstreams[0]
    assert (a.id, a.credits, a.counted) == ("A", Decimal(3), 23)  # pooled: 3 credits over 24 - 1 activities
    assert a.percent == Decimal(300) / 23
    assert display(a.percent) == Decimal("13.0")
    assert overall.overall.percent == Decimal("3.75")  # 3 / 80
    assert overall.overall.shown == "3.8 %"  # half-even: 3.75 -> 3.8
    assert overall.workstreams[1].percent == Decimal(0)
    mine = progress_for(db, FOCAL_MY, "MY")
    assert {t.id: t.percent for t in mine.topics}["A.1"] == Decimal(20)  # 1 of 5; the overall reports do not count
    assert mine.overall.percent == Decimal(100) / 81


def test_display_rounds_half_even() -> None:
    assert display(Decimal("12.25")) == Decimal("12.2")
    assert display(Decimal("12.35")) == Decimal("12.4")


@given(st.dictionaries(st.sampled_from(sorted(load_plans().activities)), st.sampled_from([s.value for s in Status])))
def test_progress_matches_the_formula(statuses: dict[str, str]) -> None:
    plans = load_plans()
    result = progress(plans, statuses)
    of = [statuses.get(a, "not_started") for a in plans.activities]
    counted = [s for s in of if s != "dropped"]
    expected = sum((CREDIT[s] for s in counted), Decimal(0)) * 100 / len(counted) if counted else None
    assert result.overall.percent == expected
    assert sum(t.counted for t in result.topics) == sum(w.counted for w in result.workstreams) == len(counted)
    for share in (*result.topics, *result.workstreams):
        assert share.percent is None or Decimal(0) <= share.percent <= Decimal(100)


def test_late_flag_is_derived() -> None:
    end_2024 = date(2024, 12, 31)
    assert is_late(end_2024, "in_progress", date(2025, 1, 1))
    assert is_late(end_2024, "not_started", date(2025, 1, 1))
    assert not is_late(end_2024, "in_progress", end_2024)  # the target day itself is not late
    assert not is_late(end_2024, "completed", date(2026, 1, 1))
    assert not is_late(end_2024, "dropped", date(2026, 1, 1))
    assert not is_late(None, "not_started", date(2026, 1, 1))  # no target date, never late


def test_timeline_rows(db: Session) -> None:
    plans = load_plans()
    rows = {r.activity.id: r for t in timeline(plans, {"A.1.3.1": "completed"}, date(2025, 3, 1)) for r in t.rows}
    assert rows["A.1.3.1"].target == date(2024, 12, 31) and not rows["A.1.3.1"].late
    assert rows["A.1.3.2"].late and rows["A.1.3.2"].status == "not_started"  # due 2024, nothing reported
    assert not rows["A.1.1.1"].late  # due 2025
    assert rows["A.2.1.4"].target is None and not rows["A.2.1.4"].late
    _report(db, "A.1.3.2", "delayed", country="TH")
    th = {r.activity.id: r for t in timeline_for(db, FOCAL_TH, "TH", date(2025, 3, 1)) for r in t.rows}
    assert th["A.1.3.2"].status == "delayed" and th["A.1.3.2"].late
