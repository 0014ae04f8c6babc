"""A cross-border complaint in a real browser, in two languages, with two authorities: Arif files in
Malay without an account and confirms by the e-mailed link; the Vietnamese seller answers in
English but does not settle; the negotiation deadline passes and the case escalates; the Malaysian
authority appoints a neutral and leaves a note; the Vietnamese authority (pages in Vietnamese) sees
the case and asks for cooperation; the neutral proposes terms, moves to the final stage and issues
the recommendation, which Arif reads in Malay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.db import get_sessionmaker
from crossborder.redress import sweep
from crossborder.redress.models import RedressCase
from tests import factories as f
from tests.redress.helpers import tokens_for

pytestmark = pytest.mark.browser


def _context(browser, live_server: str, language: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.add_cookies([{"name": "cb_lang", "value": language, "url": live_server}])
    return context


def _sign_in(page, email: str, target: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(target)
    page.locator("#email").fill(email)
    page.locator("#password").fill(f.PASSWORD)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_url(f"**{target}")


def _act(page, form: str, fields: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for selector, value in fields.items():
        page.locator(f"#{form} {selector}").fill(value)
    page.locator(f"#{form} button[type=submit]").click()
    page.wait_for_selector("#done")


def test_complaint_from_filing_to_recommendation(browser, live_server, db: Session) -> None:  # type: ignore[no-untyped-def]
    my = f.org(db, kind=OrgKind.consumer_protection_authority, country="MY", name="KPDN Malaysia")
    vn = f.org(db, kind=OrgKind.consumer_protection_authority, country="VN", name="NCA Viet Nam")
    f.user(db, organisation=my, roles=[Role.consumer_protection_officer], email="officer@kpdn.example.my")
    neutral = f.user(db, organisation=my, roles=[Role.consumer_protection_officer], email="neutral@kpdn.example.my")
    f.user(db, organisation=vn, roles=[Role.consumer_protection_officer], email="officer@nca.example.vn")

    # Arif files in Malay, with no account.
    arif = _context(browser, live_server, "ms").new_page()
    arif.goto("/redress/complain")
    assert arif.locator("html").get_attribute("lang") == "ms"
    arif.locator("#consumer-name").fill("Arif Rahman")
    arif.locator("#consumer-email").fill("arif@example.my")
    arif.locator("#consumer-country").select_option("MY")
    arif.locator("#seller-name").fill("Linh Batik")
    arif.locator("#seller-url").fill("https://linhbatik.example.vn")
    arif.locator("#seller-email").fill("shop@linhbatik.example.vn")
    arif.locator("#seller-country").select_option("VN")
    arif.locator("#order-date").fill("2026-10-01")
    arif.locator("#amount").fill("59.90")
    arif.locator("#currency").fill("MYR")
    arif.locator("#category").select_option("non_delivery")
    arif.locator("#remedy").select_option("refund")
    arif.locator("#description").fill("Pesanan tidak pernah sampai.")
    arif.locator("#complaint-form button[type=submit]").click()
    arif.wait_for_selector("#filed")
    reference = db.execute(select(RedressCase.reference)).scalar_one()
    arif.goto(f"/redress/access?token={tokens_for(db, 'arif@example.my')[-1]}")
    arif.locator("#open-case").click()
    arif.wait_for_selector("#done")
    assert arif.locator("#stage").get_attribute("data-stage") == "negotiation"
    assert "token" not in arif.url

    # The seller answers in English through its own link, without settling.
    seller = _context(browser, live_server, "en").new_page()
    seller.goto(f"/redress/access?token={tokens_for(db, 'shop@linhbatik.example.vn')[-1]}")
    seller.locator("#open-case").click()
    seller.wait_for_selector("#stage")
    _act(seller, "message-form", {"textarea": "We shipped it; please wait."})

    # The negotiation deadline passes: the case escalates by itself.
    case = db.execute(select(RedressCase).where(RedressCase.reference == reference)).scalar_one()
    assert case.due_at is not None
    assert sweep.sweep(get_sessionmaker(), now=case.due_at + timedelta(minutes=1)).escalated == 1
    arif.reload()
    assert arif.locator("#stage").get_attribute("data-stage") == "facilitation"

    # The Malaysian authority appoints the neutral (after the declaration) and notes.
    officer = _context(browser, live_server, "en").new_page()
    _sign_in(officer, "officer@kpdn.example.my", f"/redress/cases/{reference}")
    officer.locator("#neutral").select_option(str(neutral.id))
    officer.locator("#no-conflict").check()
    officer.locator("#appoint-form button[type=submit]").click()
    officer.wait_for_selector("#done")
    _act(officer, "note-form", {"textarea": "Seller in VN; asked NCA to help."})

    # The Vietnamese authority reads the case in Vietnamese and asks for cooperation.
    vn_officer = _context(browser, live_server, "vi").new_page()
    _sign_in(vn_officer, "officer@nca.example.vn", f"/redress/cases/{reference}")
    assert vn_officer.locator("html").get_attribute("lang") == "vi"
    assert vn_officer.locator("li[data-kind='authority_note']").count() == 1
    _act(vn_officer, "cooperate-form", {"textarea": "Please share the seller's shipping records."})

    # The neutral proposes terms, then moves to the final stage and recommends.
    mediator = _context(browser, live_server, "en").new_page()
    _sign_in(mediator, "neutral@kpdn.example.my", f"/redress/cases/{reference}")
    _act(mediator, "offer-form", {"#offer-terms": "Seller refunds in full", "#offer-amount": "59.90"})
    _act(mediator, "final-form", {"textarea": "No agreement on the proposal."})
    _act(mediator, "recommend-form", {"textarea": "The seller refunds MYR 59.90 within 14 days."})

    # Arif reads the outcome in Malay; he never sees the authorities' notes.
    arif.reload()
    assert arif.locator("#stage").get_attribute("data-stage") == "closed"
    assert arif.locator("#outcome").get_attribute("data-outcome") == "recommendation_issued"
    assert arif.locator("li[data-kind='authority_note']").count() == 0
    assert arif.locator("li[data-kind='cooperation_requested']").count() == 0
    assert "MYR 59.90 within 14 days" in arif.locator("#outcome").inner_text()
