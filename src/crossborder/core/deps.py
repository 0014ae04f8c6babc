"""FastAPI dependencies shared by every capability's router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from crossborder.core.access.principal import Principal
from crossborder.core.access.service import authenticate_api_key
from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import Unauthorized


def _discard(session: Session) -> None:
    session.rollback()
    session.close()


async def db_session() -> AsyncIterator[Session]:
    """One session per request. Handlers commit explicitly once all work succeeded;
    anything uncommitted is rolled back here, so a crash leaves no half-write.

    Async on purpose: FastAPI runs a sync dependency in the threadpool, once to enter and once to
    leave, and each round trip waits for the GIL behind busy request threads. Opening a session
    does no I/O, nor does closing one whose work was committed; only an open transaction is rolled
    back in the threadpool (it may wait on the database)."""
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_discard, session)
        else:
            session.close()


DB = Annotated[Session, Depends(db_session)]


def principal_from_header(session: Session, authorization: str | None) -> Principal:
    # The API takes bearer API keys only, never cookies, so it needs no CSRF defence.
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("send an API key as 'Authorization: Bearer cbk_…'")
    return authenticate_api_key(session, authorization.split(" ", 1)[1].strip())


def api_principal(session: DB, authorization: Annotated[str | None, Header()] = None) -> Principal:
    return principal_from_header(session, authorization)


Caller = Annotated[Principal, Depends(api_principal)]
Authorization = Annotated[str | None, Header()]  # for handlers that authenticate in their own thread
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
