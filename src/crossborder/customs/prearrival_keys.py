"""Green-lane passes: the destination's Ed25519 issuer keys (sealed at rest, rotated, published
as a JWKS) and the pass itself, a compact JWS whose verification is pure and offline, because
a land checkpoint must decide with only the cached JWKS, whatever its network is doing."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws
from joserfc.errors import BadSignatureError, SecurityWarning
from joserfc.jwk import OKPKey
from sqlalchemy import JSON, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crossborder.core.access.principal import SYSTEM, Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime
from crossborder.core.keys import ACCEPTED_ALGS as ACCEPTED_ALGS
from crossborder.core.keys import SIGN_ALG as SIGN_ALG
from crossborder.core.keys import Sealer, public_jwk, strict_json
from crossborder.core.keys import b64url_decode as _b64
from crossborder.core.keys import keys_from_jwks as keys_from_jwks
from crossborder.core.settings import get_settings
from crossborder.customs.settings import DATA_DIR

JWT_TYPE = "cb-prearrival+jwt"  # explicit typing (RFC 8725 §3.11): no other JWT of ours can pass for a pass
HEADER_KEYS = frozenset({"alg", "kid", "typ"})  # anything else (crit, b64, jku, jwk...) is refused
MAX_TOKEN = 4096
REASONS = (
    *("valid", "bad_signature", "unknown_key", "wrong_algorithm", "expired", "not_yet_valid"),
    *("malformed", "contents_changed", "revoked"),
)
_SEALER = Sealer(b"crossborder/customs/prearrival/issuer-key")


@dataclass(frozen=True)
class PassSettings:
    valid_hours: int
    early_hours: int
    clock_skew_seconds: int
    max_advance_days: int
    max_consignments: int


@lru_cache(maxsize=1)
def pass_settings() -> PassSettings:
    raw = yaml.safe_load((DATA_DIR / "settings.yaml").read_text())["prearrival"]
    return PassSettings(
        int(raw["pass_valid_hours"]),
        int(raw["pass_early_hours"]),
        int(raw["clock_skew_seconds"]),
        int(raw["max_advance_days"]),
        int(raw["max_consignments"]),
    )


class IssuerKey(Base):
    """One signing key of a destination. Retired keys stay so passes they signed still verify."""

    __tablename__ = "customs_prearrival_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(2), index=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638 thumbprint
    public_jwk: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-GCM(raw Ed25519 seed)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def seal(secret: str, aad: str, plaintext: bytes) -> bytes:
    # The row's destination and kid are authenticated data: a sealed key moved to another row fails.
    return _SEALER.seal(secret, aad, plaintext)


def unseal(secret: str, aad: str, blob: bytes) -> bytes:
    return _SEALER.unseal(secret, aad, blob)


def issuer(destination: str) -> str:
    return f"urn:crossborder:node:{destination}"


def _new_key(session: Session, principal: Principal, destination: str, why: str) -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    kid, public = public_jwk(private)
    raw = private.private_bytes_raw()
    row = IssuerKey(
        destination=destination,
        kid=kid,
        public_jwk=public,
        sealed_private_key=seal(get_settings().secret_key, f"{destination}:{kid}", raw),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "customs.prearrival.key.create",
        "prearrival_key",
        row.id,
        country=destination,
        after={"kid": kid},
        detail=why,
    )
    return row


def _active(session: Session, destination: str) -> IssuerKey | None:
    return session.execute(
        select(IssuerKey)
        .where(IssuerKey.destination == destination, IssuerKey.retired_at.is_(None))
        .order_by(IssuerKey.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def signing_key(session: Session, destination: str) -> tuple[str, Ed25519PrivateKey]:
    """The destination's active key, created on first use."""
    row = _active(session, destination) or _new_key(session, SYSTEM, destination, "created on first use")
    try:
        raw = unseal(get_settings().secret_key, f"{destination}:{row.kid}", row.sealed_private_key)
    except Exception as exc:  # cryptography's InvalidTag: wrong secret or a tampered row
        raise RuntimeError(f"issuer key {row.kid} cannot be unsealed: was CROSSBORDER_SECRET_KEY changed?") from exc
    return row.kid, Ed25519PrivateKey.from_private_bytes(raw)


def rotate(session: Session, principal: Principal, destination: str) -> IssuerKey:
    """A new active key; the old one retires from signing but stays published for verification."""
    old = _active(session, destination)
    if old is not None:
        old.retired_at = utcnow()
        audit.record(
            session,
            principal,
            "customs.prearrival.key.retire",
            "prearrival_key",
            old.id,
            country=destination,
            before={"kid": old.kid, "retired": False},
            after={"kid": old.kid, "retired": True},
        )
    return _new_key(session, principal, destination, "rotation")


def jwks(session: Session, destination: str) -> dict[str, Any]:
    rows = session.execute(
        select(IssuerKey).where(IssuerKey.destination == destination).order_by(IssuerKey.id.desc())
    ).scalars()
    return {"keys": [dict(r.public_jwk) for r in rows]}


def _canonical_line(raw: Any) -> dict[str, Any]:
    hs = str(raw["hs_code"]).replace(".", "").replace(" ", "")
    quantity = raw.get("quantity", 1)
    quantity = int(quantity) if isinstance(quantity, (int, str)) and not isinstance(quantity, bool) else None
    value = Decimal(str(raw["unit_value"]))
    if not hs.isdigit() or quantity is None or not value.is_finite():
        raise ValueError("not a goods line")
    return {
        "hs_code": hs,
        "quantity": quantity,
        "unit_value": format(value.normalize(), "f"),
        "currency": str(raw["currency"]),
    }


def pass_items(consignments: Any) -> list[dict[str, Any]]:
    """What a pass vouches for, from declaration data sets (or items already in this form):
    reference, HS codes, quantities and declared values, in an order-independent form."""
    items = []
    for raw in consignments:
        reference = raw.get("client_reference", raw.get("reference"))
        if not isinstance(reference, str):
            raise ValueError("a consignment without its reference")
        lines = sorted(
            (_canonical_line(line) for line in raw["lines"]), key=lambda line: json.dumps(line, sort_keys=True)
        )
        items.append({"reference": reference, "lines": lines})
    return sorted(items, key=lambda item: item["reference"])


def contents_digest(items: list[dict[str, Any]]) -> str:
    canonical = json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign_pass(claims: dict[str, Any], kid: str, key: Ed25519PrivateKey) -> str:
    header = {"alg": SIGN_ALG, "kid": kid, "typ": JWT_TYPE}
    payload = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, OKPKey.import_key(key), algorithms=[SIGN_ALG])


@dataclass(frozen=True)
class PassCheck:
    reason: str
    claims: dict[str, Any] | None = None
    kid: str | None = None

    @property
    def valid(self) -> bool:
        return self.reason == "valid"

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "reason": self.reason, "kid": self.kid, "claims": self.claims}


_CLAIM_TYPES = {
    **dict.fromkeys(("iss", "sub", "jti", "checkpoint", "origin", "destination", "consignments_sha256"), str),
    **dict.fromkeys(("iat", "nbf", "exp", "consignments"), int),
}


def verify_pass(
    token: Any,
    keys: dict[str, Ed25519PublicKey],
    now: datetime,
    presented_consignments: Any = None,
    revoked: frozenset[str] | set[str] = frozenset(),
) -> PassCheck:
    """Check a pass offline. Returns a reason code; never raises for a bad token."""
    try:
        header_b64, _, _ = token.split(".")
        if len(token) > MAX_TOKEN:
            raise ValueError("too long")
        header = strict_json(_b64(header_b64))
        if not isinstance(header, dict):
            raise ValueError("header is not an object")
    except Exception:  # untrusted input: whatever fails to parse is malformed, never an error
        return PassCheck("malformed")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if header.get("alg") not in ACCEPTED_ALGS:  # first: "none", HS256 with the public key as secret, RS/ES...
        return PassCheck("wrong_algorithm", kid=kid)
    if set(header) - HEADER_KEYS or header.get("typ") != JWT_TYPE:
        return PassCheck("malformed", kid=kid)
    key = keys.get(kid) if kid else None
    if not isinstance(key, Ed25519PublicKey):
        return PassCheck("unknown_key", kid=kid)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)  # legacy "EdDSA" is accepted on purpose
            obj = jws.deserialize_compact(token, OKPKey.import_key(key), algorithms=[header["alg"]])
        claims = strict_json(obj.payload)  # only the signed bytes are read
    except BadSignatureError:
        return PassCheck("bad_signature", kid=kid)
    except Exception:
        return PassCheck("malformed", kid=kid)
    if not isinstance(claims, dict) or any(type(claims.get(k)) is not t for k, t in _CLAIM_TYPES.items()):
        return PassCheck("malformed", kid=kid)
    if claims["iss"] != issuer(claims["destination"]):
        return PassCheck("malformed", claims, kid)
    if claims["jti"] in revoked:
        return PassCheck("revoked", claims, kid)
    at, skew = int(now.timestamp()), pass_settings().clock_skew_seconds
    if at + skew < claims["nbf"]:
        return PassCheck("not_yet_valid", claims, kid)
    if at - skew >= claims["exp"]:
        return PassCheck("expired", claims, kid)
    if presented_consignments is not None:
        try:
            items = pass_items(presented_consignments)
        except Exception:  # presented data that cannot even be read cannot match the pass
            return PassCheck("contents_changed", claims, kid)
        if len(items) != claims["consignments"] or contents_digest(items) != claims["consignments_sha256"]:
            return PassCheck("contents_changed", claims, kid)
    return PassCheck("valid", claims, kid)
