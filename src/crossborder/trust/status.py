"""Bitstring Status List 1.0: each issuer keeps one list per purpose (revocation, suspension),
stored GZIP-compressed, published as a status list credential the issuer signs, and flipped by
suspend / reinstate / revoke. Encoding and reading a list are pure; the rest works on the tables."""

from __future__ import annotations

import gzip
import secrets
import zlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict
from crossborder.core.keys import b64url_decode, b64url_encode
from crossborder.trust import keys
from crossborder.trust.credentials import STATUS_LIST, STATUS_LIST_CREDENTIAL, VC_CONTEXT, sign, vc_time
from crossborder.trust.models import IssuedCredential, StatusPurpose, TrustStatusList
from crossborder.trust.settings import trust_settings
from crossborder.trust.verify import IssuerKeys, StatusList, open_token, parse_instant

MAX_LIST_BYTES = 16 * 1024 * 1024  # 128 M entries: a bigger "list" is a decompression bomb, not a list


# ---- pure: the encoded list and the list credential ---------------------------------------------


def encode_list(bits: bytes) -> str:
    """Multibase 'u' + base64url (no padding) of the GZIP-compressed bitstring."""
    return "u" + b64url_encode(gzip.compress(bits, mtime=0))


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u' prefix)")
    inflater = zlib.decompressobj(wbits=31)  # gzip framing
    try:
        bits = inflater.decompress(b64url_decode(encoded[1:]), MAX_LIST_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"encodedList is not GZIP: {exc}") from None
    if len(bits) > MAX_LIST_BYTES or not inflater.eof:
        raise ValueError("encodedList too large or truncated")
    return bits


def flip(bits: bytes, index: int, value: bool) -> bytes:
    out = bytearray(bits)
    mask = 0x80 >> (index & 7)  # bit 0 is the most significant bit of the first byte
    out[index >> 3] = (out[index >> 3] | mask) if value else (out[index >> 3] & ~mask)
    return bytes(out)


def list_url(organisation_id: int, purpose: str) -> str:
    return f"{trust_settings().public_base_url}/api/v1/trust/status/{organisation_id}/{purpose}"


def list_credential(issuer: str, url: str, purpose: str, bits: bytes, now: datetime) -> dict[str, Any]:
    settings = trust_settings()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", STATUS_LIST_CREDENTIAL],
        "issuer": issuer,
        "validFrom": vc_time(now),
        "validUntil": vc_time(now + timedelta(days=settings.status_list_valid_days)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": STATUS_LIST,
            "statusPurpose": purpose,
            "encodedList": encode_list(bits),
            "ttl": settings.status_list_ttl_seconds * 1000,  # the spec counts milliseconds
        },
    }


def read_list_credential(token: Any, issuers: Mapping[str, IssuerKeys], now: datetime) -> StatusList | str:
    """A fetched status list credential checked like any credential (signature by its issuer, in
    validity) and decoded; a reason code instead when it cannot be trusted."""
    settings = trust_settings()
    reason, claims, _ = open_token(token, issuers, max_bytes=MAX_LIST_BYTES)
    if reason:
        return reason
    try:
        subject = claims["credentialSubject"]
        if STATUS_LIST_CREDENTIAL not in claims["type"] or subject["type"] != STATUS_LIST:
            return "malformed"
        valid_from, valid_until = parse_instant(claims.get("validFrom")), parse_instant(claims.get("validUntil"))
        skew = timedelta(seconds=settings.clock_skew_seconds)
        if valid_from is not None and now + skew < valid_from:
            return "not_yet_valid"
        if valid_until is not None and now - skew >= valid_until:
            return "expired"
        issuer = claims["issuer"]["id"] if isinstance(claims["issuer"], dict) else claims["issuer"]
        return StatusList(str(claims["id"]), issuer, str(subject["statusPurpose"]), decode_list(subject["encodedList"]))
    except Exception:
        return "malformed"


# ---- the tables --------------------------------------------------------------------------------


def _list_row(session: Session, organisation_id: int, purpose: str, *, lock: bool = False) -> TrustStatusList:
    query = select(TrustStatusList).where(
        TrustStatusList.organisation_id == organisation_id, TrustStatusList.purpose == purpose
    )
    row = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if row is None:
        size = trust_settings().status_list_bits
        row = TrustStatusList(
            organisation_id=organisation_id,
            purpose=purpose,
            size_bits=size,
            gzipped_bits=gzip.compress(bytes(size // 8), mtime=0),
        )
        session.add(row)
        session.flush()
    return row


def allocate_index(session: Session, organisation_id: int) -> int:
    """A random free index: sequential ones would tell anyone reading the list how many credentials
    the issuer has and in what order (the spec's herd-privacy concern)."""
    size = _list_row(session, organisation_id, StatusPurpose.revocation.value, lock=True).size_bits
    used = set(
        session.execute(
            select(IssuedCredential.status_index).where(IssuedCredential.issuer_org_id == organisation_id)
        ).scalars()
    )
    if len(used) >= size:
        raise Conflict(f"the status list of issuer {organisation_id} is full ({size} entries)")
    while True:
        index = secrets.randbelow(size)
        if index not in used:
            return index


def set_bit(session: Session, principal: Principal, org: Organisation, purpose: str, index: int, value: bool) -> None:
    """Flip one entry and re-sign the list at once, so the published list is never behind."""
    row = _list_row(session, org.id, purpose, lock=True)
    row.gzipped_bits = gzip.compress(flip(gzip.decompress(row.gzipped_bits), index, value), mtime=0)
    row.updated_at = utcnow()
    _sign(session, principal, org, row)


def _sign(session: Session, principal: Principal, org: Organisation, row: TrustStatusList) -> str:
    now = utcnow()
    kid, key = keys.signing_key(session, principal, org)
    url = list_url(org.id, row.purpose)
    claims = list_credential(keys.issuer_url(org.id), url, row.purpose, gzip.decompress(row.gzipped_bits), now)
    row.token, row.signed_at = sign(claims, kid, key), now
    session.flush()
    return row.token


def published(session: Session, principal: Principal, org: Organisation, purpose: str) -> str:
    """The signed list; re-signed when it is past half its validity, so a cached copy always has
    days left."""
    row = _list_row(session, org.id, purpose)
    half = timedelta(days=trust_settings().status_list_valid_days) / 2
    if row.token is None or row.signed_at is None or utcnow() - row.signed_at > half:
        return _sign(session, principal, org, row)
    return row.token


def resign_all(session: Session, principal: Principal, org: Organisation) -> None:
    """After a rotation or withdrawal: lists signed by a withdrawn key would stop verifying, and with
    them every credential of the issuer, so each list is signed again with the active key."""
    for purpose in StatusPurpose:
        _sign(session, principal, org, _list_row(session, org.id, purpose.value))
