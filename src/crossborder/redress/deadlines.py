"""Deadline arithmetic, pure: N calendar days counted in a member state's own time zone, ending at
the end of the last day there (midnight local time), returned as a UTC instant. Done on calendar
dates, so month and year ends need no special case."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from crossborder.core.dates import ensure_utc


def local_date(at: datetime, zone: ZoneInfo) -> date:
    return ensure_utc(at).astimezone(zone).date()


def due_at(start: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The instant a period of `days` calendar days begun at `start` ends: midnight local time after
    the last day. Day 1 is the day after `start` (the day of the event itself does not count)."""
    if days < 1:
        raise ValueError("a period lasts at least one day")
    last_day = local_date(start, zone) + timedelta(days=days)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def last_day(due: datetime, zone: ZoneInfo) -> date:
    """The last local calendar day of a period that ends at `due` (what a page shows)."""
    return local_date(due, zone) - timedelta(days=1)
