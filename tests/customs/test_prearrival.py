"""Pre-arrival manifests and green-lane passes: lodging, the signed pass, offline verification
at the checkpoint (every way a pass can be bad), arrival, key rotation, scope."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli_app
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.core.settings import get_settings
from crossborder.customs import prearrival, prearrival_keys
from crossborder.customs.prearrival import PreArrivalManifest
from crossborder.customs.prearrival_keys import IssuerKey, keys_from_jwks, verify_pass
from crossborder.demo.service import seed_customs_data
from tests import factories as f

URL = "/api/v1/customs/prearrival"
NOW = datetime(2026, 1, 2, 1, 0, tzinfo=UTC)
ARRIVAL = NOW + timedelta(hours=9)


@pytest.fixture(autouse=True)
def _customs_data(db: Session) -> None:
    seed_customs_data(db)
    db.commit()


def consignment(reference: str, *, value: str = "450", consignee: str = "Aminah binti Hassan") -> dict[str, Any]:
    return {
        "client_reference": reference,
        "date": "2026-01-02",
        "consignor": {"name": "Siam Cotton Co", "address": "1 Sukhumvit Road, Bangkok", "country": "TH"},
        "consignee": {"name": consignee, "address": f"{reference} Jalan Ampang, Kuala Lumpur", "country": "MY"},
        "lines": [
            {"id": "1", "hs_code": "6205.20", "description": "Cotton shirts", "quantity": 3, "unit_value": value,
             "currency": "THB"},
        ],
    }  # fmt: skip


def manifest(reference: str, items: list[dict[str, Any]], arrival: datetime = ARRIVAL) -> dict[str, Any]:
    return {
        "client_reference": reference,
        "origin": "TH",
        "destination": "MY",
        "checkpoint": "Bukit Kayu Hitam",
        "vehicle_plate": "70-1234 bkk",
        "expected_arrival": arrival.isoformat(),
        "consignments": items,
    }


@pytest.fixture
def carrier(db: Session) -> Principal:
    org = f.org(db, kind=f.KIND_FOR_ROLE[Role.logistics_operator], country="TH")
    return Principal(
        actor="test:carrier", organisation_id=org.id, country="TH", roles=frozenset({Role.logistics_operator})
    )


@pytest.fixture
def lodged(db: Session, carrier: Principal) -> PreArrivalManifest:
    row, created = prearrival.lodge(db, carrier, manifest("TRUCK-1", [consignment("C-1"), consignment("C-2")]), now=NOW)
    db.commit()
    assert created and row.status == "cleared"
    return row


def _keys(db: Session) -> dict[str, Any]:
    # What a checkpoint caches: the JWKS as JSON, parsed back with nothing but public keys.
    return keys_from_jwks(json.loads(json.dumps(prearrival_keys.jwks(db, "MY"))))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(header: dict[str, Any], claims: dict[str, Any], sign: Any) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# ---- the whole journey, through the real app --------------------------------------------------


def test_lodge_pass_verify_offline_and_arrive(client: TestClient, db: Session, tmp_path: Path) -> None:
    _, carrier_key = f.caller(db, Role.logistics_operator, country="TH")
    _, officer_key = f.caller(db, Role.customs_officer, country="MY")
    arrival = datetime.now(UTC) + timedelta(hours=2)
    items = [consignment("C-1"), consignment("C-2", value="120.50")]
    response = client.post(URL, headers=f.bearer(carrier_key), json=manifest("TRUCK-9", items, arrival))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["vehicle_plate"]) == ("cleared", "70-1234 BKK")
    assert [c["lane"] for c in body["decision"]["consignments"]] == ["green", "green"]

    issued = client.get(f"{URL}/{body['id']}/pass", headers=f.bearer(carrier_key)).json()
    header = json.loads(base64.urlsafe_b64decode(issued["token"].split(".")[0] + "=="))
    assert header == {"alg": "Ed25519", "kid": header["kid"], "typ": prearrival_keys.JWT_TYPE}
    claims = _claims(issued["token"])
    assert claims["sub"] == "70-1234 BKK" and claims["iss"] == "urn:crossborder:node:MY"
    assert claims["exp"] == int((arrival.replace(microsecond=0) + timedelta(hours=12)).timestamp())
    qr = client.get(f"{URL}/{body['id']}/pass.svg", headers=f.bearer(carrier_key))
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content and b"<path" in qr.content

    # The checkpoint caches the public JWKS (no sign-in) and verifies with no network at all.
    jwks = client.get(f"{URL}/jwks/MY")
    assert jwks.status_code == 200 and all("d" not in k for k in jwks.json()["keys"])
    offline = verify_pass(issued["token"], keys_from_jwks(jwks.json()), datetime.now(UTC), items)
    assert offline.reason == "valid"

    token_file, jwks_file, items_file = tmp_path / "pass.jws", tmp_path / "my.jwks", tmp_path / "items.json"
    token_file.write_text(issued["token"])
    jwks_file.write_text(jwks.text)
    items_file.write_text(json.dumps(items))
    args = ["customs", "prearrival", "verify", str(token_file), "--jwks", str(jwks_file)]
    result = CliRunner().invoke(cli_app, [*args, "--consignments", str(items_file)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reason"] == "valid"
    items_file.write_text(json.dumps([consignment("C-1"), consignment("C-2", value="12.50")]))
    result = CliRunner().invoke(cli_app, [*args, "--consignments", str(items_file)])
    assert (result.exit_code, json.loads(result.output)["reason"]) == (1, "contents_changed")

    online = client.post(f"{URL}/verify", headers=f.bearer(officer_key), json={"token": issued["token"]})
    assert online.status_code == 200 and online.json()["reason"] == "valid"
    arrived = client.post(
        f"{URL}/{body['id']}/arrive",
        headers=f.bearer(officer_key),
        json={"token": issued["token"], "consignments": items},
    )
    assert arrived.status_code == 200, arrived.text
    assert (arrived.json()["status"], arrived.json()["arrival_reason"]) == ("arrived", "valid")
    again = client.post(f"{URL}/{body['id']}/arrive", headers=f.bearer(officer_key), json={"token": issued["token"]})
    assert again.status_code == 409

    actions = db.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()
    assert [a for a in actions if a.startswith("customs.prearrival.")] == [
        "customs.prearrival.lodge",
        "customs.prearrival.key.create",
        "customs.prearrival.decide",
        "customs.prearrival.arrive",
    ]
    assert verify_chain(db).ok


def test_only_green_consignments_go_on_the_pass(client: TestClient, db: Session) -> None:
    _, carrier_key = f.caller(db, Role.logistics_operator, country="TH")
    _, officer_key = f.caller(db, Role.customs_officer, country="MY")
    flagged = consignment("C-2", consignee="Watched Person")
    party = {k: flagged["consignee"][k] for k in ("name", "address", "country")}
    listed = client.post(
        "/api/v1/customs/watch-list", headers=f.bearer(officer_key), json={"destination": "MY", **party, "reason": "x"}
    )
    assert listed.status_code == 201, listed.text
    arrival = datetime.now(UTC) + timedelta(hours=3)
    body = client.post(
        URL, headers=f.bearer(carrier_key), json=manifest("TRUCK-2", [consignment("C-1"), flagged], arrival)
    ).json()
    assert body["status"] == "partially_cleared"
    assert [c["lane"] for c in body["decision"]["consignments"]] == ["green", "red"]
    # Which rule fired (here a watch-list hit) is for officers: the declarant is not tipped off.
    assert all("risk" not in c for c in body["decision"]["consignments"])
    seen_by_officer = client.get(f"{URL}/{body['id']}", headers=f.bearer(officer_key)).json()
    assert seen_by_officer["decision"]["consignments"][1]["risk"]["fired"][0]["rule"] == "watch_list"
    issued = client.get(f"{URL}/{body['id']}/pass", headers=f.bearer(carrier_key)).json()
    assert [c["reference"] for c in issued["consignments"]] == ["C-1"]
    assert _claims(issued["token"])["consignments"] == 1
    keys = keys_from_jwks(client.get(f"{URL}/jwks/MY").json())
    # The truck presents only what was cleared; presenting the held parcel as cleared is a change.
    assert verify_pass(issued["token"], keys, datetime.now(UTC), [consignment("C-1")]).valid
    assert verify_pass(issued["token"], keys, datetime.now(UTC), [consignment("C-1"), flagged]).reason == (
        "contents_changed"
    )

    held = client.post(URL, headers=f.bearer(carrier_key), json=manifest("TRUCK-3", [flagged], arrival)).json()
    assert held["status"] == "held" and held["pass_jti"] is None
    assert client.get(f"{URL}/{held['id']}/pass", headers=f.bearer(carrier_key)).status_code == 409


def test_errors_name_the_consignment_and_field(client: TestClient, db: Session) -> None:
    _, carrier_key = f.caller(db, Role.logistics_operator, country="TH")
    bad = consignment("C-2")
    bad["lines"][0]["hs_code"] = "12"
    items = [consignment("C-1"), bad, {**consignment("C-3"), "transport_mode": "air"}, consignment("C-1")]
    raw = {**manifest("TRUCK-4", items), "vehicle_plate": "", "expected_arrival": "2026-01-02T10:00:00"}
    response = client.post(URL, headers=f.bearer(carrier_key), json=raw)
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert {
        "vehicle_plate",
        "expected_arrival",
        "consignments[1].lines[0].hs_code",
        "consignments[2].transport_mode",
        "consignments[3].client_reference",
    } <= paths
    assert db.execute(select(func.count()).select_from(PreArrivalManifest)).scalar_one() == 0


def test_lodging_is_idempotent_on_the_client_reference(client: TestClient, db: Session) -> None:
    _, carrier_key = f.caller(db, Role.logistics_operator, country="TH")
    _, other_key = f.caller(db, Role.logistics_operator, country="TH")
    raw = manifest("TRUCK-5", [consignment("C-1")], datetime.now(UTC) + timedelta(hours=4))
    first = client.post(URL, headers=f.bearer(carrier_key), json=raw)
    again = client.post(URL, headers=f.bearer(carrier_key), json=raw)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["pass_jti"] == again.json()["pass_jti"]
    assert client.post(URL, headers=f.bearer(other_key), json=raw).status_code == 201  # another organisation's
    assert db.execute(select(func.count()).select_from(PreArrivalManifest)).scalar_one() == 2


def test_scope_only_the_destinations_officers_act(client: TestClient, db: Session) -> None:
    _, carrier_key = f.caller(db, Role.logistics_operator, country="TH")
    _, my_officer = f.caller(db, Role.customs_officer, country="MY")
    _, th_officer = f.caller(db, Role.customs_officer, country="TH")
    _, stranger = f.caller(db, Role.business_user, country="MY")
    raw = manifest("TRUCK-6", [consignment("C-1")], datetime.now(UTC) + timedelta(hours=1))
    row = client.post(URL, headers=f.bearer(carrier_key), json=raw).json()
    token = client.get(f"{URL}/{row['id']}/pass", headers=f.bearer(carrier_key)).json()["token"]
    assert client.get(f"{URL}/{row['id']}", headers=f.bearer(my_officer)).status_code == 200
    for outsider in (th_officer, stranger):
        assert client.get(f"{URL}/{row['id']}", headers=f.bearer(outsider)).status_code == 404
        assert client.get(f"{URL}/{row['id']}/pass.svg", headers=f.bearer(outsider)).status_code == 404
        arrive = client.post(f"{URL}/{row['id']}/arrive", headers=f.bearer(outsider), json={"token": token})
        assert arrive.status_code == 404
    # The declarant sees its manifest but cannot wave its own truck through.
    assert (
        client.post(f"{URL}/{row['id']}/arrive", headers=f.bearer(carrier_key), json={"token": token}).status_code
        == 403
    )
    body = {"token": token, "destination": "MY"}
    assert client.post(f"{URL}/verify", headers=f.bearer(th_officer), json=body).status_code == 403
    assert client.post(f"{URL}/verify", json=body).status_code == 401
    assert client.get(f"{URL}", headers=f.bearer(th_officer)).json() == []
    assert db.get(PreArrivalManifest, row["id"]).status == "cleared"  # type: ignore[union-attr]


# ---- offline verification: every way a pass can be bad ------------------------------------------


def test_a_tampered_payload_fails_the_signature(db: Session, lodged: PreArrivalManifest) -> None:
    token = lodged.pass_token or ""
    header, _, signature = token.split(".")
    claims = {**_claims(token), "sub": "99-9999"}
    forged = f"{header}.{_b64(json.dumps(claims, sort_keys=True, separators=(',', ':')).encode())}.{signature}"
    assert verify_pass(forged, _keys(db), ARRIVAL).reason == "bad_signature"
    assert verify_pass(token, _keys(db), ARRIVAL, lodged.consignments).reason == "valid"


def test_a_changed_consignment_is_detected(db: Session, lodged: PreArrivalManifest) -> None:
    keys, items = _keys(db), lodged.consignments
    reordered = [items[1], {**items[0], "lines": list(reversed(items[0]["lines"]))}]
    assert verify_pass(lodged.pass_token, keys, ARRIVAL, reordered).reason == "valid"
    assert verify_pass(lodged.pass_token, keys, ARRIVAL, lodged.decision["pass_items"]).reason == "valid"
    cheaper = json.loads(json.dumps(items))
    cheaper[1]["lines"][0]["unit_value"] = "45"
    other_goods = json.loads(json.dumps(items))
    other_goods[0]["lines"][0]["hs_code"] = "9303.20"
    for presented in (cheaper, other_goods, items[:1], [*items, consignment("C-3")], [{"junk": True}], "x"):
        assert verify_pass(lodged.pass_token, keys, ARRIVAL, presented).reason == "contents_changed"


def test_wrong_or_unknown_key(db: Session, lodged: PreArrivalManifest) -> None:
    token, keys = lodged.pass_token or "", _keys(db)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    impostor = Ed25519PrivateKey.generate()
    forged = _forge(header, _claims(token), impostor.sign)
    assert verify_pass(forged, keys, ARRIVAL).reason == "bad_signature"
    assert verify_pass(token, {}, ARRIVAL).reason == "unknown_key"
    assert verify_pass(token, {"other": impostor.public_key()}, ARRIVAL).reason == "unknown_key"


def test_algorithm_none_and_hs256_confusion_are_refused(db: Session, lodged: PreArrivalManifest) -> None:
    token, keys = lodged.pass_token or "", _keys(db)
    kid = next(iter(keys))
    claims = _claims(token)
    unsigned = _forge({"alg": "none", "typ": prearrival_keys.JWT_TYPE}, claims, lambda _: b"")
    assert verify_pass(unsigned, keys, ARRIVAL).reason == "wrong_algorithm"
    # The classic confusion: HMAC keyed with the published public key, which an attacker has.
    public_jwk = next(k for k in prearrival_keys.jwks(db, "MY")["keys"] if k["kid"] == kid)
    for secret in (json.dumps(public_jwk).encode(), base64.urlsafe_b64decode(public_jwk["x"] + "=")):
        header = {"alg": "HS256", "kid": kid, "typ": prearrival_keys.JWT_TYPE}
        forged = _forge(header, claims, lambda data, s=secret: hmac.new(s, data, hashlib.sha256).digest())
        assert verify_pass(forged, keys, ARRIVAL).reason == "wrong_algorithm"


def test_legacy_eddsa_header_still_verifies(db: Session, lodged: PreArrivalManifest) -> None:
    row = db.execute(select(IssuerKey)).scalar_one()
    raw = prearrival_keys.unseal(get_settings().secret_key, f"MY:{row.kid}", row.sealed_private_key)
    key = OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(raw))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        header = {"alg": "EdDSA", "kid": row.kid, "typ": prearrival_keys.JWT_TYPE}
        legacy = jws.serialize_compact(header, json.dumps(_claims(lodged.pass_token or "")), key, algorithms=["EdDSA"])
    assert verify_pass(legacy, _keys(db), ARRIVAL).reason == "valid"


def test_validity_window(db: Session, lodged: PreArrivalManifest) -> None:
    token, keys = lodged.pass_token or "", _keys(db)
    claims, skew = _claims(token), prearrival_keys.pass_settings().clock_skew_seconds
    assert claims["nbf"] == int((ARRIVAL - timedelta(hours=6)).timestamp())
    assert claims["exp"] == int((ARRIVAL + timedelta(hours=12)).timestamp())
    at = datetime.fromtimestamp
    assert verify_pass(token, keys, at(claims["nbf"] - skew - 1, UTC)).reason == "not_yet_valid"
    assert verify_pass(token, keys, at(claims["nbf"] - skew, UTC)).reason == "valid"
    assert verify_pass(token, keys, at(claims["exp"] + skew - 1, UTC)).reason == "valid"
    assert verify_pass(token, keys, at(claims["exp"] + skew, UTC)).reason == "expired"
    assert verify_pass(token, keys, ARRIVAL, revoked={claims["jti"]}).reason == "revoked"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        None,
        42,
        "!!!.???.###",
        _b64(b"[1]") + ".e30.",
        _b64(b'{"alg":"Ed25519","alg":"none"}') + ".e30.",
        "x" * 5000,
    ],
)
def test_malformed_tokens_never_raise(db: Session, lodged: PreArrivalManifest, token: Any) -> None:
    assert verify_pass(token, _keys(db), ARRIVAL).reason == "malformed"


def test_unexpected_headers_and_claims_are_malformed(db: Session, lodged: PreArrivalManifest) -> None:
    row = db.execute(select(IssuerKey)).scalar_one()
    raw = prearrival_keys.unseal(get_settings().secret_key, f"MY:{row.kid}", row.sealed_private_key)
    key, claims = Ed25519PrivateKey.from_private_bytes(raw), _claims(lodged.pass_token or "")
    good = {"alg": "Ed25519", "kid": row.kid, "typ": prearrival_keys.JWT_TYPE}
    cases = [
        ({**good, "jku": "https://attacker.example/jwks"}, claims),
        ({**good, "typ": "JWT"}, claims),
        (good, {**claims, "exp": str(claims["exp"])}),
        (good, {k: v for k, v in claims.items() if k != "consignments_sha256"}),
        (good, {**claims, "iss": "urn:crossborder:node:TH"}),
    ]
    for header, body in cases:
        assert verify_pass(_forge(header, body, key.sign), _keys(db), ARRIVAL).reason == "malformed"
    assert verify_pass(_forge(good, claims, key.sign), _keys(db), ARRIVAL).reason == "valid"


# ---- keys ----------------------------------------------------------------------------------------


def test_rotated_key_still_verifies_old_passes(db: Session, carrier: Principal, lodged: PreArrivalManifest) -> None:
    old_kid = json.loads(base64.urlsafe_b64decode(lodged.pass_token.split(".")[0] + "=="))["kid"]  # type: ignore[union-attr]
    result = CliRunner().invoke(cli_app, ["customs", "prearrival", "keys", "rotate", "--country", "MY"])
    assert result.exit_code == 0, result.output
    new_kid = json.loads(result.output)["kid"]
    db.expire_all()
    newer, _ = prearrival.lodge(db, carrier, manifest("TRUCK-7", [consignment("C-9")]), now=NOW)
    db.commit()
    assert json.loads(base64.urlsafe_b64decode(newer.pass_token.split(".")[0] + "=="))["kid"] == new_kid  # type: ignore[union-attr]
    assert new_kid != old_kid and set(_keys(db)) == {old_kid, new_kid}
    assert verify_pass(lodged.pass_token, _keys(db), ARRIVAL, lodged.consignments).valid
    assert verify_pass(newer.pass_token, _keys(db), ARRIVAL, newer.consignments).valid
    exported = CliRunner().invoke(cli_app, ["customs", "prearrival", "keys", "jwks", "--country", "MY"])
    assert {k["kid"] for k in json.loads(exported.output)["keys"]} == {old_kid, new_kid}


def test_private_key_is_sealed_at_rest(db: Session, lodged: PreArrivalManifest) -> None:
    row = db.execute(select(IssuerKey)).scalar_one()
    raw = prearrival_keys.unseal(get_settings().secret_key, f"MY:{row.kid}", row.sealed_private_key)
    assert raw not in row.sealed_private_key and len(raw) == 32
    public = OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(raw).public_key())
    assert public.thumbprint() == row.kid
    with pytest.raises(InvalidTag):
        prearrival_keys.unseal("another-secret", f"MY:{row.kid}", row.sealed_private_key)
    with pytest.raises(InvalidTag):
        prearrival_keys.unseal(get_settings().secret_key, f"TH:{row.kid}", row.sealed_private_key)


# ---- arrival outcomes ----------------------------------------------------------------------------


def test_changed_load_stops_the_truck(db: Session, lodged: PreArrivalManifest) -> None:
    officer = Principal(
        actor="test:officer", organisation_id=None, country="MY", roles=frozenset({Role.customs_officer})
    )
    swapped = json.loads(json.dumps(lodged.consignments))
    swapped[0]["lines"][0]["quantity"] = 30
    row, check = prearrival.arrive(db, officer, lodged.id, lodged.pass_token or "", swapped, now=ARRIVAL)
    assert (row.status, row.arrival_reason, check.reason) == ("stopped", "contents_changed", "contents_changed")
    assert db.execute(select(AuditEntry.action).order_by(AuditEntry.seq.desc())).scalars().first() == (
        "customs.prearrival.stop"
    )


def test_another_trucks_pass_stops_the_truck(db: Session, carrier: Principal, lodged: PreArrivalManifest) -> None:
    officer = Principal(
        actor="test:officer", organisation_id=None, country="MY", roles=frozenset({Role.customs_officer})
    )
    other, _ = prearrival.lodge(db, carrier, manifest("TRUCK-8", [consignment("C-8")]), now=NOW)
    row, check = prearrival.arrive(db, officer, lodged.id, other.pass_token or "", None, now=ARRIVAL)
    assert check.valid and (row.status, row.arrival_reason) == ("stopped", "wrong_pass")


def test_revoked_pass_stops_the_truck(client: TestClient, db: Session) -> None:
    _, carrier_key = f.caller(db, Role.logistics_operator, country="TH")
    _, officer_key = f.caller(db, Role.customs_officer, country="MY")
    raw = manifest("TRUCK-10", [consignment("C-1")], datetime.now(UTC) + timedelta(hours=2))
    row = client.post(URL, headers=f.bearer(carrier_key), json=raw).json()
    token = client.get(f"{URL}/{row['id']}/pass", headers=f.bearer(carrier_key)).json()["token"]
    revoked = client.post(f"{URL}/{row['id']}/revoke", headers=f.bearer(officer_key), json={"reason": "new intel"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "held"
    cache = client.get(f"{URL}/revoked/MY", headers=f.bearer(officer_key)).json()
    assert cache["revoked"] == [row["pass_jti"]]
    assert client.get(f"{URL}/{row['id']}/pass", headers=f.bearer(carrier_key)).status_code == 409
    arrived = client.post(f"{URL}/{row['id']}/arrive", headers=f.bearer(officer_key), json={"token": token}).json()
    assert (arrived["status"], arrived["arrival_reason"]) == ("stopped", "revoked")
