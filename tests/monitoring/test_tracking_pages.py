"""The tracking pages: sign-in required; a focal point reports on an activity page (CSRF) and the
progress page shows the new percentage with its weighting; errors name field, value and rule; the
timeline flags late activities; the versions page is the secretariat's and shows the diff."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import REGIONAL, OrgKind, Role
from crossborder.core.dates import today
from crossborder.monitoring import plan_versions
from crossborder.monitoring.tracking_schemas import AmendmentIn
from tests import factories as f
from tests.monitoring.test_tracking import SECRETARIAT
from tests.web.test_customs_pages import HTML, csrf_token, sign_in


def _focal(db: Session, country: str = "TH") -> None:
    org = f.org(db, kind=OrgKind.ecommerce_focal_point, country=country)
    f.user(db, organisation=org, roles=[Role.focal_point], email=f"focal.{country.lower()}@example.org")


def test_pages_need_sign_in(client: TestClient) -> None:
    for path in ("/monitoring/tracking", "/monitoring/tracking/timeline", "/monitoring/tracking/activities/A.1.1.1",
                 "/monitoring/plan/versions"):  # fmt: skip
        response = client.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=")


def test_focal_point_reports_and_progress_changes(client: TestClient, db: Session) -> None:
    _focal(db)
    sign_in(client, "focal.th@example.org")
    before = client.get("/monitoring/tracking?country=TH", headers=HTML)
    assert before.status_code == 200 and 'id="overall-percent">0.0 %' in before.text
    assert "not taken from the Work Plan" in before.text and "<svg" in before.text
    page = "/monitoring/tracking/activities/A.3.1.1"
    form = {"csrf_token": csrf_token(client, page), "country": "TH", "status": "completed",
            "as_of": "2024-05-01", "evidence": "", "evidence_url": "", "client_reference": "web-1"}  # fmt: skip
    refused = client.post(page, data=form, headers=HTML, follow_redirects=False)
    assert refused.status_code == 422 and "required when the status is completed" in refused.text
    done = client.post(page, data=form | {"evidence": "Launched"}, headers=HTML, follow_redirects=False)
    assert done.status_code == 303
    again = client.post(page, data=form | {"evidence": "Launched"}, headers=HTML, follow_redirects=False)
    assert again.status_code == 303  # same client reference: the first report, no duplicate
    assert client.get(page, headers=HTML).text.count("Launched") == 1
    after = client.get("/monitoring/tracking?country=TH", headers=HTML).text
    assert 'id="overall-percent">1.2 %' in after  # 1 of 81
    other = client.post(page, data=form | {"country": "MY", "client_reference": "web-2", "evidence": "x"},
                        headers=HTML, follow_redirects=False)  # fmt: skip
    assert other.status_code == 403
    assert client.get("/monitoring/tracking?country=MY", headers=HTML).status_code == 404
    assert client.get("/monitoring/plan/versions", headers=HTML).status_code == 403


def test_timeline_flags_late(client: TestClient, db: Session) -> None:
    _focal(db)
    sign_in(client, "focal.th@example.org")
    text = client.get("/monitoring/tracking/timeline", headers=HTML).text
    late = today() > date(2024, 12, 31)
    assert ('id="row-A.1.3.1" class="late"' in text) is late
    assert 'id="row-A.2.1.4">' in text and "No target date" in text


def test_versions_page_shows_the_diff(client: TestClient, db: Session) -> None:
    org = f.org(db, kind=OrgKind.accec_secretariat, country=REGIONAL)
    f.user(db, organisation=org, roles=[Role.secretariat], email="sec@example.org")
    body = AmendmentIn(
        activity_id="A.1.1.1", set={"lead_body": "ACCEC"}, effective_from=date(2026, 1, 1), reason="Test review"
    )
    plan_versions.amend(db, SECRETARIAT, body)
    db.commit()
    sign_in(client, "sec@example.org")
    text = client.get("/monitoring/plan/versions", headers=HTML).text
    assert "Test review" in text and "topics[0].objectives[0].activities[0].lead_body" in text and "ACCEC" in text
