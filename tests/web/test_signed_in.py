"""`@signed_in_page`: a visitor who is not signed in is sent to sign in and back to the very page
(path and query); a signed-in one gets the page with its path and query parameters as declared,
and FastAPI never asks the client for the `session` and `principal` the decorator hands over."""

from __future__ import annotations

import inspect

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.web.monitoring_reports import report_page
from tests import factories as f
from tests.web.test_customs_pages import HTML, sign_in


def test_a_visitor_is_sent_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/monitoring/reports/stocktake?year=2025", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/monitoring/reports/stocktake%3Fyear%3D2025"


def test_the_page_keeps_its_own_parameters_only() -> None:
    assert list(inspect.signature(report_page).parameters) == ["request", "kind", "year"]


def test_a_signed_in_user_gets_the_page_with_its_parameters(client: TestClient, db: Session) -> None:
    secretariat = f.org(db, kind=f.KIND_FOR_ROLE[Role.secretariat], country="ASEAN")
    f.user(db, organisation=secretariat, roles=[Role.secretariat], email="sec@signed-in.example")
    sign_in(client, "sec@signed-in.example")
    page = client.get("/monitoring/reports/stocktake?year=2025", headers=HTML)
    assert page.status_code == 200 and "2025" in page.text
    assert client.get("/monitoring/kpis/NO-SUCH-KPI", headers=HTML).status_code == 404
