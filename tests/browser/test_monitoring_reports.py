"""The review reports in a real browser: the secretariat goes from the monitoring hub to the reports,
opens the final review for 2025, sees the Mapping Study comparison, the implementation section with its
chart and the indices labelled as synthetic sample data, then downloads the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from tests import factories as f

pytestmark = pytest.mark.browser


def test_secretariat_opens_the_final_review_and_its_pdf(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    accec = f.org(db, kind=OrgKind.accec_secretariat, country="ASEAN", name="ACCEC secretariat")
    f.user(db, organisation=accec, roles=[Role.secretariat], email="secretariat@reports.example")
    page.goto("/monitoring")
    page.locator("#email").fill("secretariat@reports.example")
    page.locator("#password").fill(f.PASSWORD)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_url("**/monitoring")
    page.get_by_role("link", name="Review reports").click()
    page.locator("#kind").select_option("final")
    page.locator("#year").fill("2025")
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_url("**/monitoring/reports/final?year=2025")
    assert page.locator("h1").inner_text() == "Final review of the Work Plan"
    assert "Mapping Study 2021 against 2025" in page.locator("#mapping-study h2").inner_text()
    assert page.locator("#progress svg.chart").count() == 1
    assert "synthetic sample data" in page.locator("#indices").inner_text()
    assert page.locator("#open-activities tbody tr").count() == 81  # nothing reported: every activity is open
    with page.expect_download() as download:
        page.locator("#pdf").click()
    assert download.value.suggested_filename == "final-2021-2025.pdf"
    path = download.value.path()
    assert path is not None and Path(path).read_bytes()[:5] == b"%PDF-"
