"""Fraud-incident reports through the real API: report, normalise, match across member states, alert
both authorities, one report per client reference, every bad identifier named, audit entries."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.redress.incident_models import FraudIncident, IncidentAlert, IncidentIdentifier
from tests import factories as f

URL = "/api/v1/redress/incidents"


def incident(client_reference: str = "case-1", **extra: Any) -> dict[str, Any]:
    return {
        "client_reference": client_reference,
        "category": "fake_shop",
        "title": "Phone shop takes payment, never ships",
        "description": "Consumers paid by bank transfer; no goods arrived.",
        "identifiers": [
            {"kind": "domain", "value": "https://www.Cheap-Phones.example/offer"},
            {"kind": "phone", "value": "081 234 5678"},
        ],
        **extra,
    }


def officer(db: Session, country: str) -> str:
    return f.caller(db, Role.consumer_protection_officer, country)[1]


def test_report_normalises_identifiers_and_repeats_answer_the_first(client: TestClient, db: Session) -> None:
    key = officer(db, "TH")
    created = client.post(URL, headers=f.bearer(key), json=incident())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["country"] == "TH" and body["reference"].startswith("FRI-")
    assert {(i["kind"], i["value"]) for i in body["identifiers"]} == {
        ("domain", "cheap-phones.example"),
        ("phone", "+66812345678"),
    }
    again = client.post(URL, headers=f.bearer(key), json=incident())
    assert again.status_code == 200 and again.json()["reference"] == body["reference"]
    by_header = {**incident(), "client_reference": None}
    first = client.post(URL, headers={**f.bearer(key), "Idempotency-Key": "k-1"}, json=by_header)
    second = client.post(URL, headers={**f.bearer(key), "Idempotency-Key": "k-1"}, json=by_header)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["reference"] == second.json()["reference"]
    assert db.execute(select(func.count()).select_from(FraudIncident)).scalar_one() == 2
    changed = client.post(URL, headers=f.bearer(key), json=incident(title="Something else"))
    assert changed.status_code == 409 and changed.json()["errors"][0]["path"] == "client_reference"


def test_bad_identifiers_are_named_and_nothing_is_stored(client: TestClient, db: Session) -> None:
    key = officer(db, "TH")
    body = incident(
        identifiers=[
            {"kind": "phone", "value": "12"},
            {"kind": "domain", "value": "shop.example"},
            {"kind": "bank_account", "value": "GB82WEST12345698765431"},
            {"kind": "pager", "value": "1"},
        ]
    )
    refused = client.post(URL, headers=f.bearer(key), json=body)
    assert refused.status_code == 422
    errors = {e["path"]: e for e in refused.json()["errors"]}
    assert set(errors) == {"identifiers[0].value", "identifiers[2].value", "identifiers[3].kind"}
    assert errors["identifiers[0].value"]["value"] == "12" and "too short" in errors["identifiers[0].value"]["rule"]
    assert "IBAN" in errors["identifiers[2].value"]["rule"]
    none = client.post(URL, headers=f.bearer(key), json=incident(identifiers=[]))
    assert none.status_code == 422 and none.json()["errors"][0]["path"] == "identifiers"
    control = client.post(URL, headers=f.bearer(key), json=incident(title="bad\x00title"))
    assert control.status_code == 422 and control.json()["errors"][0]["path"] == "title"
    assert db.execute(select(func.count()).select_from(FraudIncident)).scalar_one() == 0
    assert db.execute(select(func.count()).select_from(IncidentIdentifier)).scalar_one() == 0


def test_a_match_across_states_alerts_both_authorities_coarsely_by_default(client: TestClient, db: Session) -> None:
    thai, viet = officer(db, "TH"), officer(db, "VN")
    first = client.post(URL, headers=f.bearer(thai), json=incident()).json()
    # The same shop, written differently, and the Thai number in international form.
    second_body = incident(
        "vn-7",
        identifiers=[{"kind": "domain", "value": "cheap-phones.EXAMPLE."}, {"kind": "phone", "value": "+66812345678"}],
    )
    second = client.post(URL, headers=f.bearer(viet), json=second_body)
    assert second.status_code == 201
    alerts = second.json()["alerts"]
    assert {(a["kind"], a["value"]) for a in alerts} == {("domain", "cheap-phones.example"), ("phone", "+66812345678")}
    # The default rules share no details: each side learns the other state, never its report.
    assert all(a["other"] == {"country": "TH", "reference": None} for a in alerts)
    thai_alerts = client.get(f"{URL}/alerts", headers=f.bearer(thai)).json()["alerts"]
    assert len(thai_alerts) == 2
    assert all(a["own"]["reference"] == first["reference"] and a["other"]["reference"] is None for a in thai_alerts)
    assert all(a["other"]["country"] == "VN" for a in thai_alerts)
    # Out of sight answers 404, like an absent report, and lists hold only the state's own reports.
    assert client.get(f"{URL}/{first['reference']}", headers=f.bearer(viet)).status_code == 404
    assert [i["reference"] for i in client.get(URL, headers=f.bearer(viet)).json()["incidents"]] == [
        second.json()["reference"]
    ]
    assert db.execute(select(func.count()).select_from(IncidentAlert)).scalar_one() == 2
    actions = db.execute(select(AuditEntry.action, AuditEntry.country, AuditEntry.detail)).all()
    assert sum(a == "redress.incident.report" for a, _, _ in actions) == 2
    alert_entries = [(c, d) for a, c, d in actions if a == "redress.incident.alert"]
    assert sorted(alert_entries) == sorted(
        [("VN", "domain also reported in TH"), ("TH", "domain also reported in VN"),
         ("VN", "phone also reported in TH"), ("TH", "phone also reported in VN")]
    )  # fmt: skip
    assert all(first["reference"] not in d and second.json()["reference"] not in d for _, d in alert_entries)
    assert verify_chain(db).ok


def test_reports_of_the_same_state_do_not_alert(client: TestClient, db: Session) -> None:
    key = officer(db, "TH")
    client.post(URL, headers=f.bearer(key), json=incident("a"))
    second = client.post(URL, headers=f.bearer(key), json=incident("b", title="Second victim"))
    assert second.status_code == 201 and second.json()["alerts"] == []


def test_who_may_report_and_read(client: TestClient, db: Session) -> None:
    business = f.caller(db, Role.business_user, "TH")[1]
    assert client.post(URL, headers=f.bearer(business), json=incident()).status_code == 403
    assert client.get(URL, headers=f.bearer(business)).status_code == 403
    customs = f.caller(db, Role.customs_officer, "TH")[1]
    assert client.get(f"{URL}/alerts", headers=f.bearer(customs)).status_code == 403
    assert client.post(URL, json=incident()).status_code == 401
    regional = officer(db, "ASEAN")
    assert client.post(URL, headers=f.bearer(regional), json=incident()).status_code == 403  # not a member state
    thai = officer(db, "TH")
    made = client.post(URL, headers=f.bearer(thai), json=incident()).json()
    seen = client.get(f"{URL}/{made['reference']}", headers=f.bearer(regional))
    assert seen.status_code == 200 and seen.json()["title"] == made["title"]  # regional roles see all
