"""Paperless-trade pages in a real browser: anyone validates an invoice and reads the findings; a
signed-in merchant opens a stored document and sees its validation result and its rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.core.access.service import principal_for_user
from crossborder.documents import service
from tests import factories as f

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[1] / "documents" / "examples"
INVOICE = (EXAMPLES / "base-example.xml").read_bytes()
BROKEN_INVOICE = INVOICE.replace(b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">9', 1)


def test_a_visitor_validates_an_invoice_and_sees_the_findings(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    upload = tmp_path / "invoice.xml"
    upload.write_bytes(BROKEN_INVOICE)
    page.goto("/")
    page.get_by_role("link", name="Validate a document").first.click()
    page.wait_for_url("**/documents/validate")
    page.get_by_label("Document file").set_input_files(str(upload))
    page.get_by_label("Document type").select_option("ubl-invoice")
    page.get_by_role("button", name="Validate").click()
    page.wait_for_load_state()
    assert page.locator("#verdict").inner_text() == "E-invoice (UBL 2.1): 1 error"
    finding = page.locator("#findings tbody tr")
    assert finding.count() == 1
    assert finding.first.locator("th").inner_text() == "BR-CO-16"
    assert "PayableAmount" in finding.first.locator("td").first.inner_text()


def test_a_merchant_opens_a_stored_document(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    user = f.user(db, organisation=f.org(db, country="TH", name="Bangkok Ceramics"), roles=[Role.business_user],
                  email="owner@bangkokceramics.th")  # fmt: skip
    row, _ = service.store(db, principal_for_user(user), None, INVOICE, client_reference="inv-1")
    db.commit()

    page.goto("/documents")
    page.get_by_label("E-mail").fill("owner@bangkokceramics.th")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/documents")
    page.get_by_role("link", name="Snippet1").click()
    page.wait_for_url(f"**/documents/{row.id}")
    assert page.locator("#validity").inner_text() == "Valid"
    assert page.locator("#validation").get_by_text("No findings: every rule passed.").is_visible()
    rendered = page.frame_locator("#rendered")
    assert rendered.get_by_role("heading", level=1).inner_text().startswith("Invoice")
    assert rendered.get_by_text("Snippet1").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the original").click()
    assert Path(download.value.path()).read_bytes() == INVOICE
