"""This node's identity: its node id and member state (settings), its Ed25519 signing key sealed at
rest and rotated with key ids, and the public node document peers register it from.

The unsealed key is cached per process for a few seconds: envelopes and receipts are signed per
message, and reading and unsealing the key each time would cost more than the signature."""

from __future__ import annotations

import threading
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import session_scope, write_lock
from crossborder.core.keys import Sealer, public_jwk
from crossborder.core.settings import get_settings
from crossborder.documents.validate import document_types
from crossborder.exchange.models import KeyStatus, NodeKey
from crossborder.exchange.settings import INBOX_PATH, exchange_settings

_SEALER = Sealer(b"crossborder/exchange/node-key")  # its own salt: a key never crosses purposes
_cache: dict[str, tuple[float, str, Ed25519PrivateKey]] = {}
_cache_lock = threading.Lock()


def _aad(kid: str) -> str:
    return f"exchange-node:{kid}"


def _active(session: Session) -> NodeKey | None:
    return session.execute(
        select(NodeKey).where(NodeKey.status == KeyStatus.active.value).order_by(NodeKey.id.desc()).limit(1)
    ).scalar_one_or_none()


def _new_key(session: Session, principal: Principal, why: str) -> NodeKey:
    private = Ed25519PrivateKey.generate()
    kid, public = public_jwk(private)
    sealed = _SEALER.seal(get_settings().secret_key, _aad(kid), private.private_bytes_raw())
    row = NodeKey(kid=kid, public_jwk=public, sealed_private_key=sealed)
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "exchange.key.create",
        "exchange_node_key",
        row.id,
        country=exchange_settings().country,
        after={"kid": kid, "status": row.status},
        detail=why,
    )
    return row


def ensure_key(session: Session, principal: Principal) -> NodeKey:
    """The active key, created (and committed) on first use, under the write lock so two workers
    starting together create one key, not two (on PostgreSQL the second loses nothing: either key
    is published, and the newest active one signs)."""
    row = _active(session)
    if row is not None:
        return row
    # Its own transaction, so the caller's unit of work is neither committed nor rolled back here.
    with write_lock(), session_scope() as own:
        return _active(own) or _new_key(own, principal, "created on first use")


def signing_key(session: Session, principal: Principal) -> tuple[str, Ed25519PrivateKey]:
    with _cache_lock:
        cached = _cache.get("active")
    if cached is not None and time.monotonic() - cached[0] < exchange_settings().key_cache_seconds:
        return cached[1], cached[2]
    row = ensure_key(session, principal)
    try:
        raw = _SEALER.unseal(get_settings().secret_key, _aad(row.kid), row.sealed_private_key)
    except Exception as exc:  # cryptography's InvalidTag: wrong secret or a tampered row
        raise RuntimeError(f"node key {row.kid} cannot be unsealed: was CROSSBORDER_SECRET_KEY changed?") from exc
    private = Ed25519PrivateKey.from_private_bytes(raw)
    with _cache_lock:
        _cache["active"] = (time.monotonic(), row.kid, private)
    return row.kid, private


def forget_cached_key() -> None:
    with _cache_lock:
        _cache.clear()


def rotate(session: Session, principal: Principal) -> NodeKey:
    """A new active key; the old one retires from signing but stays published. Peers must refresh
    this node's JWKS (`crossborder exchange node fetch`) before its envelopes verify there."""
    old = _active(session)
    if old is not None:
        old.status = KeyStatus.retired.value
        old.retired_at = utcnow()
        audit.record(
            session,
            principal,
            "exchange.key.retire",
            "exchange_node_key",
            old.id,
            country=exchange_settings().country,
            before={"kid": old.kid, "status": KeyStatus.active.value},
            after={"kid": old.kid, "status": old.status},
        )
    row = _new_key(session, principal, "rotation")
    forget_cached_key()
    return row


def jwks(session: Session) -> dict[str, Any]:
    rows = session.execute(select(NodeKey).order_by(NodeKey.id)).scalars()
    return {"keys": [dict(r.public_jwk) for r in rows if r.status != KeyStatus.withdrawn.value]}


def node_document(session: Session, principal: Principal) -> dict[str, Any]:
    """What a peer's operator registers this node from: public, nothing secret."""
    ensure_key(session, principal)
    settings = exchange_settings()
    return {
        "node_id": settings.node_id,
        "country": settings.country,
        "endpoint": settings.endpoint,
        "inbox": settings.endpoint + INBOX_PATH,
        "document_types": document_types(),
        "jwks": jwks(session),
    }
