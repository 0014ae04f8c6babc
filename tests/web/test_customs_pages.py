"""Customs pages through the real app: the public calculator, the officer workbench, the
merchant's declarations, and the forms that act on a declaration."""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import User
from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.access.service import principal_for_user
from crossborder.core.audit.models import AuditEntry
from crossborder.core.i18n import translations
from crossborder.customs import declarations, rates
from crossborder.customs.landed_cost import assess
from crossborder.customs.models import Declaration
from crossborder.customs.settings import DATA_DIR
from crossborder.customs.shipment import parse_shipment
from tests import factories as f

HTML = {"accept": "text/html"}
ON = "2026-01-02"  # the sample rates dated 2025-12-31 are usable up to 2026-01-06
SHIRTS = {
    "origin": "VN",
    "destination": "MY",
    "date": ON,
    "incoterm": "DAP",
    "transport_mode": "post",
    "shipping": "5",
    "insurance": "0",
    "hs_code": "620520",
    "description": "Cotton shirts",
    "quantity": "2",
    "unit_value": "100",
    "currency": "USD",
}


def load_rates(db: Session) -> None:
    """The demo tariff and exchange rates, as a fresh install imports them."""
    rates.import_file(db, SYSTEM, DATA_DIR / "sample_tariff.csv", "tariff")
    rates.import_file(db, SYSTEM, DATA_DIR / "sample_rates.csv", "rates")
    rates.import_file(db, SYSTEM, DATA_DIR / "sdr_rates.csv", "rates")
    # A test line for medicines (chapter 30, yellow in the default risk profile): the queue tests need it.
    rates.import_tariff(
        db,
        SYSTEM,
        "destination,hs_code,description,mfn_rate_percent,atiga_rate_percent,"
        "effective_from,source,sample\nMY,300490,Medicaments (test line),0,0,2000-01-01,"
        "urn:crossborder:test-data,true\n",
    )
    db.commit()


@pytest.fixture
def tariff(db: Session) -> None:
    load_rates(db)


def declaration_data(reference: str, hs_code: str = "300490", unit_value: str = "30.00") -> dict[str, Any]:
    """A low-value VN -> MY declaration. HS chapter 30 is of interest in the default risk profile,
    so it lands in the yellow lane (document check) rather than being released at once."""
    return {
        "client_reference": reference,
        "origin": "VN",
        "destination": "MY",
        "date": ON,
        "consignor": {"name": "Hanoi Health Shop", "address": "1 Hang Gai, Hanoi", "country": "VN"},
        "consignee": {"name": f"Buyer {reference}", "address": "2 Jalan Ampang, Kuala Lumpur", "country": "MY"},
        "lines": [
            {
                "id": "1",
                "hs_code": hs_code,
                "description": "Vitamins",
                "quantity": 1,
                "unit_value": unit_value,
                "currency": "USD",
            }
        ],
    }


def declare(db: Session, declarant: User, reference: str = "WEB-1", **kwargs: str) -> int:
    row, _created = declarations.submit(db, principal_for_user(declarant), declaration_data(reference, **kwargs))
    db.commit()
    return row.id


def officer(db: Session, country: str, email: str) -> User:
    org = f.org(db, kind=OrgKind.customs_authority, country=country, name=f"Customs {country}")
    return f.user(db, organisation=org, roles=[Role.customs_officer], email=email)


def merchant(db: Session, email: str = "shop@example.org") -> User:
    org = f.org(db, kind=OrgKind.business, country="VN")
    return f.user(db, organisation=org, roles=[Role.business_user], email=email)


def csrf_token(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    assert match, f"{path} has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, email: str) -> None:
    token = csrf_token(client, "/signin")
    response = client.post(
        "/signin",
        data={"email": email, "password": f.PASSWORD, "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303


def post_action(client: TestClient, declaration_id: int, **data: str) -> Any:
    page = f"/customs/declarations/{declaration_id}"
    token = csrf_token(client, page)
    return client.post(f"{page}/actions", data={"csrf_token": token, **data}, headers=HTML, follow_redirects=False)


# --- the public calculator --------------------------------------------------------------------------------------


def test_calculator_form_renders_without_sign_in(client: TestClient) -> None:
    page = client.get("/customs/calculator", headers=HTML)
    assert page.status_code == 200
    for name in (
        "origin",
        "destination",
        "date",
        "incoterm",
        "transport_mode",
        "hs_code",
        "unit_value",
        "origin_claim",
    ):
        assert f'name="{name}"' in page.text
    assert '<option value="MY">' in page.text and 'id="result"' not in page.text
    assert 'href="/customs/calculator"' in page.text  # the nav link, for everyone


def test_calculator_computes_a_known_case(client: TestClient, db: Session, tariff: None) -> None:
    page = client.get(f"/customs/calculator?{urlencode(SHIRTS)}", headers=HTML)
    assert page.status_code == 200
    raw: dict[str, Any] = {
        k: SHIRTS[k] for k in ("origin", "destination", "date", "incoterm", "transport_mode", "shipping", "insurance")
    }
    raw["lines"] = [
        {
            "id": "1",
            "hs_code": "620520",
            "description": "Cotton shirts",
            "quantity": 2,
            "unit_value": "100",
            "currency": "USD",
        }
    ]
    shipment = parse_shipment(raw)
    expected = assess(shipment, declarations.rulebook_for(db, "MY", shipment.on)).as_dict()
    assert expected["totals"]["landed_cost"] == "1096.88"  # 2 x 100 USD + 5 USD shipping, MFN 20 % + sales tax 10 %
    for key, value in expected["totals"].items():
        assert f'data-total="{key}">{value}<' in page.text
    assert 'id="sample-warning"' in page.text  # the MY tariff line is sample data
    assert page.text.count('class="step"') == len(expected["trace"])
    for step in expected["trace"]:
        # The page names the rule once: a text that repeats the rule's name loses that prefix.
        assert escape(step["text"].removeprefix(step["rule"] + ": "), quote=False) in page.text
        if step["fact"]["source"].startswith("http"):
            assert f'href="{escape(step["fact"]["source"])}"' in page.text
    assert "The buyer pays customs duty and tax on delivery (DAP)." in page.text
    assert 'value="Cotton shirts"' in page.text  # the form keeps what was entered


def test_calculator_shows_tax_collected_at_checkout_for_a_registered_seller(client: TestClient, tariff: None) -> None:
    query = {**SHIRTS, "unit_value": "20", "seller_registration": "LVG-123"}
    page = client.get(f"/customs/calculator?{urlencode(query)}", headers=HTML).text
    assert 'data-total="tax_at_checkout">16.21<' in page and 'data-total="duty">0.00<' in page
    assert "The seller collects the tax at checkout" in page


def test_calculator_names_the_field_and_rule_of_a_bad_hs_code(client: TestClient, tariff: None) -> None:
    page = client.get(f"/customs/calculator?{urlencode({**SHIRTS, 'hs_code': '12'})}", headers=HTML)
    assert page.status_code == 422
    assert 'id="errors"' in page.text and 'id="result"' not in page.text
    assert '<a href="#hs_code">HS code</a>: must be an HS code of 6 to 10 digits' in page.text
    assert 'id="hs_code-error"' in page.text and 'aria-invalid="true"' in page.text
    assert 'value="12"' in page.text and 'value="Cotton shirts"' in page.text


def test_calculator_reports_a_date_without_exchange_rates(client: TestClient, tariff: None) -> None:
    page = client.get(f"/customs/calculator?{urlencode({**SHIRTS, 'date': '2026-03-01'})}", headers=HTML)
    assert page.status_code == 422 and 'id="errors"' in page.text and 'id="result"' not in page.text


# --- signed-in pages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/customs/queue", "/customs/declarations", "/customs/declarations/1"])
def test_declaration_pages_need_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={path}"


def test_officer_releases_a_declaration_of_their_country(client: TestClient, db: Session, tariff: None) -> None:
    declaration_id = declare(db, merchant(db))
    officer(db, "MY", "officer@customs.my")
    sign_in(client, "officer@customs.my")

    queue = client.get("/customs/queue", headers=HTML).text
    yellow = queue.split('id="document_check"')[1].split("</section>")[0]
    assert f'href="/customs/declarations/{declaration_id}"' in yellow

    detail = client.get(f"/customs/declarations/{declaration_id}", headers=HTML).text
    assert 'id="officer-form"' in detail and 'value="release"' in detail and 'id="respond-form"' not in detail
    assert "HS chapter 30 is of interest" in detail  # the risk rule that fired

    done = post_action(client, declaration_id, action="release", reason="Documents checked")
    assert (
        done.status_code == 303 and done.headers["location"] == f"/customs/declarations/{declaration_id}?done=release"
    )
    page = client.get(done.headers["location"], headers=HTML).text
    assert 'id="done"' in page and "Documents checked" in page

    db.expire_all()
    row = db.get(Declaration, declaration_id)
    assert row is not None and row.status == "released"
    last = declarations.events(db, row)[-1]
    assert (last.to_status, last.reason) == ("released", "Documents checked")
    audit = db.execute(select(AuditEntry).where(AuditEntry.action == "customs.declaration.release")).scalars().all()
    assert [a.entity_id for a in audit] == [str(declaration_id)]

    released = client.get("/customs/queue", headers=HTML).text.split('id="released_today"')[1]
    assert f'href="/customs/declarations/{declaration_id}"' in released


def test_officer_of_another_country_gets_404(client: TestClient, db: Session, tariff: None) -> None:
    declaration_id = declare(db, merchant(db))
    officer(db, "TH", "officer@customs.th")
    sign_in(client, "officer@customs.th")
    page = client.get(f"/customs/declarations/{declaration_id}", headers=HTML)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert f'href="/customs/declarations/{declaration_id}"' not in client.get("/customs/queue", headers=HTML).text
    token = csrf_token(client, "/customs/queue")
    forced = client.post(
        f"/customs/declarations/{declaration_id}/actions",
        data={"csrf_token": token, "action": "release", "reason": "not mine"},
        headers=HTML,
    )
    assert forced.status_code == 404


def test_action_without_csrf_token_is_refused(client: TestClient, db: Session, tariff: None) -> None:
    declaration_id = declare(db, merchant(db))
    officer(db, "MY", "officer@customs.my")
    sign_in(client, "officer@customs.my")
    forged = client.post(
        f"/customs/declarations/{declaration_id}/actions", data={"action": "release", "reason": "x"}, headers=HTML
    )
    assert forged.status_code == 403
    db.expire_all()
    assert db.get(Declaration, declaration_id).status == "document_check"  # type: ignore[union-attr]


def test_an_action_needs_a_reason_and_an_allowed_status(client: TestClient, db: Session, tariff: None) -> None:
    declaration_id = declare(db, merchant(db))
    officer(db, "MY", "officer@customs.my")
    sign_in(client, "officer@customs.my")
    blank = post_action(client, declaration_id, action="hold", reason="   ")
    assert blank.status_code == 422 and 'id="errors"' in blank.text and "must explain the action" in blank.text
    assert 'id="action-hold" name="action" value="hold" required checked' in blank.text  # the choice is kept
    assert post_action(client, declaration_id, action="release", reason="fine").status_code == 303
    again = post_action(client, declaration_id, action="refuse", reason="too late")
    assert again.status_code == 409 and "cannot refuse a declaration that is released" in again.text


def test_trader_responds_to_a_hold_and_sees_only_their_declarations(
    client: TestClient, db: Session, tariff: None
) -> None:
    shop = merchant(db)
    declaration_id = declare(db, shop)
    other = merchant(db, email="other@example.org")
    declare(db, other, reference="OTHER-1")
    my_officer = officer(db, "MY", "officer@customs.my")
    declarations.act(db, principal_for_user(my_officer), declaration_id, "hold", "Send the invoice")
    db.commit()

    sign_in(client, "shop@example.org")
    listing = client.get("/customs/declarations", headers=HTML).text
    assert 'href="/customs/declarations"' in listing  # the nav link, once signed in
    assert "WEB-1" in listing and "OTHER-1" not in listing
    assert "WEB-1" not in client.get("/customs/declarations?status=released", headers=HTML).text

    detail = client.get(f"/customs/declarations/{declaration_id}", headers=HTML).text
    assert 'id="respond-form"' in detail and 'id="officer-form"' not in detail and "Send the invoice" in detail
    assert post_action(client, declaration_id, action="respond", reason="Invoice attached").status_code == 303
    db.expire_all()
    assert db.get(Declaration, declaration_id).status == "document_check"  # type: ignore[union-attr]


def test_customs_pages_are_translated(client: TestClient) -> None:
    page = client.get("/customs/calculator", headers={**HTML, "accept-language": "th"}).text
    for message in ("Landed cost calculator", "Ships from", "Calculate", "Landed cost"):
        translated = translations("th").gettext(message)
        assert translated != message and translated in page


def test_a_shortened_calculator_link_uses_the_default_choices(client: TestClient, tariff: None) -> None:
    query = {k: v for k, v in SHIRTS.items() if k not in ("incoterm", "transport_mode", "insurance")}
    page = client.get(f"/customs/calculator?{urlencode(query)}", headers=HTML)
    assert page.status_code == 200 and 'data-total="landed_cost">1096.88<' in page.text
    assert '<option value="DAP" selected>' in page.text
