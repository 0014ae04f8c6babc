"""The public check: no sign-in, a coarse answer only (how many member states), states whose rules
keep their reports out are not counted, bad input is named, and clients are rate-limited (429 with
Retry-After) across requests."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.ratelimit import Limit
from crossborder.redress import incident_settings
from crossborder.redress.incident_settings import IncidentSettings, parse_sharing
from tests import factories as f
from tests.redress.test_incidents import URL, incident, officer
from tests.redress.test_incidents_sharing import RULES, STATES

CHECK = f"{URL}/check"


def test_answers_coarsely_without_sign_in(client: TestClient, db: Session) -> None:
    none = client.get(CHECK, params={"kind": "domain", "value": "cheap-phones.example"})
    assert none.status_code == 200 and none.json() == {
        "kind": "domain", "value": "cheap-phones.example", "reported": False, "member_states": 0,
    }  # fmt: skip
    secret = "Victims were asked for a deposit"
    for country in ("TH", "VN"):
        body = incident(
            f"{country}-1", description=secret, identifiers=[{"kind": "domain", "value": "cheap-phones.example"}]
        )
        assert client.post(URL, headers=f.bearer(officer(db, country)), json=body).status_code == 201
    found = client.get(CHECK, params={"kind": "domain", "value": "https://WWW.cheap-phones.example/x"})
    assert found.json() == {"kind": "domain", "value": "cheap-phones.example", "reported": True, "member_states": 2}
    assert secret not in json.dumps(found.json()) and "FRI-" not in found.text
    phone = client.get(CHECK, params={"kind": "phone", "value": "081 234 5678", "country": "TH"})
    assert phone.json()["value"] == "+66812345678"


def test_states_that_keep_reports_out_are_not_counted(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parse_sharing(RULES, STATES)  # VN: public_check false
    monkeypatch.setattr(incident_settings, "sharing_rules", lambda: parsed)
    body = incident("vn-1", identifiers=[{"kind": "email", "value": "Sales@Cheap-Phones.example"}])
    assert client.post(URL, headers=f.bearer(officer(db, "VN")), json=body).status_code == 201
    answer = client.get(CHECK, params={"kind": "email", "value": "sales@cheap-phones.example"}).json()
    assert answer["reported"] is False


def test_bad_input_is_named(client: TestClient) -> None:
    refused = client.get(CHECK, params={"kind": "phone", "value": "0812345678"})
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["path"] == "check.value" and error["value"] == "0812345678" and "international" in error["rule"]
    assert client.get(CHECK, params={"kind": "pager", "value": "1"}).json()["errors"][0]["path"] == "check.kind"


def test_rate_limited_per_client_with_retry_after(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    tight = IncidentSettings(Limit(incident_settings.PUBLIC_CHECK_SCOPE, 3, 3600), 20, 20)
    monkeypatch.setattr(incident_settings, "incident_settings", lambda: tight)
    params = {"kind": "domain", "value": "shop.example"}
    assert [client.get(CHECK, params=params).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(CHECK, params=params)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    bad = client.get(CHECK, params={"kind": "phone", "value": "x"})
    assert bad.status_code == 429  # invalid checks count too: the limit is on asking
