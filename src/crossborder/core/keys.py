"""Ed25519 signing keys shared by every capability that signs: private keys sealed at rest with a
key derived from the app secret, public keys as JWKs, and the strict parsing a JWS verifier needs.

Each capability keeps its own table and its own seal salt, so a key sealed for one purpose cannot
be unsealed (or swapped in) for another."""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc.jwk import OKPKey

SIGN_ALG = "Ed25519"  # fully specified JOSE name (RFC 9864); "EdDSA" is only ever read, never written
ACCEPTED_ALGS = ("Ed25519", "EdDSA")  # a tuple: `in` must not raise on an unhashable header value
_SEAL_INFO = b"aes-256-gcm key wrap v1"


@dataclass(frozen=True)
class Sealer:
    """AES-GCM wrapping of private keys under a key derived (HKDF) from the app secret and a salt
    of the caller's purpose. The row's identity is the authenticated data: a sealed key moved to
    another row, or read with another purpose's salt, fails to open."""

    salt: bytes

    def _aead(self, secret: str) -> AESGCM:
        # A derived key, not the app secret itself, so the secret's other uses never share a key.
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=self.salt, info=_SEAL_INFO).derive(secret.encode())
        return AESGCM(key)

    def seal(self, secret: str, aad: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead(secret).encrypt(nonce, plaintext, aad.encode())

    def unseal(self, secret: str, aad: str, blob: bytes) -> bytes:
        return self._aead(secret).decrypt(blob[:12], blob[12:], aad.encode())


def public_jwk(private: Ed25519PrivateKey) -> tuple[str, dict[str, Any]]:
    """The key's RFC 7638 thumbprint (used as kid) and its public JWK, marked for signing only."""
    jwk = OKPKey.import_key(private.public_key())
    kid = jwk.thumbprint()
    return kid, {**jwk.as_dict(private=False), "kid": kid, "alg": SIGN_ALG, "use": "sig"}


def b64url_decode(segment: str) -> bytes:
    """Strict base64url without padding, as JWS requires: any other character is an error (the
    lenient decoder would silently drop it and let two spellings of one token both verify)."""
    if "=" in segment or "+" in segment or "/" in segment:
        raise ValueError("not base64url")
    # str.replace, not str.translate: this runs per token in bulk verification and is far faster.
    standard = segment.replace("-", "+").replace("_", "/") + "=" * (-len(segment) % 4)
    try:
        return binascii.a2b_base64(standard, strict_mode=True)
    except binascii.Error as exc:
        raise ValueError("not base64url") from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _no_duplicates(items: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(items)
    if len(result) != len(items):
        raise ValueError("duplicate key")
    return result


# One decoder, built once: json.loads with a hook builds a new decoder on every call.
_STRICT = json.JSONDecoder(object_pairs_hook=_no_duplicates)


def strict_json(data: bytes | str) -> Any:
    """JSON with duplicate keys refused: two parsers must never read two different headers or claims."""
    return _STRICT.decode(data.decode("utf-8") if isinstance(data, bytes) else data)


def keys_from_jwks(document: Any) -> dict[str, Ed25519PublicKey]:
    """Public Ed25519 keys by kid from a (cached) JWKS; anything else in it is skipped, never trusted."""
    found: dict[str, Ed25519PublicKey] = {}
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        if not isinstance(jwk, dict) or (jwk.get("kty"), jwk.get("crv")) != ("OKP", "Ed25519"):
            continue
        try:
            x = base64.urlsafe_b64decode(str(jwk["x"]) + "=" * (-len(str(jwk["x"])) % 4))
            found[str(jwk["kid"])] = Ed25519PublicKey.from_public_bytes(x)
        except (KeyError, ValueError):
            continue
    return found
