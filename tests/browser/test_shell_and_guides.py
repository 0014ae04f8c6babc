"""The main pages in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.i18n import translations
from crossborder.reference import get_registry
from tests import factories as f

pytestmark = pytest.mark.browser


def test_sign_in_and_out(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    org = f.org(db, kind=OrgKind.customs_authority, country="TH", name="Thai Customs Department")
    f.user(db, organisation=org, roles=[Role.customs_officer], email="somchai@example.org")
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail").fill("somchai@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert "Thai Customs Department (TH)" in page.locator(".who").inner_text()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").is_visible()


@pytest.mark.parametrize("lang", ["vi", "th", "id", "ms"])
def test_switch_language(page, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/countries")
    page.locator(f'.langs a[hreflang="{lang}"]').click()
    page.wait_for_url("**/countries")
    expected = translations(lang).gettext("Country guides")
    assert expected != "Country guides"
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == expected


def test_country_guide_matches_reference_data(page) -> None:  # type: ignore[no-untyped-def]
    on = date(2025, 8, 1)
    malaysia = get_registry().country("MY")
    page.goto("/countries")
    page.get_by_role("link", name=malaysia.name).click()
    assert malaysia.name in page.locator("#guide-title").inner_text()
    page.get_by_label("Rules in force on").fill(on.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**on={on}")
    rate = malaysia.value_on("indirect_tax.standard_rate", on)
    assert rate is not None
    fact = page.locator("#fact-indirect_tax-standard_rate")
    assert f"{rate.value} %" in fact.inner_text()
    assert fact.locator("a").first.get_attribute("href") == rate.source
    assert page.locator("#currency").inner_text() == malaysia.currency.code


def test_compare_page_puts_every_state_side_by_side(page) -> None:  # type: ignore[no-untyped-def]
    on = date(2025, 6, 1)
    page.goto(f"/countries/compare?on={on}")
    rows = page.locator("#compare tbody tr")
    assert rows.count() == len(get_registry().member_states())
    singapore = page.locator('#compare tr[data-country="SG"] td[data-parameter="indirect_tax.standard_rate"]')
    rate = get_registry().country("SG").value_on("indirect_tax.standard_rate", on)
    assert rate is not None and singapore.inner_text().strip() == f"{rate.value} %"
