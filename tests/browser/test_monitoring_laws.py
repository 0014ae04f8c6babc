"""The Laws Reporting Scheme in a real browser: Malaysia's focal point signs in, fills a national
plan with one topic entry (a law in force, aligned with the UN Convention on Electronic
Communications, one planned action) and submits it; the secretariat opens the coverage matrix and
sees Malaysia's cell for that topic, marked as submitted, beside the baseline; it then accepts the
plan, and the law appears on the public page without sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.dates import utcnow
from tests import factories as f

pytestmark = pytest.mark.browser


def _sign_in(page, email: str, target: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(target)
    page.locator("#email").fill(email)
    page.locator("#password").fill(f.PASSWORD)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_url(f"**{target}")


def test_focal_point_submits_and_secretariat_sees_the_cell(browser, live_server, db: Session) -> None:  # type: ignore[no-untyped-def]
    my = f.org(db, kind=OrgKind.ecommerce_focal_point, country="MY", name="Demo focal point MY")
    accec = f.org(db, kind=OrgKind.accec_secretariat, country="ASEAN", name="Demo ACCEC secretariat")
    f.user(db, organisation=my, roles=[Role.focal_point], email="focal.my@laws.example")
    f.user(db, organisation=accec, roles=[Role.secretariat], email="secretariat@laws.example")
    year = str(utcnow().year)

    focal = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    _sign_in(focal, "focal.my@laws.example", "/monitoring/laws/plans/new")
    form = focal.locator("#plan-form")
    form.locator("#year").select_option(year)
    form.locator("#e0_topic").select_option("B.1")
    form.locator("#e0_instrument").select_option("un_ecc")
    form.locator("#e0_alignment").select_option("aligned")
    form.locator("#e0_law0_title").fill("Demo: Electronic Transactions Act (example)")
    form.locator("#e0_law0_status").select_option("in_force")
    form.locator("#e0_law0_enacted_on").fill("2020-01-15")
    form.locator("#e0_law0_in_force_on").fill("2020-06-01")
    form.locator("#e0_action0_text").fill("Demo: review against the Convention")
    form.locator("#e0_action0_target_date").fill(f"{year}-12-31")
    form.locator("#submit-plan").click()
    focal.wait_for_selector("#done")
    assert focal.locator("#plan-status").inner_text() == "Submitted"
    assert "Demo: Electronic Transactions Act (example)" in focal.locator("#revision-1").inner_text()

    secretariat = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    _sign_in(secretariat, "secretariat@laws.example", f"/monitoring/laws/coverage?year={year}")
    cell = secretariat.locator("#cell-B\\.1-MY")
    assert cell.get_attribute("data-level") == "yes"
    assert "Yes*" in cell.inner_text() and "baseline: not stated" in cell.inner_text()
    assert secretariat.locator("#cell-B\\.1-TH").get_attribute("data-level") == "not_reported"
    assert "Yes" in secretariat.locator("#legend").inner_text()  # colour has a text legend

    secretariat.goto("/monitoring/laws/review")
    secretariat.locator("#plans a").first.click()
    secretariat.locator("#comment-B\\.1").fill("Demo: thank you")
    secretariat.locator("#accept").click()
    secretariat.wait_for_selector("#done")
    assert secretariat.locator("#plan-status").inner_text() == "Accepted"

    visitor = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    visitor.goto("/monitoring/laws/public?country=MY")
    assert "Demo: Electronic Transactions Act (example)" in visitor.locator("#public-laws").inner_text()
