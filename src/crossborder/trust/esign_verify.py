"""Verifying a document signature: pure, given a way to find signing keys by kid. It never raises for
bad input and never says "valid" on doubt: whatever it cannot read or check is a reason code.

The signature is a compact JWS (`typ: docsig+jwt`, alg `Ed25519`; `EdDSA` is read too) whose payload
names the document by its SHA-256 digest, so it travels apart from the document (detached from it)
and the document itself is never sent to be verified, only hashed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crossborder.core.keys import ACCEPTED_ALGS, b64url_decode, b64url_encode, strict_json
from crossborder.trust.verify import PublicKey

SIGNATURE_TYPE = "docsig+jwt"
DIGEST_ALG = "sha-256"  # IANA Named Information Hash Algorithm Registry name
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")
REASONS = (
    *("valid", "malformed", "wrong_algorithm", "unknown_key", "key_withdrawn", "bad_signature"),
    *("digest_mismatch", "key_not_valid_at_signing", "not_yet_valid"),
)
_HEADER_KEYS = frozenset({"alg", "kid", "typ"})  # crit, b64, jku, jwk, x5u... are refused as malformed


@dataclass(frozen=True)
class SignerKey:
    """A published signing key as a verifier holds it: whose, and when it could sign."""

    organisation_id: int
    key: PublicKey
    created_at: datetime
    retired_at: datetime | None = None
    withdrawn: bool = False

    def valid_at(self, at: datetime) -> bool:
        # Signing times are whole seconds: compare with the second the key was created in.
        created = self.created_at.replace(microsecond=0)
        return created <= at and (self.retired_at is None or at < self.retired_at) and not self.withdrawn


@dataclass(frozen=True)
class SignatureCheck:
    reasons: tuple[str, ...]
    kid: str | None = None
    signer: dict[str, Any] | None = None
    signed_at: datetime | None = None
    key_valid_at_signing: bool | None = None
    signature_id: str | None = None
    digest: str | None = None
    media_type: str | None = None
    file_name: str | None = None

    @property
    def valid(self) -> bool:
        return self.reasons == ("valid",)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "reasons": list(self.reasons),
            "signer": self.signer,
            "signed_at": None if self.signed_at is None else self.signed_at.isoformat(),
            "key_valid_at_signing": self.key_valid_at_signing,
            "kid": self.kid,
            "signature_id": self.signature_id,
            "digest": None if self.digest is None else {"alg": DIGEST_ALG, "value": self.digest},
            "media_type": self.media_type,
            "file_name": self.file_name,
        }


def _header(segment: str) -> tuple[str | None, str | None]:
    try:
        header = strict_json(b64url_decode(segment))
    except Exception:  # untrusted bytes: whatever fails to parse is malformed
        return "malformed", None
    if not isinstance(header, dict):
        return "malformed", None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if header.get("alg") not in ACCEPTED_ALGS:  # first: "none", HS256 keyed with the public key, RS/ES...
        return "wrong_algorithm", kid
    if set(header) - _HEADER_KEYS or header.get("typ") != SIGNATURE_TYPE or not kid:
        return "malformed", kid
    return None, kid


def _signer(claims: dict[str, Any], organisation_id: int) -> dict[str, Any]:
    raw = claims["signer"]
    if not isinstance(raw, dict) or raw.get("id") != organisation_id or isinstance(raw.get("id"), bool):
        raise ValueError("signer is not the key's organisation")
    regional = raw.get("regionalId")
    if not isinstance(raw.get("name"), str) or not isinstance(raw.get("country"), str):
        raise ValueError("signer lacks name or country")
    if regional is not None and not isinstance(regional, str):
        raise ValueError("regionalId must be a string")
    return {"organisation_id": organisation_id, "name": raw["name"], "country": raw["country"], "regional_id": regional}


def verify_signature(
    token: Any,
    digest: str,
    find_key: Callable[[str], SignerKey | None],
    now: datetime,
    *,
    skew_seconds: int = 120,
    max_bytes: int = 16384,
) -> SignatureCheck:
    """Check a signature against a document's SHA-256 digest (64 hex characters)."""
    if not isinstance(token, str) or len(token) > max_bytes or token.count(".") != 2:
        return SignatureCheck(("malformed",))
    header_b64, payload_b64, signature_b64 = token.split(".")
    reason, kid = _header(header_b64)
    if reason:
        return SignatureCheck((reason,), kid=kid)
    try:
        claims = strict_json(b64url_decode(payload_b64))
        signature = b64url_decode(signature_b64)
    except Exception:
        return SignatureCheck(("malformed",), kid=kid)
    # A non-canonical spelling of the signature would let two strings be one valid signature.
    if not isinstance(claims, dict) or len(signature) != 64 or b64url_encode(signature) != signature_b64:
        return SignatureCheck(("malformed",), kid=kid)
    key = find_key(kid or "")
    if key is None:
        return SignatureCheck(("unknown_key",), kid=kid)
    if key.withdrawn:
        return SignatureCheck(("key_withdrawn",), kid=kid, key_valid_at_signing=False)
    try:
        key.key.verify(signature, f"{header_b64}.{payload_b64}".encode())
    except Exception:  # InvalidSignature, or a key object that cannot verify: never a reason to say valid
        return SignatureCheck(("bad_signature",), kid=kid)
    try:
        # A signature by this key whose claims name another signer is not that signer's signature.
        signer = _signer(claims, key.organisation_id)
    except (KeyError, ValueError):
        return SignatureCheck(("bad_signature",), kid=kid)
    try:
        signed, iat = claims["digest"], claims["iat"]
        if not isinstance(signed, dict) or signed.get("alg") != DIGEST_ALG or not HEX_DIGEST.match(signed["value"]):
            raise ValueError("digest must be sha-256 in lower-case hex")
        if not isinstance(iat, int) or isinstance(iat, bool):
            raise ValueError("iat must be an integer")
        signed_at = datetime.fromtimestamp(iat, UTC)
        media_type, file_name = claims["mediaType"], claims.get("fileName")
        if not isinstance(media_type, str) or not (file_name is None or isinstance(file_name, str)):
            raise ValueError("mediaType and fileName must be strings")
        jti = claims.get("jti")
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return SignatureCheck(("malformed",), kid=kid)
    reasons = []
    if signed["value"] != digest.lower():  # both public: no constant-time comparison needed
        reasons.append("digest_mismatch")
    if signed_at > now + timedelta(seconds=skew_seconds):
        reasons.append("not_yet_valid")
    key_valid = key.valid_at(signed_at)
    if not key_valid:
        reasons.append("key_not_valid_at_signing")
    return SignatureCheck(
        tuple(reasons) or ("valid",),
        kid=kid,
        signer=signer,
        signed_at=signed_at,
        key_valid_at_signing=key_valid,
        signature_id=jti if isinstance(jti, str) else None,
        digest=signed["value"],
        media_type=media_type,
        file_name=file_name,
    )
