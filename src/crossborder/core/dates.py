"""Instants are UTC and timezone-aware; legal effect uses dates."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC: the date legal lookups use when none is given."""
    return utcnow().date()


def ensure_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a timezone")
    return value.astimezone(UTC)
