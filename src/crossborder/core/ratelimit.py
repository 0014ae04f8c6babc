"""A fixed-window rate limiter kept in the database, so every worker process counts the same
windows. One row per (bucket key, window start); a hit is one upsert that returns the new count.

Keys are SHA-256 digests of whatever identifies the client (an address, say): the table never
holds an address in clear. Old windows are deleted now and then by the hits themselves."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Integer, String, Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from crossborder.core.db import Base
from crossborder.core.errors import CrossborderError


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(scope + client)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # epoch seconds
    hits: Mapped[int] = mapped_column(Integer)


_TABLE = cast(Table, RateLimitWindow.__table__)
_SWEEP_EVERY = 256  # delete expired windows on about one hit in this many (cheap, bounded table)


class RateLimited(CrossborderError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """At most `hits` per `window_seconds` for one client in one scope (e.g. "redress.public_check")."""

    scope: str
    hits: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.hits <= 0 or self.window_seconds <= 0:
            raise ValueError("a limit needs positive hits and window_seconds")


def bucket_key(scope: str, client: str) -> str:
    return hashlib.sha256(f"{scope}\x00{client}".encode()).hexdigest()


def _upsert(session: Session) -> object:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(_TABLE).values(hits=1)
    return stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.bucket, _TABLE.c.window_start], set_={"hits": _TABLE.c.hits + 1}
    ).returning(_TABLE.c.hits)


def hit(session: Session, limit: Limit, client: str, *, now: float | None = None) -> int:
    """Count one request and return the hits left in this window; raise `RateLimited` (with the
    seconds until the window ends) when the limit is passed. The caller commits, so a hit is
    counted together with the work it allowed; a refused hit is counted too (commit it as well,
    so hammering on the limit does not reset it)."""
    instant = time.time() if now is None else now
    start = int(instant) - int(instant) % limit.window_seconds
    key = bucket_key(limit.scope, client)
    count = int(
        session.execute(_upsert(session), {"bucket": key, "window_start": start}).scalar_one()  # type: ignore[call-overload]
    )
    if count % _SWEEP_EVERY == 0:
        session.execute(delete(_TABLE).where(_TABLE.c.window_start < start - limit.window_seconds))
    if count > limit.hits:
        retry_after = max(1, start + limit.window_seconds - int(instant))
        raise RateLimited(
            f"more than {limit.hits} requests in {limit.window_seconds} s; try again in {retry_after} s",
            retry_after=retry_after,
        )
    return limit.hits - count
