"""Compact JWS with Ed25519, as envelopes and receipts use it: the protected header is fixed to
{alg, kid, typ}, so there is nothing in it to negotiate (no "none", no HS256 with a public key as
the secret, no embedded keys, no crit). Parsing never raises: what cannot be read is a reason code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder.core.keys import ACCEPTED_ALGS, SIGN_ALG, b64url_decode, b64url_encode, strict_json

HEADER_KEYS = frozenset({"alg", "kid", "typ"})


class PublicKey(Protocol):
    """What verification needs of a key; cryptography's Ed25519PublicKey is one."""

    def verify(self, signature: bytes, data: bytes) -> None: ...


def sign(claims: dict[str, Any], kid: str, private: Ed25519PrivateKey, typ: str) -> str:
    header = b64url_encode(json.dumps({"alg": SIGN_ALG, "kid": kid, "typ": typ}, separators=(",", ":")).encode())
    body = b64url_encode(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    signing_input = f"{header}.{body}"
    return f"{signing_input}.{b64url_encode(private.sign(signing_input.encode()))}"


@dataclass(frozen=True)
class Opened:
    """A token read but not yet verified: claims are only to be trusted once `verify_with` passes."""

    reason: str  # "" when header and claims are readable and well-formed
    kid: str | None = None
    claims: dict[str, Any] | None = None
    signing_input: bytes = b""
    signature: bytes = b""

    def verify_with(self, key: PublicKey) -> bool:
        try:
            key.verify(self.signature, self.signing_input)
        except (InvalidSignature, Exception):  # a key object that cannot verify is never a pass
            return False
        return True


def open_token(token: Any, typ: str, max_bytes: int) -> Opened:
    if not isinstance(token, str) or len(token) > max_bytes or token.count(".") != 2:
        return Opened("malformed")
    header_b64, claims_b64, signature_b64 = token.split(".")
    try:
        header = strict_json(b64url_decode(header_b64))
    except Exception:  # untrusted bytes: whatever fails to parse is malformed
        return Opened("malformed")
    if not isinstance(header, dict):
        return Opened("malformed")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if header.get("alg") not in ACCEPTED_ALGS:  # first, so "none"/HS256/RS256 are named as what they are
        return Opened("wrong_algorithm", kid)
    if set(header) - HEADER_KEYS or header.get("typ") != typ or not kid:
        return Opened("malformed", kid)
    try:
        claims = strict_json(b64url_decode(claims_b64))
        signature = b64url_decode(signature_b64)
    except Exception:
        return Opened("malformed", kid)
    # A non-canonical base64 tail would let two strings be one valid token: refused.
    if not isinstance(claims, dict) or len(signature) != 64 or b64url_encode(signature) != signature_b64:
        return Opened("malformed", kid)
    return Opened("", kid, claims, f"{header_b64}.{claims_b64}".encode(), signature)
