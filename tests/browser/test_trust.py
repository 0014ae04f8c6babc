"""The trust registry in a real browser: a visitor finds a certified seller, sees its badge and QR code,
verifies its credential live, and sees the change once the operator suspends it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.trust import service
from tests.web.test_trust_pages import issue, operator

pytestmark = pytest.mark.browser

LOADED = "img => img.complete && img.naturalWidth > 0"


def test_visitor_finds_a_seller_and_verifies_it_live(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    vn = operator(db, "VN")
    row = issue(db, vn, "B-1")
    issue(db, vn, "B-2", business_id="VN-9", subject_name="Hanoi Lacquer")

    page.goto("/")
    page.get_by_role("link", name="Trust registry").click()
    page.get_by_label("Business name").fill("SAIGON")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/trust/registry?*")
    results = page.locator("#registry-results tbody tr")
    assert results.count() == 1
    results.get_by_role("link", name="Saigon Silk Co").click()

    page.wait_for_url("**/trust/businesses/VN/VN-0101234567")
    assert page.get_by_role("heading", level=1).inner_text() == "Saigon Silk Co"
    credential = page.locator(f'section[data-credential="{row.credential_id}"]')
    assert credential.locator(".badge").inner_text() == "Certified"
    badge, qr = credential.locator("img.trust-badge"), credential.locator("img.trust-qr")
    assert badge.evaluate(LOADED) and qr.evaluate(LOADED)  # both images were served and decoded
    assert f"/trust/verify/{row.credential_id}" in credential.locator("textarea.snippet").first.input_value()

    credential.get_by_role("link", name="Verify this credential live").click()
    page.wait_for_url(f"**/trust/verify/{row.credential_id}")
    assert page.locator("#verification-title").inner_text() == "Valid"
    assert page.locator("#verification-issuer").inner_text() == "Trust Mark Operator VN (VN)"

    service.change_status(db, SYSTEM, row.credential_id, "suspend", "complaint under investigation")
    db.commit()
    page.reload()
    assert page.locator("#verification-title").inner_text() == "Not valid"
    assert page.locator('#reasons li[data-reason="suspended"]').is_visible()

    page.get_by_role("link", name="Public page of Saigon Silk Co").click()
    page.wait_for_url("**/trust/businesses/VN/VN-0101234567")
    assert credential.locator(".badge").inner_text() == "Suspended"
    assert credential.get_by_role("note").is_visible()
    # The registry lists only what is certified now.
    page.goto("/trust/registry?name=saigon")
    assert page.locator("#no-results").is_visible()


def test_visitor_pastes_a_credential_to_verify(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    row = issue(db, operator(db, "MY"), "P-1", business_id="MY-1", subject_name="KL Batik")

    page.goto("/trust/registry")
    page.get_by_role("link", name="Verify a credential you were given").click()
    page.get_by_label("Credential", exact=True).fill(row.token)
    page.get_by_label("Check recognition in a member state (optional)").select_option("MY")
    page.get_by_role("button", name="Verify", exact=True).click()
    assert page.locator("#verification-title").inner_text() == "Valid"

    page.get_by_label("Credential", exact=True).fill(row.token[:-6] + "AAAAAA")
    page.get_by_role("button", name="Verify", exact=True).click()
    assert page.locator("#verification-title").inner_text() == "Not valid"
    assert page.locator("#reasons li").count() == 1
