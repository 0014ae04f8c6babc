"""National plans through the real app: each validation rule names field, value and rule and stores
nothing; the lifecycle draft -> submitted -> returned -> resubmitted -> accepted keeps every
revision; client references never duplicate; a member state reads only its own plans."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.monitoring.law_models import LawPlan, LawPlanLaw, LawPlanRevision
from tests.monitoring.test_laws_helpers import THIS_YEAR, URL, entry, headers, law, plan, review, submit

FUTURE = f"{THIS_YEAR + 1}-01-01"
NO_DATE = [{"text": "Amend the act", "target_date": None}]


def _errors(response: Any) -> dict[str, dict[str, Any]]:
    return {e["path"]: e for e in response.json()["errors"]}


def _count(db: Session, model: type) -> int:
    return int(db.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.mark.parametrize(
    ("body", "path", "value"),
    [
        (plan(entries=[entry("Z.9")]), "entries[0].topic", "Z.9"),
        (plan(entries=[entry(instrument="no_such_treaty")]), "entries[0].instrument", "no_such_treaty"),
        (plan(entries=[entry(instrument="asean_pdp_framework")]), "entries[0].instrument", "asean_pdp_framework"),
        (plan(entries=[entry(laws=[law(status="repealed")])]), "entries[0].laws[0].status", "repealed"),
        (plan(entries=[entry(alignment="mostly")]), "entries[0].alignment", "mostly"),
        (plan(entries=[entry(laws=[law(status="enacted", enacted_on=None)])]), "entries[0].laws[0].enacted_on", None),
        (plan(entries=[entry(laws=[law(in_force_on=None)])]), "entries[0].laws[0].in_force_on", None),
        (plan(entries=[entry(laws=[law(in_force_on=FUTURE)])]), "entries[0].laws[0].in_force_on", FUTURE),
        (plan(entries=[entry(actions=NO_DATE)]), "entries[0].actions[0].target_date", None),
        (plan(year=2020), "year", 2020),
        (plan(year=THIS_YEAR + 2), "year", THIS_YEAR + 2),
        (plan(entries=[entry("B.1"), entry("B.1")]), "entries[1].topic", "B.1"),
        (plan(entries=[entry(laws=[law(url="http://laws.example.org/x")])]), "entries[0].laws[0].url", "http://laws.example.org/x"),
        (plan(entries=[entry(instrument=None, alignment="aligned")]), "entries[0].alignment", "aligned"),
    ],
)  # fmt: skip
def test_each_rule_names_field_value_and_stores_nothing(
    client: TestClient, db: Session, body: dict[str, Any], path: str, value: Any
) -> None:
    answer = submit(client, headers(db, Role.focal_point, "MY"), body)
    assert answer.status_code == 422, answer.text
    error = _errors(answer)[path]
    assert error["value"] == value and error["rule"]
    assert _count(db, LawPlan) == 0 and _count(db, LawPlanRevision) == 0 and _count(db, LawPlanLaw) == 0


def test_unknown_topic_error_is_clear(client: TestClient, db: Session) -> None:
    answer = submit(client, headers(db, Role.focal_point, "MY"), plan(entries=[entry("D.1")]))
    error = _errors(answer)["entries[0].topic"]
    assert "Work Plan topic" in error["rule"] and "B.1" in error["rule"]


def test_one_bad_entry_among_good_ones_stores_nothing(client: TestClient, db: Session) -> None:
    body = plan(
        entries=[entry("B.1"), entry("B.3", instrument="uncitral_ml_esignatures"), entry("C.3", laws=[law(status="x")])]
    )
    assert submit(client, headers(db, Role.focal_point, "MY"), body).status_code == 422
    assert _count(db, LawPlan) == 0 and _count(db, LawPlanLaw) == 0


def test_lifecycle_keeps_every_revision(client: TestClient, db: Session) -> None:
    focal = headers(db, Role.focal_point, "MY")
    secretariat = headers(db, Role.secretariat, "ASEAN")
    draft = submit(client, focal, plan(), draft="true")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    # Saving the draft again edits it in place; submitting turns it into revision 1.
    submit(client, focal, plan(note="Demo data, edited"), draft="true")
    first = submit(client, focal, plan(note="Demo data, v1"))
    ref = first.json()["reference"]
    assert ref == f"NLP-MY-{THIS_YEAR}" and first.json()["latest_revision"] == 1
    assert first.json()["revisions"][0]["status"] == "submitted"

    # A return needs a comment; a comment on a topic not in the plan is refused.
    assert review(client, secretariat, ref, 1, "return").status_code == 422
    assert "entry_comments.C.4" in _errors(review(client, secretariat, ref, 1, "return", entry_comments={"C.4": "x"}))
    returned = review(
        client, secretariat, ref, 1, "return", comment="Please add dates", entry_comments={"B.1": "Cite the act"}
    )
    assert returned.status_code == 200, returned.text
    rev1 = returned.json()["revisions"][0]
    assert rev1["status"] == "returned" and rev1["entries"][0]["review_comment"] == "Cite the act"
    assert review(client, secretariat, ref, 1, "accept").status_code == 409  # no longer submitted

    # Revised and resubmitted: revision 2; revision 1 is kept as it was, with its comments.
    second = submit(client, focal, plan(note="Demo data, v2"))
    revs = second.json()["revisions"]
    assert [r["number"] for r in revs] == [2, 1]
    assert revs[1]["note"] == "Demo data, v1" and revs[1]["review_comment"] == "Please add dates"
    accepted = review(client, secretariat, ref, 2, "accept")
    assert accepted.json()["status"] == "accepted"
    actions = db.execute(
        select(AuditEntry.action).where(AuditEntry.entity_id == ref).order_by(AuditEntry.seq)
    ).scalars()
    assert list(actions) == [
        "monitoring.law_plan.draft_saved", "monitoring.law_plan.draft_saved", "monitoring.law_plan.submitted",
        "monitoring.law_plan.returned", "monitoring.law_plan.submitted", "monitoring.law_plan.accepted",
    ]  # fmt: skip


def test_client_reference_and_idempotency_key_never_duplicate(client: TestClient, db: Session) -> None:
    focal = headers(db, Role.focal_point, "MY")
    body = plan(client_reference="my-2025-plan")
    first, again = submit(client, focal, body), submit(client, focal, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert _count(db, LawPlanRevision) == 1
    other = submit(client, focal, plan(client_reference="my-2025-plan", note="different"))
    assert other.status_code == 409 and "client_reference" in _errors(other)
    keyed = {**focal, "Idempotency-Key": "k-1"}
    one = client.post(f"{URL}/plans", json=plan(note="keyed"), headers=keyed)
    two = client.post(f"{URL}/plans", json=plan(note="keyed"), headers=keyed)
    assert one.status_code == 201 and two.json() == one.json()
    assert _count(db, LawPlanRevision) == 2


def test_member_state_scope(client: TestClient, db: Session) -> None:
    my, th = headers(db, Role.focal_point, "MY"), headers(db, Role.focal_point, "TH")
    ref = submit(client, my, plan(), draft="true").json()["reference"]
    assert submit(client, th, plan(country="MY")).status_code == 403
    assert client.get(f"{URL}/plans/{ref}", headers=th).status_code == 404
    assert client.get(f"{URL}/plans", headers=th).json()["plans"] == []
    assert [p["reference"] for p in client.get(f"{URL}/plans", headers=my).json()["plans"]] == [ref]
    # Only the secretariat reviews.
    submit(client, my, plan())
    assert review(client, my, ref, 1, "accept").status_code == 403
    assert client.get(f"{URL}/plans/{ref}").status_code == 401
