"""The monitoring hub and the report pages: sign-in required; every part linked; the report form's
kind and year are checked, naming the field; the PDF download is a PDF with a file name."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from tests import factories as f
from tests.web.test_customs_pages import HTML, sign_in


def _secretariat(client: TestClient, db: Session) -> None:
    org = f.org(db, kind=f.KIND_FOR_ROLE[Role.secretariat], country="ASEAN")
    f.user(db, organisation=org, roles=[Role.secretariat], email="hub@example.org")
    sign_in(client, "hub@example.org")


def test_hub_needs_sign_in_and_links_every_part(client: TestClient, db: Session) -> None:
    assert client.get("/monitoring", headers=HTML, follow_redirects=False).status_code == 303
    _secretariat(client, db)
    page = client.get("/monitoring", headers=HTML)
    assert page.status_code == 200
    for link in ("/monitoring/tracking", "/monitoring/kpis", "/monitoring/laws/coverage", "/monitoring/survey",
                 "/monitoring/indices", "/monitoring/reports", "/monitoring/plan/versions"):  # fmt: skip
        assert f'href="{link}"' in page.text
        assert client.get(link, headers=HTML).status_code == 200, link


def test_report_form_checks_kind_and_year(client: TestClient, db: Session) -> None:
    _secretariat(client, db)
    opened = client.get("/monitoring/reports/open?kind=midterm&year=2023", headers=HTML, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/monitoring/reports/midterm?year=2023"
    bad = client.get("/monitoring/reports/open?kind=midterm&year=20x3", headers=HTML)
    assert bad.status_code == 422 and "<code>year</code>: must be a year such as 2025" in bad.text
    page = client.get("/monitoring/reports/midterm?year=2023", headers=HTML)
    assert page.status_code == 200 and 'id="plan-versions"' in page.text and "<svg" in page.text


def test_pdf_download_is_named_and_not_cached(client: TestClient, db: Session) -> None:
    _secretariat(client, db)
    pdf = client.get("/monitoring/reports/stocktake.pdf?year=2025", headers=HTML)
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert 'filename="stocktake-2025.pdf"' in pdf.headers["content-disposition"]
    assert pdf.headers["cache-control"] == "no-store"
