"""Tariff schedules and exchange rates as data: CSV import (each bad row named by line and
column, nothing stored unless the whole file is valid) and the cached in-memory tables the
engine reads."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.money import to_decimal
from crossborder.customs.fx import FxTable, Rate
from crossborder.customs.models import ExchangeRate, TariffLine
from crossborder.customs.settings import customs_settings
from crossborder.customs.tariff import TariffEntry, TariffIndex, normalise_hs
from crossborder.reference import get_registry

TARIFF_COLUMNS = (
    "destination",
    "hs_code",
    "description",
    "mfn_rate_percent",
    "atiga_rate_percent",
    "effective_from",
    "source",
    "sample",
)
RATE_COLUMNS = ("rate_date", "base", "quote", "rate", "source", "sample")
MAX_ROWS = 200_000


def _rows(text: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            "bad header",
            errors=[
                FieldError("header", f"must name the columns {', '.join(columns)}", ",".join(reader.fieldnames or []))
            ],
        )
    rows = [(number, row) for number, row in enumerate(reader, start=2)]
    if len(rows) > MAX_ROWS:
        raise ValidationFailed("file too large", errors=[FieldError("file", f"at most {MAX_ROWS} rows", len(rows))])
    return rows


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def _percent(raw: str, path: str, errors: list[FieldError], *, optional: bool = False) -> Decimal | None:
    if optional and not (raw or "").strip():
        return None
    try:
        value = to_decimal(raw, path=path)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None
    if not 0 <= value <= 1000:
        errors.append(FieldError(path, "must be a percentage from 0 to 1000", raw))
        return None
    return value


def _date(raw: str, path: str, errors: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        errors.append(FieldError(path, "must be a date YYYY-MM-DD", raw))
        return None


def _source(raw: str, path: str, errors: list[FieldError]) -> str | None:
    value = (raw or "").strip()
    if not value.startswith(("https://", "http://", "urn:")):
        errors.append(
            FieldError(path, "must name where the value was read (an http(s) URL, or urn: for sample data)", raw)
        )
        return None
    return value


def parse_tariff(text: str) -> list[TariffEntry]:
    members = set(get_registry().member_states())
    errors: list[FieldError] = []
    entries: list[TariffEntry] = []
    for number, row in _rows(text, TARIFF_COLUMNS):
        p = f"line {number}"
        before = len(errors)
        destination = (row["destination"] or "").strip().upper()
        if destination not in members:
            errors.append(FieldError(f"{p}.destination", "must be a member state in the reference data", destination))
        hs = None
        try:
            hs = normalise_hs(row["hs_code"], f"{p}.hs_code")
        except ValidationFailed as exc:
            errors.extend(exc.errors)
        mfn = _percent(row["mfn_rate_percent"], f"{p}.mfn_rate_percent", errors)
        atiga = _percent(row["atiga_rate_percent"], f"{p}.atiga_rate_percent", errors, optional=True)
        start = _date(row["effective_from"], f"{p}.effective_from", errors)
        source = _source(row["source"], f"{p}.source", errors)
        if len(errors) == before:
            assert hs is not None and mfn is not None and start is not None and source is not None  # no errors
            description = (row["description"] or "").strip()[:300]
            entries.append(
                TariffEntry(destination, hs, description, mfn, atiga, start, source, _flag(row.get("sample")))
            )
    if errors:
        raise ValidationFailed(
            f"{len(errors)} invalid value(s) in the tariff file; nothing was imported", errors=errors
        )
    return entries


def parse_rates(text: str) -> list[Rate]:
    errors: list[FieldError] = []
    rates: list[Rate] = []
    for number, row in _rows(text, RATE_COLUMNS):
        p = f"line {number}"
        before = len(errors)
        day = _date(row["rate_date"], f"{p}.rate_date", errors)
        pair = []
        for column in ("base", "quote"):
            code = (row[column] or "").strip().upper()
            if len(code) != 3 or not code.isalpha():
                errors.append(FieldError(f"{p}.{column}", "must be an ISO 4217 code", row[column]))
            pair.append(code)
        rate = None
        try:
            rate = to_decimal(row["rate"], path=f"{p}.rate")
            if rate <= 0:
                errors.append(FieldError(f"{p}.rate", "must be greater than zero", row["rate"]))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
        source = _source(row["source"], f"{p}.source", errors)
        if len(errors) == before:
            rates.append(Rate(day, pair[0], pair[1], rate, source, _flag(row.get("sample"))))  # type: ignore[arg-type]
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid value(s) in the rates file; nothing was imported", errors=errors)
    return rates


def import_tariff(session: Session, principal: Principal, text: str) -> int:
    entries = parse_tariff(text)
    existing = {(t.destination, t.hs_code, t.effective_from): t for t in session.execute(select(TariffLine)).scalars()}
    for e in entries:
        row = existing.get((e.destination, e.hs_code, e.effective_from))
        values: dict[str, Any] = {
            "description": e.description,
            "mfn_rate_percent": e.mfn_rate_percent,
            "atiga_rate_percent": e.atiga_rate_percent,
            "source": e.source,
            "sample": e.sample,
        }
        if row is None:
            session.add(
                TariffLine(destination=e.destination, hs_code=e.hs_code, effective_from=e.effective_from, **values)
            )
        else:
            for key, value in values.items():
                setattr(row, key, value)
    audit.record(
        session,
        principal,
        "customs.tariff.import",
        "tariff",
        f"{len(entries)} lines",
        country=None,
        after={"lines": len(entries), "destinations": sorted({e.destination for e in entries})},
    )
    session.flush()
    bump_version()
    return len(entries)


def import_rates(session: Session, principal: Principal, text: str) -> int:
    rates = parse_rates(text)
    existing = {(r.rate_date, r.base, r.quote): r for r in session.execute(select(ExchangeRate)).scalars()}
    for r in rates:
        row = existing.get((r.rate_date, r.base, r.quote))
        if row is None:
            session.add(
                ExchangeRate(
                    rate_date=r.rate_date, base=r.base, quote=r.quote, rate=r.rate, source=r.source, sample=r.sample
                )
            )
        else:
            row.rate, row.source, row.sample = r.rate, r.source, r.sample
    audit.record(
        session,
        principal,
        "customs.rates.import",
        "exchange_rates",
        f"{len(rates)} rates",
        country=None,
        after={"rates": len(rates)},
    )
    session.flush()
    bump_version()
    return len(rates)


def import_file(session: Session, principal: Principal, path: Path, kind: str) -> int:
    text = path.read_text(encoding="utf-8")
    return import_tariff(session, principal, text) if kind == "tariff" else import_rates(session, principal, text)


# --- the engine's in-memory tables --------------------------------------------------------------------------------


@dataclass
class _Tables:
    version: tuple[int, int, int, int]
    tariffs: dict[str, TariffIndex]
    fx: FxTable
    checked: float = 0.0
    local: int = 0


_cache: dict[str, _Tables] = {}
_local_version = 0


def bump_version() -> None:
    global _local_version
    _local_version += 1


def _db_version(session: Session) -> tuple[int, int, int, int]:
    # Rows only ever get added or updated by an import; count+max(id) change with every import,
    # so another process's import is seen too.
    t = session.execute(select(func.count(TariffLine.id), func.max(TariffLine.id))).one()
    r = session.execute(select(func.count(ExchangeRate.id), func.max(ExchangeRate.id))).one()
    return (t[0] or 0, (t[1] or 0) + _local_version, r[0] or 0, r[1] or 0)


VERSION_CHECK_SECONDS = 1.0  # another process's import is seen within this delay


def tables(session: Session) -> _Tables:
    cached = _cache.get("tables")
    now = time.monotonic()
    if cached is not None and now - cached.checked < VERSION_CHECK_SECONDS and cached.local == _local_version:
        return cached
    version = _db_version(session)
    if cached is not None and cached.version == version:
        cached.checked = now
        return cached
    by_destination: dict[str, list[TariffEntry]] = {}
    for t in session.execute(select(TariffLine)).scalars():
        by_destination.setdefault(t.destination, []).append(
            TariffEntry(
                t.destination,
                t.hs_code,
                t.description,
                Decimal(t.mfn_rate_percent),
                None if t.atiga_rate_percent is None else Decimal(t.atiga_rate_percent),
                t.effective_from,
                t.source,
                t.sample,
            )
        )
    rates = [
        Rate(r.rate_date, r.base, r.quote, Decimal(r.rate), r.source, r.sample)
        for r in session.execute(select(ExchangeRate)).scalars()
    ]
    fresh = _Tables(
        version,
        {d: TariffIndex(d, e) for d, e in by_destination.items()},
        FxTable(rates, customs_settings().fx_max_age_days),
        now,
        _local_version,
    )
    _cache["tables"] = fresh
    return fresh
