"""What a lane decision needs from stored records (trusted-trader status, the watch list, the
consignee's recent parcels), behind one seam: per-query for a single declaration, preloaded
once per destination for a manifest of millions of lines."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.dates import utcnow
from crossborder.customs.models import Declaration, TrustedTraderFlag, WatchListEntry
from crossborder.customs.risk import load_profile
from crossborder.customs.trusted import is_trusted_trader
from crossborder.trust import service as trust


class Lookups(Protocol):
    def trusted(self, business_id: str | None, destination: str, on: date) -> bool: ...

    def watch(self, destination: str, keys: tuple[str, ...]) -> tuple[str, ...]: ...

    def recent(self, destination: str, consignee_key: str, hours: int) -> tuple[Decimal, ...]: ...

    def remember(self, destination: str, consignee_key: str, value: Decimal) -> None: ...


class DbLookups:
    """One query each: right for single declarations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def trusted(self, business_id: str | None, destination: str, on: date) -> bool:
        return is_trusted_trader(self.session, business_id, destination, on)

    def watch(self, destination: str, keys: tuple[str, ...]) -> tuple[str, ...]:
        rows = self.session.execute(
            select(WatchListEntry.label).where(
                WatchListEntry.destination == destination, WatchListEntry.party_key.in_(keys)
            )
        ).scalars()
        return tuple(rows)

    def recent(self, destination: str, consignee_key: str, hours: int) -> tuple[Decimal, ...]:
        since = utcnow() - timedelta(hours=hours)
        rows = self.session.execute(
            select(Declaration.customs_value).where(
                Declaration.destination == destination,
                Declaration.consignee_key == consignee_key,
                Declaration.submitted_at >= since,
            )
        ).scalars()
        return tuple(Decimal(v) for v in rows)

    def remember(self, destination: str, consignee_key: str, value: Decimal) -> None:
        """Stored declarations are found by `recent` already."""


class PreloadedLookups:
    """Loads each destination's watch list, trusted traders and recent parcels once, then
    answers from memory and remembers the parcels of this run (so splits within a file count)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._watch: dict[str, dict[str, str]] = {}
        self._trusted: dict[str, dict[str, list[tuple[date, date | None]]]] = {}
        self._recent: dict[str, dict[str, list[tuple[datetime, Decimal]]]] = {}
        self._credentialed: dict[tuple[str, date], frozenset[str]] = {}
        # This run's parcels per (destination, consignee), compactly (integer key, value in
        # ten-thousandths: a Decimal each would cost a quarter more memory at a million lines) and
        # bounded: the split-shipment memory of a run keeps the most recent RUN_MEMORY consignees,
        # so a manifest of any size stays within flat memory.
        # An OrderedDict, not a dict: evicting the oldest entry of a plain dict (`next(iter(d))`)
        # scans past every slot deleted before it, which made a million-line run four times slower.
        self._run: OrderedDict[int, int | tuple[int, ...]] = OrderedDict()

    def _load(self, destination: str) -> None:
        if destination in self._watch:
            return
        watch_rows = self.session.execute(
            select(WatchListEntry.party_key, WatchListEntry.label).where(WatchListEntry.destination == destination)
        )
        self._watch[destination] = {str(key): str(label) for key, label in watch_rows}
        trusted: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
        for business, start, end in self.session.execute(
            select(TrustedTraderFlag.business_id, TrustedTraderFlag.valid_from, TrustedTraderFlag.valid_to).where(
                TrustedTraderFlag.destination == destination
            )
        ):
            trusted[business].append((start, end))
        self._trusted[destination] = trusted
        # Preload the destination's whole split-shipment window; `recent` narrows it per call.
        since = utcnow() - timedelta(hours=load_profile(destination).split_window_hours)
        recent: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
        for key, at, value in self.session.execute(
            select(Declaration.consignee_key, Declaration.submitted_at, Declaration.customs_value).where(
                Declaration.destination == destination, Declaration.submitted_at >= since
            )
        ):
            recent[key].append((at, Decimal(value)))
        self._recent[destination] = recent

    def trusted(self, business_id: str | None, destination: str, on: date) -> bool:
        if not business_id:
            return False
        self._load(destination)
        key = (destination, on)
        if key not in self._credentialed:  # one query per destination and day, not per line
            self._credentialed[key] = trust.trusted_traders(self.session, destination, on)
        if business_id in self._credentialed[key]:
            return True
        return any(
            start <= on and (end is None or on <= end) for start, end in self._trusted[destination].get(business_id, ())
        )

    def watch(self, destination: str, keys: tuple[str, ...]) -> tuple[str, ...]:
        self._load(destination)
        table = self._watch[destination]
        return tuple(table[k] for k in keys if k in table)

    def watching(self, destination: str) -> bool:
        """Does the destination's watch list hold any party? (Bulk callers skip the keys if not.)"""
        self._load(destination)
        return bool(self._watch[destination])

    def recent(self, destination: str, consignee_key: str, hours: int) -> tuple[Decimal, ...]:
        return self._stored(destination, consignee_key, hours) + self._mine(run_key(destination, consignee_key))

    def remember(self, destination: str, consignee_key: str, value: Decimal) -> None:
        key = run_key(destination, consignee_key)
        self._keep(key, self._mine(key), value)

    def see(self, destination: str, consignee_key: str, key: int, hours: int, value: Decimal) -> tuple[Decimal, ...]:
        """`recent`, then `remember` VALUE, in one step (`key`: the consignee's `run_key`, which
        bulk callers work out once); the compiled path asks this once a line."""
        stored = self._stored(destination, consignee_key, hours)
        mine = self._mine(key)
        self._keep(key, mine, value)
        return stored + mine if stored else mine

    def _stored(self, destination: str, consignee_key: str, hours: int) -> tuple[Decimal, ...]:
        """The consignee's parcels stored before this run, within the window."""
        table = self._recent.get(destination)
        if table is None:
            self._load(destination)
            table = self._recent[destination]
        found = table.get(consignee_key)
        if not found:  # most consignees have no stored parcel in the window: no clock then
            return ()
        since = utcnow() - timedelta(hours=hours)
        return tuple(value for at, value in found if at >= since)

    def _mine(self, key: int) -> tuple[Decimal, ...]:
        """The consignee's parcels of this run, oldest first."""
        found = self._run.get(key)
        if found is None:
            return ()
        if isinstance(found, int):
            return (Decimal(found).scaleb(-4),)
        return tuple(Decimal(v).scaleb(-4) for v in found)

    def _keep(self, key: int, mine: tuple[Decimal, ...], value: Decimal) -> None:
        run = self._run
        scaled = int(value.scaleb(4))  # customs values have at most 4 decimals (currency minor units)
        if not mine:
            run[key] = scaled  # one parcel: the number alone (most consignees), not a tuple of one
            if len(run) > RUN_MEMORY:
                run.popitem(last=False)  # the consignee seen longest ago
        else:
            found = run[key]
            run[key] = (*found, scaled) if isinstance(found, tuple) else (found, scaled)
            run.move_to_end(key)  # the order is recency


RUN_MEMORY = 250_000


def run_key(destination: str, consignee_key: str) -> int:
    """Where this run remembers a consignee's parcels."""
    # A 64-bit in-process hash: a collision between two consignees of one run (about 1 in 10^8
    # for a million of them) could only add parcels to a split-shipment check, never hide one.
    return hash((destination, consignee_key))


__all__ = ["DbLookups", "Lookups", "PreloadedLookups", "run_key"]
