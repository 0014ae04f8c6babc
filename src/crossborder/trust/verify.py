"""Offline verification of trust credentials: pure, given the issuers' public keys and the status
lists already fetched and checked. It never raises for a bad token and never says "valid" on
doubt: anything it cannot read or check is a reason code.

It is also the bulk path (a platform re-checking its sellers, a checkpoint's cache), so the hot
loop stays lean: headers are parsed once per distinct header, signatures are checked with the
public key objects directly, and `verify_many` spreads work over threads because Ed25519
verification releases the GIL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature

from crossborder.core.keys import ACCEPTED_ALGS, b64url_decode, b64url_encode, strict_json
from crossborder.trust.credentials import STATUS_ENTRY, VC_CONTEXT, VC_TYPE
from crossborder.trust.trustlist import TrustList

REASONS = (
    *("valid", "malformed", "wrong_algorithm", "unknown_issuer", "unknown_key", "key_rotated_away"),
    *("bad_signature", "not_yet_valid", "expired", "revoked", "suspended", "status_unknown"),
    *("not_recognised", "outside_scope"),
)
HEADER_KEYS = frozenset({"alg", "kid", "typ", "cty"})  # anything else (crit, b64, jku, jwk, x5u...) is refused
STATUS_PURPOSES = ("revocation", "suspension")


class PublicKey(Protocol):
    """What verification needs of a key; cryptography's Ed25519PublicKey is one."""

    def verify(self, signature: bytes, data: bytes) -> None: ...


@dataclass(frozen=True)
class IssuerKeys:
    """An issuer as a verifier caches it: its id, member state (None for a non-state scheme),
    published keys by kid and the kids it withdrew."""

    issuer: str
    country: str | None
    keys: Mapping[str, PublicKey]
    withdrawn: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StatusList:
    """A status list credential already verified: whose, for what, and its bits (uncompressed)."""

    url: str
    issuer: str
    purpose: str
    bits: bytes

    def is_set(self, index: int) -> bool | None:
        if not 0 <= index < len(self.bits) * 8:
            return None
        return bool(self.bits[index >> 3] & (0x80 >> (index & 7)))  # bit 0 is the first byte's MSB


@dataclass(frozen=True)
class Verification:
    reasons: tuple[str, ...]
    issuer: str | None = None
    subject: str | None = None
    scheme: str | None = None
    status: str | None = None  # active / suspended / revoked / unknown, from the status lists
    recognised_under: str | None = None
    credential_id: str | None = None
    kid: str | None = None

    @property
    def valid(self) -> bool:
        return self.reasons == ("valid",)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "issuer": self.issuer,
            "subject": self.subject,
            "scheme": self.scheme,
            "status": self.status,
            "recognised_under": self.recognised_under,
            "reasons": list(self.reasons),
            "credential_id": self.credential_id,
            "kid": self.kid,
        }


_headers: dict[str, tuple[str | None, str | None]] = {}  # header segment -> (reason, kid)


def _check_header(segment: str) -> tuple[str | None, str | None]:
    cached = _headers.get(segment)
    if cached is not None:
        return cached
    try:
        header = strict_json(b64url_decode(segment))
    except Exception:  # untrusted bytes: whatever fails to parse is malformed
        return "malformed", None
    if not isinstance(header, dict):
        return "malformed", None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if header.get("alg") not in ACCEPTED_ALGS:  # first: "none", HS256 keyed with the public key, RS/ES...
        result: tuple[str | None, str | None] = ("wrong_algorithm", kid)
    elif set(header) - HEADER_KEYS or header.get("typ") != VC_TYPE or header.get("cty", "vc") != "vc" or not kid:
        result = ("malformed", kid)
    else:
        result = (None, kid)
    if len(_headers) > 4096:  # headers repeat per issuer key; a flood of distinct ones must not grow memory
        _headers.clear()
    _headers[segment] = result
    return result


def open_token(token: Any, issuers: Mapping[str, IssuerKeys], max_bytes: int) -> tuple[str, Any, str | None]:
    """Header, issuer, key and signature: (reason or "", claims, kid). Claims are read before the
    signature only to find the issuer; nothing else in them is used unless the signature holds."""
    if not isinstance(token, str) or len(token) > max_bytes or token.count(".") != 2:
        return "malformed", None, None
    header_b64, payload_b64, signature_b64 = token.split(".")
    reason, kid = _check_header(header_b64)
    if reason:
        return reason, None, kid
    try:
        claims = strict_json(b64url_decode(payload_b64))
        signature = b64url_decode(signature_b64)
        issuer_field = claims["issuer"]
        issuer = issuer_field["id"] if isinstance(issuer_field, dict) else issuer_field
    except Exception:
        return "malformed", None, kid
    # The signing input covers header and payload as written, but not the signature's own spelling:
    # a non-canonical base64 tail would let two strings be one valid credential, so it is refused.
    if not isinstance(issuer, str) or len(signature) != 64 or b64url_encode(signature) != signature_b64:
        return "malformed", None, kid
    known = issuers.get(issuer)
    if known is None:
        return "unknown_issuer", claims, kid
    key = known.keys.get(kid or "")
    if key is None:
        return ("key_rotated_away" if kid in known.withdrawn else "unknown_key"), claims, kid
    try:
        key.verify(signature, f"{header_b64}.{payload_b64}".encode())
    except (InvalidSignature, Exception):  # also a key object that cannot verify: never a reason to say valid
        return "bad_signature", claims, kid
    return "", claims, kid


def parse_instant(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError("validFrom/validUntil must be a dateTimeStamp with an offset")
    return parsed


def _status(entries: Any, issuer: str, lists: Mapping[str, StatusList]) -> tuple[str, list[str]]:
    """The credential's status and the reasons it adds; a list that is missing, another issuer's or
    for another purpose is 'status_unknown', never a pass."""
    if isinstance(entries, dict):
        entries = [entries]
    reasons: list[str] = []
    status = "active"
    for entry in entries or ():
        if not isinstance(entry, dict) or entry.get("type") != STATUS_ENTRY:
            raise ValueError("unknown status entry")
        purpose = entry.get("statusPurpose")
        if purpose not in STATUS_PURPOSES:
            continue  # refresh / message purposes do not affect validity
        if entry.get("statusSize", 1) != 1 or not isinstance(entry.get("statusListIndex"), str):
            raise ValueError("unsupported status entry")
        index = int(entry["statusListIndex"])
        found = lists.get(entry.get("statusListCredential"))  # type: ignore[arg-type]
        bit = found.is_set(index) if found and found.issuer == issuer and found.purpose == purpose else None
        if bit is None:
            reasons.append("status_unknown")
            status = "unknown" if status == "active" else status
        elif bit:
            reasons.append("revoked" if purpose == "revocation" else "suspended")
            status = "revoked" if purpose == "revocation" else (status if status == "revoked" else "suspended")
    return status, reasons


def _shape(claims: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(claims, dict) or "vc" in claims:  # the v1.1 JWT wrapper must not be used
        raise ValueError("not a VC 2.0 claims set")
    context, types, subject = claims.get("@context"), claims.get("type"), claims.get("credentialSubject")
    if not isinstance(context, list) or not context or context[0] != VC_CONTEXT:
        raise ValueError("first @context must be the VC 2.0 context")
    if not isinstance(types, list) or "VerifiableCredential" not in types or not isinstance(subject, dict):
        raise ValueError("not a verifiable credential")
    return str(claims.get("id", "")), subject


def verify_credential(
    token: Any,
    issuers: Mapping[str, IssuerKeys],
    status_lists: Mapping[str, StatusList],
    now: datetime,
    *,
    trust: TrustList | None = None,
    skew_seconds: int = 120,
    max_bytes: int = 16384,
) -> Verification:
    """Verify one credential offline. With a trust list, recognition in its member state is part of
    validity: a credential not recognised there, or outside its arrangement's scope, is not valid."""
    reason, claims, kid = open_token(token, issuers, max_bytes)
    issuer_field = claims.get("issuer") if isinstance(claims, dict) else None
    issuer = issuer_field.get("id") if isinstance(issuer_field, dict) else issuer_field
    if reason:
        return Verification((reason,), issuer=issuer if isinstance(issuer, str) else None, kid=kid)
    try:
        credential_id, subject = _shape(claims)
        scheme, subject_id = subject.get("scheme"), subject.get("id")
        if claims.get("iss", issuer) != issuer or not isinstance(scheme, str) or not isinstance(subject_id, str):
            raise ValueError("claims contradict or lack subject and scheme")
        valid_from, valid_until = parse_instant(claims.get("validFrom")), parse_instant(claims.get("validUntil"))
        status, reasons = _status(claims.get("credentialStatus"), issuer, status_lists)
    except Exception:
        return Verification(("malformed",), issuer=issuer, kid=kid)
    skew = timedelta(seconds=skew_seconds)
    if valid_from is not None and now + skew < valid_from:
        reasons.insert(0, "not_yet_valid")
    if valid_until is not None and now - skew >= valid_until:
        reasons.insert(0, "expired")
    recognised_under = None
    if trust is not None:
        known = issuers[issuer]
        country = subject.get("country")
        recognised = trust.recognise(issuer, known.country, scheme, country if isinstance(country, str) else None)
        recognised_under = recognised.recognised_under
        if recognised.reason:
            reasons.append(recognised.reason)
    return Verification(
        tuple(reasons) or ("valid",),
        issuer=issuer,
        subject=subject_id,
        scheme=scheme,
        status=status,
        recognised_under=recognised_under,
        credential_id=credential_id,
        kid=kid,
    )


def verify_many(
    tokens: Sequence[Any],
    issuers: Mapping[str, IssuerKeys],
    status_lists: Mapping[str, StatusList],
    now: datetime | None = None,
    *,
    trust: TrustList | None = None,
    workers: int = 2,
    skew_seconds: int = 120,
) -> list[Verification]:
    """Verify a batch with one clock reading, in `workers` threads (order kept)."""
    at = now or datetime.now(UTC)

    def run(chunk: Sequence[Any]) -> list[Verification]:
        return [verify_credential(t, issuers, status_lists, at, trust=trust, skew_seconds=skew_seconds) for t in chunk]

    if workers <= 1 or len(tokens) < 256:
        return run(tokens)
    size = -(-len(tokens) // (workers * 8))  # several chunks per thread evens out uneven chunks
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [v for part in pool.map(run, [tokens[i : i + size] for i in range(0, len(tokens), size)]) for v in part]
