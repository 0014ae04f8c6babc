"""Fraud-incident pages through the real app: an officer reports (a double submit stores one report),
bad identifiers re-render the form naming them, script in text stays inert, the other state's
officer sees the alert coarsely; the public check answers without sign-in and rate-limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.ratelimit import Limit
from crossborder.redress import incident_settings
from crossborder.redress.incident_models import FraudIncident
from crossborder.redress.incident_settings import IncidentSettings
from tests import factories as f
from tests.web.test_customs_pages import HTML, csrf_token, sign_in

SCRIPT = "<script>alert('x')</script>"


def _post(client: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    token = csrf_token(client, page)
    return client.post(action, data={"csrf_token": token, **data}, headers=HTML, follow_redirects=False)


def _officer(db: Session, country: str) -> str:
    authority = f.org(db, kind=OrgKind.consumer_protection_authority, country=country)
    return f.user(db, organisation=authority, roles=[Role.consumer_protection_officer]).email


def _report(client_reference: str, **extra: str) -> dict[str, str]:
    form = {"client_reference": client_reference, "category": "fake_shop", "title": f"Fake shop {SCRIPT}",
            "description": f"Took deposits. {SCRIPT}", "occurred_on": "",
            "kind_0": "domain", "value_0": "https://www.cheap-phones.example/", "kind_1": "phone",
            "value_1": "081 234 5678"}  # fmt: skip
    return {**form, **extra}


def test_report_match_and_alert_through_the_pages(app: FastAPI, client: TestClient, db: Session) -> None:
    sign_in(client, _officer(db, "TH"))
    form = client.get("/redress/incidents/new", headers=HTML).text
    reference_field = re.search(r'name="client_reference" value="([^"]+)"', form)
    assert reference_field is not None
    data = _report(reference_field.group(1))
    made = _post(client, "/redress/incidents/new", "/redress/incidents", data)
    assert made.status_code == 303, made.text
    page = made.headers["location"].split("?")[0]
    again = _post(client, "/redress/incidents/new", "/redress/incidents", data)  # a double submit
    assert again.headers["location"].split("?")[0] == page
    assert db.execute(select(func.count()).select_from(FraudIncident)).scalar_one() == 1
    shown = client.get(page, headers=HTML).text
    assert SCRIPT not in shown and "&lt;script&gt;" in shown  # rendered inert
    assert "cheap-phones.example" in shown and "+66812345678" in shown

    viet = TestClient(app)
    sign_in(viet, _officer(db, "VN"))
    vn_form = _report("vn-1", value_0="cheap-phones.example", kind_1="email", value_1="sales@cheap-phones.example")
    vn_made = _post(viet, "/redress/incidents/new", "/redress/incidents", vn_form)
    assert vn_made.status_code == 303, vn_made.text
    vn_page = viet.get(vn_made.headers["location"], headers=HTML).text
    assert 'data-other-country="TH"' in vn_page and page.rsplit("/", 1)[-1] not in vn_page
    assert viet.get(page, headers=HTML).status_code == 404  # Thailand shares no details by default
    listing = client.get("/redress/incidents", headers=HTML).text
    assert 'data-other-country="VN"' in listing


def test_bad_identifiers_re_render_the_form_naming_them(client: TestClient, db: Session) -> None:
    sign_in(client, _officer(db, "TH"))
    refused = _post(client, "/redress/incidents/new", "/redress/incidents", _report("r-1", value_1="12"))
    assert refused.status_code == 422
    assert "identifiers[1].value" in refused.text and "too short" in refused.text
    assert 'value="https://www.cheap-phones.example/"' in refused.text  # what was typed is kept
    assert db.execute(select(func.count()).select_from(FraudIncident)).scalar_one() == 0


def test_forms_need_csrf_and_the_right_role(client: TestClient, db: Session) -> None:
    anonymous = client.get("/redress/incidents", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    business = f.org(db, kind=OrgKind.business, country="TH")
    sign_in(client, f.user(db, organisation=business, roles=[Role.business_user]).email)
    assert client.post("/redress/incidents", data=_report("x"), headers=HTML).status_code == 403  # no token
    refused = _post(client, "/redress/incidents/new", "/redress/incidents", _report("x"))
    assert refused.status_code == 403
    assert client.post("/redress/incidents/check", data={"kind": "domain", "value": "x.example"}).status_code == 403
    assert db.execute(select(func.count()).select_from(FraudIncident)).scalar_one() == 0


def test_public_check_page_answers_coarsely_and_rate_limits(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    tight = IncidentSettings(Limit(incident_settings.PUBLIC_CHECK_SCOPE, 3, 3600), 20, 20)
    monkeypatch.setattr(incident_settings, "incident_settings", lambda: tight)
    officer = TestClient(client.app)
    sign_in(officer, _officer(db, "TH"))
    assert _post(officer, "/redress/incidents/new", "/redress/incidents", _report("t-1")).status_code == 303
    page = "/redress/incidents/check"
    found = _post(client, page, page, {"kind": "phone", "value": "+66 81 234 5678", "country": ""})
    assert found.status_code == 200 and 'data-reported="true"' in found.text
    assert "Fake shop" not in found.text and "FRI-" not in found.text
    clean = _post(client, page, page, {"kind": "domain", "value": "honest.example", "country": ""})
    assert 'data-reported="false"' in clean.text
    bad = _post(client, page, page, {"kind": "domain", "value": SCRIPT, "country": ""})
    assert bad.status_code == 422 and SCRIPT not in bad.text and "check.value" in bad.text
    limited = _post(client, page, page, {"kind": "domain", "value": "honest.example", "country": ""})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
