"""Trust application pages through the real app: a business applies, answers and uploads evidence,
submits; the operator's auditor reviews and grants; a trust officer suspends the credential. Forms
need their CSRF token; refusals re-render the page with the reasons."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.trust.application_models import ApplicationEvidence, TrustApplication
from crossborder.trust.models import IssuedCredential
from crossborder.trust.settings import schemes
from tests import factories as f
from tests.web.test_customs_pages import HTML, csrf_token, sign_in

AREAS = schemes()["trust_mark"].criteria_areas
PDF = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n"  # above the API's default 1 MiB body limit


def _post(client: TestClient, page: str, action: str, data: dict[str, str], **kwargs: Any) -> Any:
    token = csrf_token(client, page)
    return client.post(action, data={"csrf_token": token, **data}, headers=HTML, follow_redirects=False, **kwargs)


def test_apply_review_grant_and_suspend_through_the_pages(app: FastAPI, client: TestClient, db: Session) -> None:
    operator = f.org(db, kind=OrgKind.trust_mark_operator, country="VN", name="VN Trust Operator")
    auditor = f.user(db, organisation=operator, roles=[Role.trust_auditor, Role.trust_operator])
    business = f.org(db, kind=OrgKind.business, country="VN", name="Saigon Silk Co")
    applicant = f.user(db, organisation=business, roles=[Role.business_user])

    sign_in(client, applicant.email)
    form = client.get("/trust/applications/new", headers=HTML).text
    assert "VN Trust Operator (VN)" in form
    reference_field = re.search(r'name="client_reference" value="([^"]+)"', form)
    assert reference_field is not None
    data = {"client_reference": reference_field.group(1), "operator_org_id": str(operator.id),
            "scheme": "trust_mark", "business_id": "VN-0101234567", "business_name": ""}  # fmt: skip
    opened = _post(client, "/trust/applications/new", "/trust/applications", data)
    assert opened.status_code == 303, opened.text
    page = opened.headers["location"].split("?")[0]
    again = _post(client, "/trust/applications/new", "/trust/applications", data)  # a double submit
    assert again.headers["location"].split("?")[0] == page
    assert len(db.execute(select(TrustApplication)).scalars().all()) == 1

    for area in AREAS:
        saved = _post(client, page, f"{page}/answers", {"criterion": area, "answer": f"We meet {area}"})
        assert saved.status_code == 303
    reference = page.rsplit("/", 1)[-1]
    uploaded = _post(client, page, "/trust/evidence", {"application": reference, "criterion": AREAS[0]},
                     files={"file": ("licence.pdf", PDF, "application/pdf")})  # fmt: skip
    assert uploaded.status_code == 303, uploaded.text
    assert db.execute(select(ApplicationEvidence.size)).scalar_one() == len(PDF)
    refused = _post(client, page, "/trust/evidence", {"application": reference, "criterion": AREAS[0]},
                    files={"file": ("x.exe", b"MZ\x90\x00", "application/pdf")})  # fmt: skip
    assert refused.status_code == 422 and "unrecognised" in refused.text
    assert _post(client, page, f"{page}/actions", {"action": "submit"}).status_code == 303
    shown = client.get(page, headers=HTML).text
    assert 'data-status="submitted"' in shown and "licence.pdf" in shown and 'class="answer-form"' not in shown

    reviewer = TestClient(app)
    sign_in(reviewer, auditor.email)
    assert reference in reviewer.get("/trust/applications?status=submitted", headers=HTML).text
    early = _post(reviewer, page, f"{page}/actions", {"action": "grant", "reason": "ok"})
    assert early.status_code == 409 and "reviews.legal_compliance" in early.text
    for area in AREAS:
        assert _post(reviewer, page, f"{page}/reviews", {"criterion": area, "outcome": "met"}).status_code == 303
    granted = _post(reviewer, page, f"{page}/actions", {"action": "grant", "reason": "All criteria met"})
    assert granted.status_code == 303
    shown = reviewer.get(page, headers=HTML).text
    assert 'data-status="granted"' in shown and 'id="credential-status" data-status="active"' in shown
    suspended = _post(reviewer, page, f"{page}/actions", {"action": "suspend", "reason": "Complaint under review"})
    assert suspended.status_code == 303
    assert db.execute(select(IssuedCredential.status)).scalar_one() == "suspended"


def test_forms_need_their_csrf_token_and_sign_in(client: TestClient, db: Session) -> None:
    business = f.org(db, kind=OrgKind.business, country="VN")
    applicant = f.user(db, organisation=business, roles=[Role.business_user])
    anonymous = client.get("/trust/applications", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    sign_in(client, applicant.email)
    forged = client.post("/trust/applications", data={"client_reference": "x"}, headers=HTML)
    assert forged.status_code == 403
    assert db.execute(select(TrustApplication)).first() is None
    missing = _post(client, "/trust/applications/new", "/trust/applications",
                    {"client_reference": "r1", "operator_org_id": "", "scheme": "trust_mark", "business_id": "",
                     "business_name": ""})  # fmt: skip
    assert missing.status_code == 422 and "operator_org_id" in missing.text
