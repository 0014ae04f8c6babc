"""Idempotent creates: the first response to (principal, client reference) is stored in
the same transaction as the create, so a repeat returns it and never creates twice.
A concurrent duplicate loses on the unique constraint and then reads the winner's answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.models import IdempotencyRecord
from crossborder.core.errors import Conflict, FieldError, ValidationFailed

MAX_KEY_LENGTH = 200


def request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _lookup(session: Session, principal: str, key: str) -> IdempotencyRecord | None:
    return session.execute(
        select(IdempotencyRecord).where(IdempotencyRecord.principal == principal, IdempotencyRecord.key == key)
    ).scalar_one_or_none()


def _replay(record: IdempotencyRecord, digest: str, key: str) -> tuple[int, dict[str, Any]]:
    if record.request_hash != digest:
        raise Conflict(
            "idempotency key reused with a different request",
            errors=[FieldError("Idempotency-Key", "was already used for a different request body", key)],
        )
    return record.status_code, record.response


def run_once(
    session: Session,
    principal: str,
    key: str | None,
    payload: Any,
    create: Callable[[], tuple[int, dict[str, Any]]],
    *,
    stored: Callable[[dict[str, Any]], dict[str, Any]] = lambda body: body,
) -> tuple[int, dict[str, Any]]:
    """Run `create` once per (principal, key) and commit. `stored` trims what is kept
    (e.g. an API key's secret is returned the first time only)."""
    if key is None:
        result = create()
        session.commit()
        return result
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            "bad idempotency key",
            errors=[FieldError("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters", key)],
        )
    digest = request_hash(payload)
    existing = _lookup(session, principal, key)
    if existing is not None:
        return _replay(existing, digest, key)
    status, body = create()
    session.add(
        IdempotencyRecord(principal=principal, key=key, request_hash=digest, status_code=status, response=stored(body))
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = _lookup(session, principal, key)
        if winner is None:
            raise
        return _replay(winner, digest, key)
    return status, body
