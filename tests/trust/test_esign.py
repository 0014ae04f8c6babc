"""E-signatures through the real app and the CLI: sign (upload or digest), verify (anyone), every
reason code, key rotation and withdrawal, idempotency, scope and bad input."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli_app
from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.keys import b64url_encode, public_jwk
from crossborder.trust import esign
from crossborder.trust.esign_models import DocumentSignature
from crossborder.trust.esign_verify import SignerKey, verify_signature
from crossborder.trust.settings import trust_settings
from tests import factories as f

URL = "/api/v1/trust"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


def _sign_upload(client: TestClient, key: str, content: bytes = PDF, **data: str) -> Any:
    files = {"file": ("invoice.pdf", content, "application/pdf")}
    return client.post(f"{URL}/signatures", headers=f.bearer(key), files=files, data=data)


def _sign_digest(client: TestClient, key: str, **body: Any) -> Any:
    return client.post(f"{URL}/signatures", headers=f.bearer(key), json={"digest": DIGEST, **body})


def _verify(client: TestClient, signature: str, digest: str = DIGEST) -> dict[str, Any]:
    response = client.post(f"{URL}/signatures/verify", json={"signature": signature, "digest": digest})
    assert response.status_code == 200, response.text
    return response.json()


def _part(token: str, n: int) -> dict[str, Any]:
    segment = token.split(".")[n]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _encode(part: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(part, separators=(",", ":")).encode())


def test_sign_an_upload_and_verify_it(client: TestClient, db: Session) -> None:
    org, key = f.caller(db, Role.business_user, country="SG")
    operator_key = f.caller(db, Role.trust_operator, country="SG")[1]
    registered = client.post(
        f"{URL}/businesses",
        headers=f.bearer(operator_key),
        json={"country": "SG", "national_number": "197401143C", "legal_name": "Merlion", "organisation_id": org.id},
    ).json()
    made = _sign_upload(client, key)
    assert made.status_code == 201, made.text
    out = made.json()
    token = out["signature"]
    assert _part(token, 0) == {"alg": "Ed25519", "kid": out["kid"], "typ": "docsig+jwt"}
    claims = _part(token, 1)
    assert claims["digest"] == {"alg": "sha-256", "value": DIGEST} == out["digest"]
    assert (claims["mediaType"], claims["fileName"]) == ("application/pdf", "invoice.pdf")
    assert claims["signer"] == {
        "id": org.id,
        "name": org.name,
        "country": "SG",
        "regionalId": registered["regional_id"],
    }
    assert claims["iss"].endswith(f"/api/v1/trust/signers/{org.id}") and claims["jti"] == out["signature_id"]

    # Anyone verifies, with the document itself or its digest.
    files = {"file": ("invoice.pdf", PDF, "application/pdf")}
    uploaded = client.post(f"{URL}/signatures/verify", files=files, data={"signature": token}).json()
    by_digest = _verify(client, token)
    assert uploaded == by_digest and by_digest["valid"] and by_digest["reasons"] == ["valid"]
    assert by_digest["signer"]["organisation_id"] == org.id
    assert by_digest["signer"]["regional_id"] == registered["regional_id"]
    assert by_digest["key_valid_at_signing"] is True and by_digest["signed_at"] == out["signed_at"]
    tampered = _verify(client, token, hashlib.sha256(PDF + b" ").hexdigest())
    assert (tampered["valid"], tampered["reasons"]) == (False, ["digest_mismatch"])

    # Recorded and audited: who, which digest, when.
    row = db.execute(select(DocumentSignature)).scalar_one()
    assert (row.organisation_id, row.digest, row.actor) == (org.id, DIGEST, f"apikey:{key.split('_')[1]}")
    actions = db.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()
    assert actions[-2:] == ["trust.signing_key.create", "trust.signature.create"]
    signer = client.get(f"{URL}/signers/{org.id}").json()
    assert signer["regional_id"] == registered["regional_id"] and signer["jwks_uri"].endswith("/jwks")


def test_signing_a_digest_is_idempotent_on_the_client_reference(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.platform_operator, country="VN")
    first = _sign_digest(client, key, client_reference="S-1", media_type="application/xml", file_name="../x/inv.xml")
    assert first.status_code == 201 and first.json()["file_name"] == "inv.xml"
    again = _sign_digest(client, key, client_reference="S-1", media_type="application/xml")
    assert again.status_code == 200 and again.json() == first.json()
    other = _sign_digest(client, key, client_reference="S-1", digest="0" * 64)
    assert other.status_code == 409 and other.json()["errors"][0]["path"] == "client_reference"
    assert _verify(client, first.json()["signature"])["valid"]


def test_bad_input_names_field_value_and_rule(client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _, key = f.caller(db, Role.business_user, country="VN")
    other = f.org(db, country="VN")
    bad = _sign_digest(client, key, digest="xyz", media_type="pdf", file_name="\x00")
    assert bad.status_code == 422
    errors = {e["path"]: e for e in bad.json()["errors"]}
    assert set(errors) == {"digest", "media_type", "file_name"} and errors["digest"]["value"] == "xyz"
    assert _sign_digest(client, key, colour="red").json()["errors"][0]["path"] == "colour"
    plain = client.post(f"{URL}/signatures", headers={**f.bearer(key), "Content-Type": "text/plain"}, content=b"hi")
    assert plain.status_code == 422 and plain.json()["errors"][0]["path"] == "Content-Type"
    no_file = client.post(f"{URL}/signatures", headers=f.bearer(key), files={"other": ("a", b"a")})
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["path"] == "file"
    assert _sign_digest(client, key, organisation_id=other.id).status_code == 403
    assert client.post(f"{URL}/signatures", json={"digest": DIGEST}).status_code == 401
    bad_verify = client.post(f"{URL}/signatures/verify", json={"signature": "x", "digest": "nope"})
    assert bad_verify.status_code == 422 and bad_verify.json()["errors"][0]["path"] == "digest"

    large = _sign_upload(client, key, PDF + b"0" * (3 * 1024 * 1024))  # above the API's default body limit
    assert large.status_code == 201, large.text

    monkeypatch.setattr(esign, "trust_settings", lambda: replace(trust_settings(), max_sign_upload_bytes=10))
    too_big = _sign_upload(client, key)
    assert too_big.status_code == 413
    error = too_big.json()["errors"][0]
    assert error["path"] == "file" and "signatures.max_upload_bytes" in error["rule"] and error["value"] > 10


def test_every_reason_code(client: TestClient, db: Session) -> None:
    org, key = f.caller(db, Role.business_user, country="TH")
    token = _sign_digest(client, key).json()["signature"]
    header, claims = _part(token, 0), _part(token, 1)
    h, p, s = token.split(".")

    def reasons(signature: Any, digest: str = DIGEST) -> list[str]:
        result = _verify(client, signature, digest) if isinstance(signature, str) else None
        assert result is not None and result["valid"] is False
        return list(result["reasons"])

    for junk in ("", "junk", "a.b.c", f"{h}.{p}", f"{h}.{p}.{s}=", f"{h}.{p}.{s}.x", f"{h}.{p}.{s[:-2]}AA"[:-1]):
        assert reasons(junk or ".") == ["malformed"], junk
    assert reasons(f"{_encode({**header, 'crit': ['b64']})}.{p}.{s}") == ["malformed"]
    assert reasons(f"{_encode({**header, 'typ': 'vc+jwt'})}.{p}.{s}") == ["malformed"]
    assert reasons(f"{_encode({**header, 'alg': 'none'})}.{p}.") == ["wrong_algorithm"]
    # Algorithm confusion: an HMAC "signature" keyed with the published public key.
    public = base64.urlsafe_b64decode(client.get(f"{URL}/signers/{org.id}/jwks").json()["keys"][0]["x"] + "==")
    hs_input = f"{_encode({**header, 'alg': 'HS256'})}.{p}"
    forged = b64url_encode(hmac.new(public, hs_input.encode(), hashlib.sha256).digest())
    assert reasons(f"{hs_input}.{forged}") == ["wrong_algorithm"]
    # Tampered payload under the original signature.
    assert reasons(f"{h}.{_encode({**claims, 'fileName': 'other.pdf'})}.{s}") == ["bad_signature"]
    # A real Ed25519 signature by a key this node never published.
    stranger = Ed25519PrivateKey.generate()
    strange_h = _encode({**header, "kid": public_jwk(stranger)[0]})
    strange_s = b64url_encode(stranger.sign(f"{strange_h}.{p}".encode()))
    assert reasons(f"{strange_h}.{p}.{strange_s}") == ["unknown_key"]
    assert reasons(token, "f" * 64) == ["digest_mismatch"]
    assert (
        client.post(f"{URL}/signers/{org.id}/keys/{header['kid']}/withdraw", headers=f.bearer(key)).status_code == 200
    )
    assert reasons(token) == ["key_withdrawn"]


def test_rotation_keeps_old_signatures_valid_and_withdrawal_ends_them(client: TestClient, db: Session) -> None:
    org, key = f.caller(db, Role.business_user, country="MY")
    _, outsider = f.caller(db, Role.business_user, country="MY")
    old = _sign_digest(client, key).json()
    assert client.post(f"{URL}/signers/{org.id}/keys/rotate", headers=f.bearer(outsider)).status_code == 403
    rotated = client.post(f"{URL}/signers/{org.id}/keys/rotate", headers=f.bearer(key))
    assert rotated.status_code == 200 and rotated.json()["kid"] != old["kid"]
    new = _sign_digest(client, key).json()
    assert new["kid"] == rotated.json()["kid"]
    for signed in (old, new):
        result = _verify(client, signed["signature"])
        assert result["valid"] and result["key_valid_at_signing"] and result["kid"] == signed["kid"]
    jwks = client.get(f"{URL}/signers/{org.id}/jwks")
    assert jwks.headers["content-type"].startswith("application/jwk-set+json")
    document = jwks.json()
    assert [k["kid"] for k in document["keys"]] == [old["kid"], new["kid"]] and all(
        "d" not in k for k in document["keys"]
    )
    validity = {v["kid"]: v for v in document["key_validity"]}
    assert validity[old["kid"]]["not_after"] is not None and validity[new["kid"]]["not_after"] is None

    withdraw = f"{URL}/signers/{org.id}/keys/{old['kid']}/withdraw"
    assert client.post(withdraw, headers=f.bearer(outsider)).status_code == 403
    assert client.post(withdraw, headers=f.bearer(key)).status_code == 200
    assert client.post(withdraw, headers=f.bearer(key)).status_code == 409
    assert _verify(client, old["signature"])["reasons"] == ["key_withdrawn"]
    assert _verify(client, new["signature"])["valid"]
    assert client.get(f"{URL}/signers/{org.id}/jwks").json()["withdrawn_kids"] == [old["kid"]]
    assert client.get(f"{URL}/signers/999999/jwks").status_code == 404


def test_key_validity_and_legacy_algorithm_name_offline() -> None:
    private = Ed25519PrivateKey.generate()
    kid = public_jwk(private)[0]
    created = datetime(2026, 3, 1, tzinfo=UTC)
    claims = {"iss": "x", "jti": "urn:uuid:1", "iat": int((created + timedelta(days=10)).timestamp()),
              "digest": {"alg": "sha-256", "value": DIGEST}, "mediaType": "application/pdf",
              "signer": {"id": 7, "name": "Org", "country": "VN"}}  # fmt: skip

    def token(alg: str = "Ed25519", **extra: Any) -> str:
        signing_input = f"{_encode({'alg': alg, 'kid': kid, 'typ': 'docsig+jwt'})}.{_encode({**claims, **extra})}"
        return f"{signing_input}.{b64url_encode(private.sign(signing_input.encode()))}"

    def check(signature: str, **key: Any) -> Any:
        held = SignerKey(**{"organisation_id": 7, "key": private.public_key(), "created_at": created, **key})
        return verify_signature(signature, DIGEST, {kid: held}.get, created + timedelta(days=20))

    assert check(token()).valid and check(token("EdDSA")).valid  # the older JOSE name is still read
    assert check(token(), retired_at=created + timedelta(days=5)).reasons == ("key_not_valid_at_signing",)
    assert check(token(), created_at=created + timedelta(days=11)).key_valid_at_signing is False
    later = int((created + timedelta(days=30)).timestamp())
    assert check(token(iat=later)).reasons == ("not_yet_valid",)
    assert check(token(signer={"id": 8, "name": "Other", "country": "VN"})).reasons == ("bad_signature",)
    assert check(token(iat="yesterday")).reasons == ("malformed",)
    assert check(token(digest={"alg": "md5", "value": DIGEST})).reasons == ("malformed",)
    assert verify_signature(token(), DIGEST, {}.get, created).reasons == ("unknown_key",)


def test_cli_sign_and_verify_signature(db: Session, tmp_path: Path) -> None:
    org = f.org(db, country="PH")
    document, signature = tmp_path / "invoice.xml", tmp_path / "invoice.xml.sig"
    document.write_bytes(b"<Invoice/>")
    runner = CliRunner()
    signed = runner.invoke(cli_app, ["trust", "sign", str(document), "--org", str(org.id), "--out", str(signature)])
    assert signed.exit_code == 0, signed.output
    record = json.loads(signed.output)
    assert record["media_type"] == "application/xml" and signature.read_text().strip() == record["signature"]
    verified = runner.invoke(cli_app, ["trust", "verify-signature", str(document), str(signature)])
    assert verified.exit_code == 0, verified.output
    printed = json.loads(verified.output)
    assert printed["valid"] and printed["signer"]["organisation_id"] == org.id and printed["key_valid_at_signing"]
    document.write_bytes(b"<Invoice>changed</Invoice>")
    tampered = runner.invoke(cli_app, ["trust", "verify-signature", str(document), str(signature)])
    assert tampered.exit_code == 1 and json.loads(tampered.output)["reasons"] == ["digest_mismatch"]
    missing = runner.invoke(cli_app, ["trust", "sign", str(tmp_path / "nope"), "--org", str(org.id), "--out", "x"])
    assert missing.exit_code == 2
