"""The trust capability through the real app: issue, verify, suspend, reinstate, revoke, key
rotation and withdrawal, scope, recognition across member states, and the CLI."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli_app
from crossborder.core.access.models import Organisation
from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.core.dates import today
from crossborder.trust import service
from crossborder.trust.models import CredentialStatusChange, TrustStatusList
from crossborder.trust.status import decode_list
from tests import factories as f

URL = "/api/v1/trust"


def _operator(db: Session, country: str) -> tuple[Organisation, str]:
    return f.caller(db, Role.trust_operator, country=country)


def _issue(client: TestClient, key: str, org_id: int, reference: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "client_reference": reference,
        "scheme": "trust_mark",
        "business_id": "VN-0101234567",
        "subject_name": "Saigon Silk Co",
        "subject_country": "VN",
        **overrides,
    }
    response = client.post(f"{URL}/issuers/{org_id}/credentials", headers=f.bearer(key), json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _verify(client: TestClient, token: str, country: str | None = None) -> dict[str, Any]:
    response = client.post(f"{URL}/verify", json={"credential": token, "country": country})
    assert response.status_code == 200, response.text
    return response.json()


def _change(client: TestClient, key: str, credential_id: str, action: str) -> Any:
    return client.post(f"{URL}/credentials/{credential_id}/{action}", headers=f.bearer(key), json={"reason": "test"})


def _part(token: str, n: int) -> dict[str, Any]:
    segment = token.split(".")[n]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_lifecycle_issue_verify_suspend_reinstate_revoke(client: TestClient, db: Session) -> None:
    org, key = _operator(db, "VN")
    issued = _issue(client, key, org.id, "TM-1")
    token = issued["token"]
    header, claims = _part(token, 0), _part(token, 1)
    assert header == {"alg": "Ed25519", "kid": issued["kid"], "typ": "vc+jwt", "cty": "vc"}
    assert claims["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert claims["type"] == ["VerifiableCredential", "TrustMarkCredential"] and "vc" not in claims
    assert claims["issuer"]["id"].endswith(f"/api/v1/trust/issuers/{org.id}")
    entries = claims["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert all(
        e["type"] == "BitstringStatusListEntry" and e["statusListIndex"] == str(issued["status_index"]) for e in entries
    )
    assert entries[0]["statusListCredential"].endswith(f"/api/v1/trust/status/{org.id}/revocation")

    first = _verify(client, token, "VN")
    assert first["valid"] and first["reasons"] == ["valid"] and first["status"] == "active"
    assert (first["scheme"], first["recognised_under"]) == ("trust_mark", "domestic")
    assert first["subject"] == "urn:crossborder:business:VN:VN-0101234567"
    assert service.is_trust_marked(db, "VN-0101234567", "VN", today())

    assert _change(client, key, issued["credential_id"], "suspend").json()["status"] == "suspended"
    suspended = _verify(client, token)
    assert (suspended["valid"], suspended["reasons"], suspended["status"]) == (False, ["suspended"], "suspended")
    assert not service.is_trust_marked(db, "VN-0101234567", "VN", today())
    assert _change(client, key, issued["credential_id"], "suspend").status_code == 409

    assert _change(client, key, issued["credential_id"], "reinstate").json()["status"] == "active"
    assert _verify(client, token)["valid"]
    assert _change(client, key, issued["credential_id"], "revoke").json()["status"] == "revoked"
    revoked = _verify(client, token)
    assert (revoked["valid"], revoked["reasons"], revoked["status"]) == (False, ["revoked"], "revoked")
    assert _change(client, key, issued["credential_id"], "reinstate").status_code == 409

    # The published list is a signed status-list credential whose bit is set, 16 KB uncompressed.
    listed = client.get(f"{URL}/status/{org.id}/revocation")
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/vc+jwt")
    subject = _part(listed.text, 1)["credentialSubject"]
    bits = decode_list(subject["encodedList"])
    index = issued["status_index"]
    assert len(bits) == 16384 and bits[index // 8] & (0x80 >> (index % 8))
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")

    history = db.execute(select(CredentialStatusChange.to_status).order_by(CredentialStatusChange.id)).scalars()
    assert list(history) == ["active", "suspended", "active", "revoked"]
    actions = [a for a in db.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars() if "trust." in a]
    assert actions == [
        "trust.key.create",
        "trust.credential.issue",
        "trust.credential.suspended",
        "trust.credential.active",
        "trust.credential.revoked",
    ]
    assert verify_chain(db).ok


def test_issuing_is_idempotent_and_validated(client: TestClient, db: Session) -> None:
    org, key = _operator(db, "VN")
    first = client.post(
        f"{URL}/issuers/{org.id}/credentials",
        headers=f.bearer(key),
        json={"client_reference": "A", "scheme": "trust_mark", "business_id": "B1", "subject_name": "B",
              "subject_country": "VN"},
    )  # fmt: skip
    again = _issue(client, key, org.id, "A", business_id="B1", subject_name="B")
    assert first.status_code == 201 and again["credential_id"] == first.json()["credential_id"]
    bad = client.post(
        f"{URL}/issuers/{org.id}/credentials",
        headers=f.bearer(key),
        json={"client_reference": "C", "scheme": "gold_star", "business_id": "B 1", "subject_name": "",
              "subject_country": "Vietnam", "valid_from": "2026-01-01T00:00:00"},
    )  # fmt: skip
    assert bad.status_code == 422
    paths = {e["path"] for e in bad.json()["errors"]}
    assert {"business_id", "subject_name", "subject_country", "valid_from"} <= paths
    unknown = client.post(
        f"{URL}/issuers/{org.id}/credentials",
        headers=f.bearer(key),
        json={"client_reference": "D", "scheme": "gold_star", "business_id": "B1", "subject_name": "B",
              "subject_country": "VN"},
    )  # fmt: skip
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "scheme"


def test_scope_a_vn_operator_cannot_issue_for_my(client: TestClient, db: Session) -> None:
    my_org, my_key = _operator(db, "MY")
    _, vn_key = _operator(db, "VN")
    _, auditor = f.caller(db, Role.trust_auditor, country="MY")
    _, business = f.caller(db, Role.business_user, country="MY")
    body = {"client_reference": "X", "scheme": "trust_mark", "business_id": "MY-1", "subject_name": "KL Batik",
            "subject_country": "MY"}  # fmt: skip
    for outsider in (vn_key, auditor, business):
        response = client.post(f"{URL}/issuers/{my_org.id}/credentials", headers=f.bearer(outsider), json=body)
        assert response.status_code == 403, response.text
    assert client.post(f"{URL}/issuers/{my_org.id}/credentials", json=body).status_code == 401
    issued = _issue(client, my_key, my_org.id, "X", business_id="MY-1", subject_country="MY")
    # Nor can it suspend MY's credential or even see it.
    assert _change(client, vn_key, issued["credential_id"], "suspend").status_code == 404
    assert client.get(f"{URL}/credentials/{issued['credential_id']}", headers=f.bearer(vn_key)).status_code == 404
    business_org = f.org(db, country="MY")
    assert (
        client.post(f"{URL}/issuers/{business_org.id}/credentials", headers=f.bearer(my_key), json=body).status_code
        == 404
    )


def test_recognition_across_member_states(client: TestClient, db: Session) -> None:
    my_org, my_key = _operator(db, "MY")
    la_org, la_key = _operator(db, "LA")
    mark = _issue(client, my_key, my_org.id, "M1", business_id="MY-7", subject_country="MY")["token"]
    trader = _issue(client, my_key, my_org.id, "T1", scheme="trusted_trader", business_id="MY-7", subject_country="MY")
    # Verified in VN: MY's trust mark is recognised under the (sample) trust-mark arrangement...
    in_vn = _verify(client, mark, "VN")
    assert (in_vn["valid"], in_vn["recognised_under"]) == (True, "sample-trust-mark-mra")
    # ...but MY's trusted-trader status is outside every arrangement VN and MY share.
    outside = _verify(client, trader["token"], "VN")
    assert (outside["valid"], outside["reasons"], outside["recognised_under"]) == (False, ["outside_scope"], None)
    # LA is party to no arrangement: its credentials are valid at home and not recognised in VN.
    la_mark = _issue(client, la_key, la_org.id, "L1", business_id="LA-1", subject_country="LA")["token"]
    assert _verify(client, la_mark, "LA")["recognised_under"] == "domestic"
    assert _verify(client, la_mark, "VN")["reasons"] == ["not_recognised"]
    # Without a country, nothing is said about recognition.
    assert _verify(client, la_mark)["valid"] and _verify(client, la_mark)["recognised_under"] is None
    # The service other capabilities call applies the same arrangements.
    on = today()
    assert service.is_trusted_trader(db, "MY-7", "MY", on)
    assert not service.is_trusted_trader(db, "MY-7", "VN", on)
    assert service.is_trust_marked(db, "MY-7", "VN", on) and not service.is_trust_marked(db, "MY-7", "LA", on)
    assert not service.is_trusted_trader(db, None, "MY", on)
    assert service.trusted_traders(db, "MY", on) == {"MY-7"} and service.trusted_traders(db, "VN", on) == set()
    assert not service.is_trusted_trader(db, "MY-7", "MY", on + timedelta(days=400))


def test_key_rotation_keeps_old_credentials_valid_and_withdrawal_ends_them(
    client: TestClient, db: Session, tmp_path: Path
) -> None:
    org, key = _operator(db, "TH")
    old = _issue(client, key, org.id, "R1", subject_country="TH")
    runner = CliRunner()
    rotated = runner.invoke(cli_app, ["trust", "keys", "rotate", "--org", str(org.id)])
    assert rotated.exit_code == 0, rotated.output
    new_kid = json.loads(rotated.output)["kid"]
    new = _issue(client, key, org.id, "R2", subject_country="TH")
    assert new["kid"] == new_kid != old["kid"]
    jwks = client.get(f"{URL}/issuers/{org.id}/jwks").json()
    assert {k["kid"] for k in jwks["keys"]} == {old["kid"], new_kid} and all("d" not in k for k in jwks["keys"])
    assert _verify(client, old["token"])["valid"] and _verify(client, new["token"])["valid"]

    # Offline: the bundle (public) and the CLI, no database.
    bundle = tmp_path / "bundle.json"
    bundle.write_text(client.get(f"{URL}/bundle").text)
    credential = tmp_path / "old.jwt"
    credential.write_text(old["token"])
    offline = runner.invoke(cli_app, ["trust", "verify", str(credential), "--bundle", str(bundle), "--country", "TH"])
    assert offline.exit_code == 0, offline.output
    printed = json.loads(offline.output)
    assert printed["valid"] and printed["recognised_under"] == "domestic" and printed["scheme"] == "trust_mark"
    assert set(printed) >= {"valid", "issuer", "subject", "scheme", "status", "recognised_under", "reasons"}

    withdrawn = runner.invoke(cli_app, ["trust", "keys", "withdraw", "--org", str(org.id), "--kid", old["kid"]])
    assert withdrawn.exit_code == 0, withdrawn.output
    assert _verify(client, old["token"])["reasons"] == ["key_rotated_away"]
    assert _verify(client, new["token"])["valid"]
    online = runner.invoke(cli_app, ["trust", "verify", str(credential)])
    assert online.exit_code == 1 and json.loads(online.output)["reasons"] == ["key_rotated_away"]
    assert runner.invoke(cli_app, ["trust", "keys", "rotate", "--org", "999999"]).exit_code == 2


def test_public_documents(client: TestClient, db: Session) -> None:
    org, key = _operator(db, "SG")
    _issue(client, key, org.id, "P1", subject_country="SG")
    issuer = client.get(f"{URL}/issuers/{org.id}").json()
    assert issuer["country"] == "SG" and issuer["jwks_uri"].endswith(f"/issuers/{org.id}/jwks")
    schemes = client.get(f"{URL}/schemes").json()["schemes"]
    assert [a["id"] for a in schemes["trust_mark"]["criteria_areas"]] == [
        "legal_compliance", "financial_stability", "product_safety", "handling_of_data", "consumer_protection",
        "anti_counterfeiting",
    ]  # fmt: skip
    assert [a["id"] for a in schemes["trusted_trader"]["criteria_areas"]] == [
        "awareness_and_training", "payment_procedures", "security", "audit_and_compliance",
    ]  # fmt: skip
    assert client.get(f"{URL}/trust-list").json()["arrangements"][0]["sample"] is True
    assert client.get(f"{URL}/status/{org.id}/refresh").status_code == 404
    assert client.get(f"{URL}/issuers/999999/jwks").status_code == 404
    lists = db.execute(select(TrustStatusList.purpose).order_by(TrustStatusList.purpose)).scalars().all()
    assert lists == ["revocation", "suspension"]


@pytest.mark.parametrize("junk", ["", "not a token", "a.b.c", '{"token": 5}'])
def test_cli_verify_never_crashes(tmp_path: Path, junk: str) -> None:
    path = tmp_path / "c.jwt"
    path.write_text(junk)
    result = CliRunner().invoke(cli_app, ["trust", "verify", str(path)])
    assert result.exit_code == 1 and json.loads(result.output)["reasons"] == ["malformed"]


def test_verify_as_of_an_instant(client: TestClient, db: Session, tmp_path: Path) -> None:
    org, key = _operator(db, "VN")
    start = datetime(2027, 1, 1, tzinfo=UTC)
    issued = _issue(
        client, key, org.id, "W", valid_from=start.isoformat(), valid_until=(start + timedelta(days=30)).isoformat()
    )
    path = tmp_path / "c.json"
    path.write_text(json.dumps(issued))
    for at, reasons in (("2026-12-31T00:00:00+00:00", ["not_yet_valid"]), ("2027-01-02T00:00:00+00:00", ["valid"]),
                        ("2027-02-01T00:00:00+00:00", ["expired"])):  # fmt: skip
        result = CliRunner().invoke(cli_app, ["trust", "verify", str(path), "--at", at])
        assert json.loads(result.output)["reasons"] == reasons, at
