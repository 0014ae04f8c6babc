"""The trust application lifecycle in a real browser: a business applies, answers every criterion,
uploads evidence and submits; the operator's auditor reviews each criterion, grants, then suspends
and reinstates the credential."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.trust.models import IssuedCredential
from crossborder.trust.settings import schemes
from tests import factories as f

pytestmark = pytest.mark.browser
AREAS = schemes()["trust_mark"].criteria_areas


def _sign_in(page, email: str, target: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(target)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{target}")


def test_apply_review_grant_suspend_reinstate(  # type: ignore[no-untyped-def]
    page, browser, live_server, db: Session, tmp_path: Path
) -> None:
    operator = f.org(db, kind=OrgKind.trust_mark_operator, country="VN", name="VN Trust Operator")
    f.user(db, organisation=operator, roles=[Role.trust_auditor, Role.trust_operator], email="auditor@trust.vn")
    business = f.org(db, kind=OrgKind.business, country="VN", name="Saigon Silk Co")
    f.user(db, organisation=business, roles=[Role.business_user], email="owner@saigonsilk.vn")
    evidence = tmp_path / "business-licence.pdf"
    evidence.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")

    _sign_in(page, "owner@saigonsilk.vn", "/trust/applications")
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Operator").select_option(label="VN Trust Operator (VN)")
    page.get_by_label("Scheme").select_option("trust_mark")
    page.get_by_label("Business identifier").fill("VN-0101234567")
    page.get_by_role("button", name="Open application").click()
    page.wait_for_url("**/trust/applications/APP-*?done=created*")
    assert page.get_by_role("status").inner_text() == "Application opened."
    assert page.locator("#status").inner_text() == "Draft"

    for area in AREAS:
        block = page.locator(f"#criterion-{area}")
        block.get_by_label("Your answer").fill(f"How Saigon Silk meets {area}")
        block.get_by_role("button", name="Save answer").click()
        page.wait_for_url("**done=answer*")
    page.locator(f"#criterion-{AREAS[0]}").get_by_label("Evidence file").set_input_files(str(evidence))
    page.locator(f"#criterion-{AREAS[0]}").get_by_role("button", name="Upload").click()
    page.wait_for_url("**done=evidence*")
    assert page.locator(f"#criterion-{AREAS[0]}").get_by_role("link", name="business-licence.pdf").is_visible()
    page.get_by_role("button", name="Submit for audit").click()
    page.wait_for_url("**done=submit*")
    assert page.locator("#status").inner_text() == "Submitted"
    reference = page.url.split("/trust/applications/")[1].split("?")[0]

    auditor_context = browser.new_context(base_url=live_server, locale="en-GB")
    auditor = auditor_context.new_page()
    _sign_in(auditor, "auditor@trust.vn", "/trust/applications?status=submitted")
    auditor.get_by_role("link", name=reference).click()
    for area in AREAS:
        block = auditor.locator(f"#criterion-{area}")
        block.get_by_label("Outcome").select_option("met")
        block.get_by_role("button", name="Record review").click()
        auditor.wait_for_url("**done=review*")
    assert auditor.locator("#status").inner_text() == "Under review"
    auditor.get_by_label("Grant and issue the credential").check()
    auditor.get_by_label("Reason", exact=True).fill("All six criteria met on the evidence provided")
    auditor.get_by_role("button", name="Record decision").click()
    auditor.wait_for_url("**done=grant*")
    assert auditor.locator("#status").inner_text() == "Granted"
    assert auditor.locator("#credential-status").inner_text() == "Active"

    auditor.get_by_label("Suspend").check()
    auditor.locator("#credential-reason").fill("Consumer complaints under investigation")
    auditor.get_by_role("button", name="Record", exact=True).click()
    auditor.wait_for_url("**done=suspend*")
    assert auditor.locator("#credential-status").inner_text() == "Suspended"
    auditor.get_by_label("Reinstate").check()
    auditor.locator("#credential-reason").fill("Complaints resolved")
    auditor.get_by_role("button", name="Record", exact=True).click()
    auditor.wait_for_url("**done=reinstate*")
    assert auditor.locator("#credential-status").inner_text() == "Active"
    auditor_context.close()

    page.reload()
    assert page.locator("#status").inner_text() == "Granted"
    db.expire_all()
    assert db.execute(select(IssuedCredential.status)).scalar_one() == "active"
