"""Answering the Annual Business Survey in a real browser: open the anonymous link, answer, submit,
see the thank-you page; opening the link again says it was already answered."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.roles import REGIONAL, OrgKind, Role
from crossborder.monitoring.survey_demo import seed
from tests import factories as f
from tests.monitoring.survey_helpers import member_with_link

pytestmark = pytest.mark.browser


def test_answering_a_survey(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    _pid, token = member_with_link(db, year=2026, country="MY", segment="micro")
    page.goto(f"/survey/answer?token={token}")
    form = page.locator("#survey-form")
    # a likert answer out of range cannot be picked in the page; leave a required one out instead
    for code in ("B1_ETRANS_EQUIV", "B2_EAUTH_UNDERSTAND", "B3_ESIG_EQUIV", "B4_EPAY_SAFE", "B4_EPAY_EFFICIENT",
                 "B5_IPR_ADEQUATE", "B6_TECH_NEUTRAL"):  # fmt: skip
        form.locator(f"input[name={code}][value='4']").check()
    form.locator("input[name=A2_PAPERLESS_USE][value=yes]").check()
    form.locator("input[name=B3_ESIG_DIGITAL_DIFF][value=no]").check()
    form.locator("input[name=A2_PAPERLESS_OBSTACLE][value=cost]").check()
    form.locator("input[name=A2_PAPERLESS_DOCUMENTS][value=customs_declaration]").check()
    form.locator("input[name=A2_PAPERLESS_SHIPMENTS]").fill("12")
    page.locator("#submit-survey").click()
    assert "B7_COMPETITION_ADEQUATE" in page.locator("#problem").inner_text()  # required, left out
    page.locator("#survey-form input[name=B7_COMPETITION_ADEQUATE][value='2']").check()
    assert page.locator("#survey-form input[name=B3_ESIG_EQUIV][value='4']").is_checked()  # answers kept
    page.locator("#submit-survey").click()
    assert page.locator("#thanks").is_visible()
    page.goto(f"/survey/answer?token={token}")
    assert "already been used" in page.locator("#closed-used").inner_text()


def test_secretariat_reads_results_with_charts(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    seed(db)
    org = f.org(db, kind=OrgKind.accec_secretariat, country=REGIONAL)
    f.user(db, organisation=org, roles=[Role.secretariat], email="sec-survey@example.org")
    page.goto("/monitoring/survey?year=2026")
    page.locator("#email").fill("sec-survey@example.org")
    page.locator("#password").fill(f.PASSWORD)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_url("**/monitoring/survey?year=2026")
    assert page.locator("#demo-banner").is_visible()
    assert page.locator(".charts svg").count() == 2
    assert page.locator("#yoy tbody tr").count() > 5
    assert page.locator("#panel").is_visible()
    download = page.request.get("/monitoring/survey/responses.csv?year=2026")
    assert download.ok and download.text().startswith("panel_id,country,segment")
    assert "DEMO-" in download.text()
