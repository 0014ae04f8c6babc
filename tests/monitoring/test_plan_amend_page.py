"""The secretariat amends a Work Plan activity from its page: a changed due year makes version 2 with
the old value kept; a bad due, an unchanged form or a missing reason stores nothing and says why;
a focal point may not amend; the form needs its CSRF token."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.monitoring.plan_versions import current_plans
from crossborder.monitoring.tracking_models import PlanVersion
from tests import factories as f
from tests.web.test_customs_pages import HTML, csrf_token, sign_in

PAGE = "/monitoring/plan/activities/A.1.1.1/amend"


def _as(client: TestClient, db: Session, role: Role, country: str, email: str) -> None:
    org = f.org(db, kind=f.KIND_FOR_ROLE[role], country=country)
    f.user(db, organisation=org, roles=[role], email=email)
    sign_in(client, email)


def _versions(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(PlanVersion).where(PlanVersion.version > 1)) or 0


def test_secretariat_amends_the_due_year(client: TestClient, db: Session) -> None:
    _as(client, db, Role.secretariat, "ASEAN", "accec@amend.example")
    before = current_plans(db).activities["A.1.1.1"]
    form = {"csrf_token": csrf_token(client, PAGE), "text": before.text or "", "target_timeline":
            before.target_timeline or "", "due": "2027", "lead_body": before.lead_body or "", "kpi": before.kpi or "",
            "note": before.note or "", "effective_from": "2026-12-01", "reason": "Mid-term review (demo)"}  # fmt: skip
    assert client.post(PAGE, data=form | {"csrf_token": "forged"}, headers=HTML).status_code == 403
    bad = client.post(PAGE, data=form | {"due": "next year"}, headers=HTML)
    assert bad.status_code == 422 and "<code>due</code>" in bad.text and _versions(db) == 0
    unchanged = client.post(PAGE, data=form | {"due": str(before.due)}, headers=HTML)
    assert unchanged.status_code == 422 and _versions(db) == 0
    no_reason = client.post(PAGE, data=form | {"reason": ""}, headers=HTML)
    assert no_reason.status_code == 422 and "<code>reason</code>" in no_reason.text
    done = client.post(PAGE, data=form, headers=HTML, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/monitoring/plan/versions?done=amended"
    db.expire_all()
    row = db.execute(select(PlanVersion).where(PlanVersion.version == 2)).scalar_one()
    assert current_plans(db).activities["A.1.1.1"].due == 2027
    assert any(path.endswith(".due") and old == before.due for path, old in row.changed.items())


def test_focal_point_may_not_amend(client: TestClient, db: Session) -> None:
    _as(client, db, Role.focal_point, "MY", "focal@amend.example")
    assert client.get(PAGE, headers=HTML).status_code == 403
