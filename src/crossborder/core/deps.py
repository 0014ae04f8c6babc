"""FastAPI dependencies shared by every capability's router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.service import authenticate_api_key
from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import Unauthorized


def db_session() -> Iterator[Session]:
    """One session per request. Handlers commit explicitly once all work succeeded;
    anything uncommitted is rolled back here, so a crash leaves no half-write."""
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


DB = Annotated[Session, Depends(db_session)]


def api_principal(session: DB, authorization: Annotated[str | None, Header()] = None) -> Principal:
    # The API takes bearer API keys only, never cookies, so it needs no CSRF defence.
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("send an API key as 'Authorization: Bearer cbk_…'")
    return authenticate_api_key(session, authorization.split(" ", 1)[1].strip())


Caller = Annotated[Principal, Depends(api_principal)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
