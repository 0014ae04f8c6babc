"""Deadline arithmetic in each member state's own time zone: whole calendar days, ending at local
midnight, correct across month and year ends whatever the hour of the starting event."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.core.errors import ValidationFailed
from crossborder.redress.deadlines import due_at, last_day, local_date
from crossborder.redress.settings import odr_settings, zone_of

STATES = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")
ZONES = sorted({str(zone_of(code)) for code in STATES})


def test_a_late_evening_event_in_kuala_lumpur_counts_from_the_local_day() -> None:
    kl = ZoneInfo("Asia/Kuala_Lumpur")  # UTC+8
    start = datetime(2026, 1, 30, 17, 30, tzinfo=UTC)  # 01:30 on 31 January in Kuala Lumpur
    due = due_at(start, 7, kl)
    assert last_day(due, kl) == date(2026, 2, 7)  # 31 Jan + 7 days, across the month end
    assert due == datetime(2026, 2, 7, 16, 0, tzinfo=UTC)  # midnight 8 Feb local


def test_year_end_and_leap_day() -> None:
    bangkok = ZoneInfo("Asia/Bangkok")
    assert last_day(due_at(datetime(2027, 12, 28, 3, tzinfo=UTC), 10, bangkok), bangkok) == date(2028, 1, 7)
    assert last_day(due_at(datetime(2028, 2, 25, 3, tzinfo=UTC), 4, bangkok), bangkok) == date(2028, 2, 29)


def test_the_same_instant_can_fall_on_different_days_in_two_states() -> None:
    start = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 23:30 in Bangkok, 00:30 on 1 April in Manila
    assert last_day(due_at(start, 1, ZoneInfo("Asia/Bangkok")), ZoneInfo("Asia/Bangkok")) == date(2026, 4, 1)
    assert last_day(due_at(start, 1, ZoneInfo("Asia/Manila")), ZoneInfo("Asia/Manila")) == date(2026, 4, 2)


@given(
    start=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds, adds the zone itself
        max_value=datetime(2035, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    days=st.integers(min_value=1, max_value=365),
    zone=st.sampled_from(ZONES),
)
def test_deadline_properties(start: datetime, days: int, zone: str) -> None:
    tz = ZoneInfo(zone)
    due = due_at(start, days, tz)
    assert due.tzinfo is UTC and due > start
    assert last_day(due, tz) == local_date(start, tz) + timedelta(days=days)
    local_due = due.astimezone(tz)
    assert (local_due.hour, local_due.minute, local_due.second) == (0, 0, 0)
    assert timedelta(days=days) < due - start <= timedelta(days=days + 1)


def test_every_member_state_has_a_time_zone_and_an_unknown_one_is_named() -> None:
    assert str(zone_of("ID")) == "Asia/Jakarta" and str(odr_settings().zone("MY")) == "Asia/Kuala_Lumpur"
    with pytest.raises(ValidationFailed) as raised:
        zone_of("XA")
    assert raised.value.errors[0].path == "country" and raised.value.errors[0].value == "XA"
    with pytest.raises(ValueError):
        due_at(datetime(2026, 1, 1, tzinfo=UTC), 0, ZoneInfo("Asia/Jakarta"))
    with pytest.raises(ValueError):
        due_at(datetime(2026, 1, 1), 3, ZoneInfo("Asia/Jakarta"))  # noqa: DTZ001 - naive instants are refused
