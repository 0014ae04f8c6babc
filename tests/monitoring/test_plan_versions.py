"""The plan as a living document: version 1 is the shipped YAML (imported once); an amendment is
version 2, validated like the file, recording the old value of every changed key path; an invalid
amendment is refused naming the key path and stores nothing; the diff lists path, old and new."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.errors import Forbidden, ValidationFailed
from crossborder.monitoring import plan_versions
from crossborder.monitoring.plan_versions_diff import Change, diff, value_at
from crossborder.monitoring.plans import load_plans
from crossborder.monitoring.tracking_models import PlanVersion
from crossborder.monitoring.tracking_schemas import AmendmentIn
from tests.monitoring.test_tracking import FOCAL_TH, SECRETARIAT

A1111 = "topics[0].objectives[0].activities[0]"


def amendment(**values: Any) -> AmendmentIn:
    base: dict[str, Any] = {"effective_from": date(2026, 1, 1), "reason": "Mid-term review (test)"}
    return AmendmentIn.model_validate(base | values)


def _count(db: Session) -> int:
    return db.execute(select(func.count()).select_from(PlanVersion)).scalar_one()


def test_import_is_idempotent_and_matches_the_yaml(db: Session) -> None:
    assert plan_versions.current_plans(db) == load_plans()  # empty table: the shipped files
    created = plan_versions.import_plans(db, SECRETARIAT)
    db.commit()
    assert sorted(v.document for v in created) == ["frameworks", "work_plan", "work_programme"]
    assert plan_versions.import_plans(db, SECRETARIAT) == []
    assert _count(db) == 3
    assert plan_versions.current_plans(db).activities == load_plans().activities
    with pytest.raises(Forbidden):
        plan_versions.import_plans(db, FOCAL_TH)


def test_amendment_makes_version_2_with_the_old_values(db: Session) -> None:
    old = load_plans().activities["A.1.1.1"]
    row = plan_versions.amend(db, SECRETARIAT, amendment(activity_id="A.1.1.1",
                              set={"due": 2026, "target_timeline": "2022-2026", "kpi": old.kpi}))  # fmt: skip
    db.commit()
    assert (row.document, row.version, row.effective_from) == ("work_plan", 2, date(2026, 1, 1))
    # Only what changed is recorded (kpi was given unchanged), with its old value.
    assert row.changed == {f"{A1111}.due": 2025, f"{A1111}.target_timeline": old.target_timeline}
    assert row.content["history"][-1] == {
        "version": 1, "effective_from": None, "superseded": "2026-01-01", "reason": "Mid-term review (test)",
        "changed": row.changed,
    }  # fmt: skip
    now = plan_versions.current_plans(db)
    assert now.activities["A.1.1.1"].due == 2026
    assert now.work_plan.version == 2 and now.work_plan.history[-1].changed == row.changed
    v1 = plan_versions.get(db, SECRETARIAT, "work_plan", 1)
    assert diff(v1.content, row.content) == [
        Change("meta.version", 1, 2),
        Change("meta.effective_from", None, "2026-01-01"),
        Change(f"{A1111}.target_timeline", old.target_timeline, "2022-2026"),
        Change(f"{A1111}.due", 2025, 2026),
    ]
    assert [v.version for v in plan_versions.versions(db, FOCAL_TH, "work_plan")] == [2, 1]


def test_adding_an_activity_gives_the_next_id(db: Session) -> None:
    source = {"document": "ACCEC meeting record (test)", "section": "Decision 3"}
    row = plan_versions.amend(
        db, SECRETARIAT, amendment(objective_id="A.1.1", add={"text": "A new forum", "due": 2026, "source": source})
    )
    db.commit()
    new = plan_versions.current_plans(db).activities["A.1.1.3"]
    assert (new.text, new.due, new.topic_id, new.kpi) == ("A new forum", 2026, "A.1", None)
    assert row.changed == {"topics[0].objectives[0].activities[2]": None}


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"activity_id": "A.1.1.1", "set": {"due": 1999}}, f"{A1111}.due"),
        ({"activity_id": "A.1.1.1", "set": {"due": "next year"}}, f"{A1111}.due"),
        ({"activity_id": "A.1.1.1", "set": {"text": None}}, f"{A1111}.text"),  # no text without a note
        ({"activity_id": "A.1.1.1", "set": {"id": "A.1.1.9"}}, "set.id"),  # ids never change
        ({"activity_id": "A.1.1.1", "set": {"due": 2025}}, "set"),  # changes nothing
        ({"activity_id": "Z.1.1.1", "set": {"due": 2026}}, "activity_id"),
        ({"objective_id": "A.1.1", "add": {"text": "No source"}}, "topics[0].objectives[0].activities[2].source"),
        ({"objective_id": "A.1.9", "add": {"text": "x"}}, "objective_id"),
        ({"activity_id": "A.1.1.1"}, "activity_id"),
    ],
)
def test_invalid_amendment_names_the_key_path_and_stores_nothing(
    db: Session, values: dict[str, Any], path: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plan_versions.amend(db, SECRETARIAT, amendment(**values))
    db.rollback()
    assert caught.value.errors[0].path == path
    assert _count(db) == 0


def test_effective_date_cannot_go_back(db: Session) -> None:
    plan_versions.amend(db, SECRETARIAT, amendment(activity_id="A.1.1.1", set={"due": 2026}))
    db.commit()
    with pytest.raises(ValidationFailed) as caught:
        plan_versions.amend(db, SECRETARIAT, amendment(activity_id="A.1.1.1", set={"due": 2027},
                                                       effective_from=date(2025, 1, 1)))  # fmt: skip
    assert caught.value.errors[0].path == "effective_from"


def test_only_the_secretariat_amends(db: Session) -> None:
    with pytest.raises(Forbidden):
        plan_versions.amend(db, FOCAL_TH, amendment(activity_id="A.1.1.1", set={"due": 2026}))


def test_value_at_follows_key_paths() -> None:
    content = {"topics": [{"objectives": [{"activities": [{"due": 2025}]}]}]}
    assert value_at(content, "topics[0].objectives[0].activities[0].due") == 2025
    assert value_at(content, "topics[3].title") is None
