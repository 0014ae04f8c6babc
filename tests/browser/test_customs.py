"""The customs pages in a real browser: the public calculator, and an officer's hold then
release from the queue."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crossborder.customs import declarations
from crossborder.customs.landed_cost import assess
from crossborder.customs.shipment import parse_shipment
from tests.web.test_customs_pages import ON, declare, load_rates, merchant, officer

pytestmark = pytest.mark.browser


@pytest.fixture
def tariff(db: Session) -> None:
    load_rates(db)


def test_calculator_computes_a_malaysian_case(page, db: Session, tariff: None) -> None:  # type: ignore[no-untyped-def]
    raw = {
        "origin": "VN",
        "destination": "MY",
        "date": ON,
        "shipping": "5",
        "lines": [
            {
                "id": "1",
                "hs_code": "620520",
                "description": "Cotton shirts",
                "quantity": 2,
                "unit_value": "100",
                "currency": "USD",
            }
        ],
    }
    shipment = parse_shipment(raw)
    expected = assess(shipment, declarations.rulebook_for(db, "MY", shipment.on)).as_dict()

    page.goto("/")
    page.get_by_role("link", name="Landed cost").click()
    page.get_by_label("Ships from").select_option("VN")
    page.get_by_label("Ships to").select_option("MY")
    page.get_by_label("Date of import").fill(ON)
    page.get_by_label("HS code").fill("6205.20")
    page.get_by_label("Description of the goods").fill("Cotton shirts")
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Price of one item").fill("100")
    page.get_by_label("Shipping cost").fill("5")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_url("**/customs/calculator?*")

    landed = f"{expected['totals']['landed_cost']} {expected['currency']}"
    assert page.locator("#landed-cost").inner_text() == landed
    assert page.locator("#sample-warning").is_visible()
    steps = page.locator("#trace li")
    assert steps.count() == len(expected["trace"])
    sourced = next(s for s in expected["trace"] if s["fact"] and s["fact"]["source"].startswith("https://"))
    link = page.locator(f'#trace li[data-rule="{sourced["rule"]}"] a').first
    assert link.get_attribute("href") == sourced["fact"]["source"]
    assert page.get_by_label("Description of the goods").input_value() == "Cotton shirts"  # the form is kept


def test_calculator_shows_the_rule_a_bad_field_breaks(page, tariff: None) -> None:  # type: ignore[no-untyped-def]
    page.goto(
        f"/customs/calculator?origin=VN&destination=MY&date={ON}&hs_code=12&description=Shirt&unit_value=10&currency=USD"
    )
    assert page.get_by_role("alert").is_visible()
    assert "must be an HS code of 6 to 10 digits" in page.locator("#hs_code-error").inner_text()
    page.get_by_role("alert").get_by_role("link", name="HS code").click()
    assert page.evaluate("document.activeElement.id") == "hs_code"


def test_officer_holds_then_releases_from_the_queue(page, db: Session, tariff: None) -> None:  # type: ignore[no-untyped-def]
    declaration_id = declare(db, merchant(db), reference="BROWSER-1")
    officer(db, "MY", "aminah@customs.gov.my")

    page.goto("/customs/queue")
    page.wait_for_url("**/signin?next=/customs/queue")
    page.get_by_label("E-mail").fill("aminah@customs.gov.my")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/customs/queue")

    page.locator("#document_check").get_by_role("link", name="BROWSER-1").click()
    page.wait_for_url(f"**/customs/declarations/{declaration_id}")
    assert page.locator("#status").inner_text() == "Document check"

    page.get_by_label("Hold").check()
    page.get_by_label("Reason", exact=True).fill("Send the commercial invoice")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"**/customs/declarations/{declaration_id}?done=hold")
    assert page.locator("#status").inner_text() == "Held"
    assert page.get_by_role("status").inner_text() == "Recorded: Hold."

    page.get_by_label("Release").check()
    page.get_by_label("Reason", exact=True).fill("Invoice received and checked")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"**/customs/declarations/{declaration_id}?done=release")
    assert page.locator("#status").inner_text() == "Released"
    assert page.get_by_label("Hold", exact=True).count() == 0  # no longer on offer once released

    rows = page.locator("#timeline tbody tr")
    held = page.locator('#timeline tr[data-to="held"]')
    released = page.locator('#timeline tr[data-to="released"]')
    assert rows.count() == 4  # submitted, lane, held, released
    assert "Send the commercial invoice" in held.inner_text()
    assert "Invoice received and checked" in released.inner_text()

    page.get_by_role("link", name="Customs queue").click()
    assert page.locator("#released_today").get_by_role("link", name="BROWSER-1").is_visible()
