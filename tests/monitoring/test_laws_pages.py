"""The laws pages through the real app: the plan form refuses a bad entry naming it and stores
nothing, and needs its CSRF token; another state's plan answers 404; the secretariat's coverage
and gaps pages render every level as text; the public page needs no sign-in."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.monitoring.law_models import LawPlan
from tests import factories as f
from tests.monitoring.test_laws_helpers import THIS_YEAR, entry, headers, plan, review, submit
from tests.web.test_customs_pages import HTML, csrf_token, sign_in


def _people(db: Session) -> None:
    for country, kind, role, email in (
        ("MY", OrgKind.ecommerce_focal_point, Role.focal_point, "focal.my@pages.example"),
        ("TH", OrgKind.ecommerce_focal_point, Role.focal_point, "focal.th@pages.example"),
        ("ASEAN", OrgKind.accec_secretariat, Role.secretariat, "sec@pages.example"),
    ):
        f.user(db, organisation=f.org(db, kind=kind, country=country), roles=[role], email=email)


def _form(token: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "client_reference": "web-1", "country": "MY", "year": str(THIS_YEAR),
            "intent": "submit", "e0_topic": "B.1", "e0_instrument": "asean_pdp_framework", "e0_alignment": "aligned",
            "e0_law0_title": "Demo: Act (example)", "e0_law0_status": "in_force", "e0_law0_in_force_on": "2020-01-01",
            **extra}  # fmt: skip


def test_plan_form_names_the_bad_entry_and_stores_nothing(client: TestClient, db: Session) -> None:
    _people(db)
    sign_in(client, "focal.my@pages.example")
    token = csrf_token(client, "/monitoring/laws/plans/new")
    bad = client.post("/monitoring/laws/plans", data=_form(token), headers=HTML, follow_redirects=False)
    assert bad.status_code == 422 and "entries.0.instrument" not in bad.text
    assert "entries[0].instrument" in bad.text and "asean_pdp_framework" in bad.text
    assert db.execute(select(func.count()).select_from(LawPlan)).scalar_one() == 0
    forged = client.post("/monitoring/laws/plans", data=_form("forged", e0_instrument="un_ecc"), headers=HTML)
    assert forged.status_code == 403
    good = client.post(
        "/monitoring/laws/plans", data=_form(token, e0_instrument="un_ecc"), headers=HTML, follow_redirects=False
    )
    assert good.status_code == 303 and good.headers["location"].startswith(f"/monitoring/laws/plans/NLP-MY-{THIS_YEAR}")


def test_scope_and_secretariat_pages(client: TestClient, db: Session) -> None:
    _people(db)
    ref = submit(client, headers(db, Role.focal_point, "MY"), plan(entries=[entry("B.1")])).json()["reference"]
    sign_in(client, "focal.th@pages.example")
    assert client.get(f"/monitoring/laws/plans/{ref}", headers=HTML).status_code == 404
    assert client.get("/monitoring/laws/review", headers=HTML).status_code == 403
    sign_in(client, "sec@pages.example")
    page = client.get(f"/monitoring/laws/coverage?year={THIS_YEAR}", headers=HTML)
    assert page.status_code == 200 and 'id="cell-B.1-MY" data-level="yes"' in page.text
    assert "Not reported" in page.text and "relatively strong" in page.text
    gaps = client.get(f"/monitoring/laws/gaps?year={THIS_YEAR}", headers=HTML)
    assert gaps.status_code == 200 and 'id="gap-B.1"' in gaps.text and "B.1.1.2" in gaps.text
    assert client.get("/monitoring/laws/coverage?year=1999", headers=HTML).status_code == 422
    review(client, headers(db, Role.secretariat, "ASEAN"), ref, 1, "accept")
    client.cookies.clear()
    public = client.get("/monitoring/laws/public?country=MY&topic=B.1", headers=HTML)
    assert public.status_code == 200 and "Demo: Electronic Transactions Act (example)" in public.text


def test_a_year_in_other_digits_is_a_named_error_not_a_crash(client: TestClient, db: Session) -> None:
    _people(db)
    sign_in(client, "sec@pages.example")
    page = client.get("/monitoring/laws/coverage?year=\u00b2\u00b2\u00b2\u00b2", headers=HTML)  # isdigit(), not int()
    assert page.status_code == 200  # not a number: the default year
    survey = client.get("/monitoring/survey?year=\u00b2\u00b2\u00b2\u00b2", headers=HTML)
    assert survey.status_code == 422 and "year" in survey.text
