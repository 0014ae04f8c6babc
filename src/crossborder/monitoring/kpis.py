"""KPI definitions (data/kpis.yaml), their units and the periods they are measured over. A malformed
file stops start-up with file, key path and rule; every topic and activity a KPI serves must exist
in the Work Plan (plans.py), and a target is either a value with its date and source or null with
a note (the Work Plan's own KPIs are in its Annex A, which is not among the seeds)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.monitoring.plans import Plans, load_plans
from crossborder.monitoring.reader import PlanFile, Source

DATA_DIR = Path(__file__).resolve().parent / "data"
CODE = re.compile(r"^[a-z][a-z0-9_]{2,59}$")
REPORTED = "reported"
# What a platform KPI's `source` may name: kpi_platform.COMPUTATIONS implements each one.
PLATFORM_SOURCES = frozenset(
    {"release_time_median", "release_time_p90", "trust_marked_share", "documents_exchanged",
     "complaint_resolution_rate", "complaint_resolution_time_median"}
)  # fmt: skip
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("monthly", "quarterly", "annual")
BREAKDOWNS = ("document_type",)
PLACES = Decimal("0.0001")
LARGEST = Decimal(10) ** 16  # measurement values are NUMERIC(20, 4): below 10^16


@dataclass(frozen=True)
class Unit:
    """A unit and the values it allows (inclusive bounds; None = unbounded)."""

    code: str
    label: str
    low: Decimal
    high: Decimal | None
    whole: bool = False  # counts are whole numbers


UNITS: Mapping[str, Unit] = {
    "percent": Unit("percent", "%", Decimal(0), Decimal(100)),
    "minutes": Unit("minutes", "min", Decimal(0), None),
    "days": Unit("days", "days", Decimal(0), None),
    "count": Unit("count", "", Decimal(0), None, whole=True),
}


@dataclass(frozen=True)
class Target:
    value: Decimal
    by: date
    source: Source


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    description: str
    formula: str
    unit: str
    direction: str
    frequency: str
    source: str  # a platform computation, or "reported"
    breakdown: str | None
    target: Target | None
    target_note: str | None
    topics: tuple[str, ...]
    activities: tuple[str, ...]
    basis_text: str
    basis_source: Source

    @property
    def is_platform(self) -> bool:
        return self.source != REPORTED


def _choice(file: PlanFile, raw: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]) -> str:
    value = file.req_text(raw, key, path)
    if value not in allowed:
        raise file.fail(f"{path}.{key}", f"must be one of {', '.join(allowed)}, found {value!r}")
    return value


def _target(file: PlanFile, raw: Mapping[str, Any], path: str) -> tuple[Target | None, str | None]:
    note = file.text(raw, "target_note", path, nullable=True)
    if raw.get("target") is None:
        if note is None:
            raise file.fail(f"{path}.target_note", "a null target needs a note saying why (never invent a target)")
        return None, note
    where = f"{path}.target"
    t = file.mapping(raw["target"], where, required={"value": str, "by": date, "source": dict}, optional={})
    try:
        value = Decimal(str(t["value"]))
    except InvalidOperation:
        raise file.fail(f"{where}.value", f"expected a number, found {t['value']!r}") from None
    by = file.day(t, "by", where)
    if by is None:
        raise file.fail(f"{where}.by", "a target needs the date it is due")
    return Target(value, by, file.source(t, where)), note


def _serves(file: PlanFile, raw: Any, path: str, plans: Plans) -> tuple[tuple[str, ...], tuple[str, ...]]:
    where = f"{path}.serves"
    s = file.mapping(raw, where, required={"topics": list, "activities": list}, optional={})
    topics: list[str]
    if s["topics"] == "all":  # a horizontal measure: every topic of the Work Plan
        topics = list(plans.topics)
    else:
        topics = [str(t) for t in file.items(s, "topics", where)]
        for i, tid in enumerate(topics):
            if tid not in plans.topics:
                raise file.fail(f"{where}.topics[{i}]", f"unknown Work Plan topic {tid!r}")
    activities = [str(a) for a in file.items(s, "activities", where, empty_ok=True)]
    known = plans.activities
    for i, aid in enumerate(activities):
        if aid not in known:
            raise file.fail(f"{where}.activities[{i}]", f"unknown Work Plan activity {aid!r}")
        if known[aid].topic_id not in topics:
            raise file.fail(f"{where}.activities[{i}]", f"activity {aid} is not under the listed topics")
    return tuple(topics), tuple(activities)


def _kpi(file: PlanFile, raw: Any, path: str, plans: Plans) -> Kpi:
    k = file.mapping(
        raw,
        path,
        required={"code": str, "name": str, "description": str, "formula": str, "unit": str, "direction": str,
                  "frequency": str, "source": str, "breakdown": str, "target": dict, "serves": dict, "basis": dict},
        optional={"target_note": str},
    )  # fmt: skip
    code = file.req_text(k, "code", path)
    if not CODE.match(code):
        raise file.fail(f"{path}.code", f"must match {CODE.pattern}, found {code!r}")
    source = file.req_text(k, "source", path)
    if source != REPORTED and source not in PLATFORM_SOURCES:
        allowed = ", ".join([REPORTED, *sorted(PLATFORM_SOURCES)])
        raise file.fail(f"{path}.source", f"must be one of {allowed}, found {source!r}")
    breakdown = file.text(k, "breakdown", path, nullable=True)
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise file.fail(f"{path}.breakdown", f"must be null or one of {', '.join(BREAKDOWNS)}")
    target, note = _target(file, k, path)
    topics, activities = _serves(file, k["serves"], path, plans)
    basis = file.mapping(k["basis"], f"{path}.basis", required={"text": str, "source": dict}, optional={})
    return Kpi(
        code=code,
        name=file.req_text(k, "name", path),
        description=" ".join(file.req_text(k, "description", path).split()),
        formula=" ".join(file.req_text(k, "formula", path).split()),
        unit=_choice(file, k, "unit", path, tuple(UNITS)),
        direction=_choice(file, k, "direction", path, DIRECTIONS),
        frequency=_choice(file, k, "frequency", path, FREQUENCIES),
        source=source,
        breakdown=breakdown,
        target=target,
        target_note=note,
        topics=topics,
        activities=activities,
        basis_text=" ".join(file.req_text(basis, "text", f"{path}.basis").split()),
        basis_source=file.source(basis, f"{path}.basis"),
    )


@lru_cache(maxsize=4)
def load_kpis(path: Path | None = None) -> dict[str, Kpi]:
    """Every KPI definition by code, in file order, validated against the plans."""
    file = PlanFile(path or DATA_DIR / "kpis.yaml", str(path) if path else "monitoring/data/kpis.yaml")
    file.mapping(file.root, "", required={"meta": dict, "kpis": list}, optional={})
    plans = load_plans()
    found: dict[str, Kpi] = {}
    for i, raw in enumerate(file.items(file.root, "kpis", "")):
        kpi = _kpi(file, raw, f"kpis[{i}]", plans)
        if kpi.code in found:
            raise file.fail(f"kpis[{i}].code", f"duplicate KPI code {kpi.code!r}")
        found[kpi.code] = kpi
    return found


def get(code: str) -> Kpi:
    kpi = load_kpis().get(code)
    if kpi is None:
        raise ValidationFailed("unknown KPI", errors=[FieldError("kpi", f"one of {', '.join(load_kpis())}", code)])
    return kpi


# --- periods -------------------------------------------------------------------------------------

PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    label: str  # 2026-10, 2026-Q3 or 2026
    frequency: str
    start: date  # first day
    end: date  # last day (inclusive)

    @property
    def since(self) -> datetime:
        """The first instant (UTC) of the period."""
        return datetime.combine(self.start, time(0), tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the period (half-open: since <= t < until)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(label: str, field: str = "period") -> Period:
    """2026-10 (a month), 2026-Q3 (a quarter) or 2026 (a year); anything else is refused."""
    found = PERIOD.match(label.strip()) if isinstance(label, str) else None
    if found is None:
        rule = "a month YYYY-MM, a quarter YYYY-Qn or a year YYYY"
        raise ValidationFailed("malformed period", errors=[FieldError(field, rule, label)])
    year = int(found["year"])
    if not 2000 <= year <= 2100:
        raise ValidationFailed("period out of range", errors=[FieldError(field, "a year from 2000 to 2100", label)])
    if found["month"]:
        month = int(found["month"])
        return Period(f"{year}-{month:02d}", "monthly", date(year, month, 1), _month_end(year, month))
    if found["quarter"]:
        q = int(found["quarter"])
        return Period(f"{year}-Q{q}", "quarterly", date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    return Period(str(year), "annual", date(year, 1, 1), date(year, 12, 31))


def period_for(kpi: Kpi, label: str, field: str = "period") -> Period:
    period = parse_period(label, field)
    if period.frequency != kpi.frequency:
        rule = f"{kpi.code} is measured {kpi.frequency}; {label!r} is a {period.frequency} period"
        raise ValidationFailed("wrong frequency", errors=[FieldError(field, rule, label)])
    return period


def check_value(kpi: Kpi, raw: Any, field: str = "value") -> Decimal:
    """A measured value as Decimal, inside its unit's range."""
    unit = UNITS[kpi.unit]
    try:
        value = Decimal(str(raw)) if not isinstance(raw, (bool, float)) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationFailed("bad value", errors=[FieldError(field, "a decimal number as a string", raw)])
    top = "" if unit.high is None else f" to {unit.high}"
    if value < unit.low or (unit.high is not None and value > unit.high):
        raise ValidationFailed(
            "value out of range", errors=[FieldError(field, f"{kpi.unit}: from {unit.low}{top}", str(value))]
        )
    if value >= LARGEST:  # the column's precision (PostgreSQL would refuse the row, SQLite keep it)
        raise ValidationFailed("value too large", errors=[FieldError(field, f"less than {LARGEST}", str(value))])
    if value != value.quantize(PLACES):  # the column keeps four decimals: more would be rounded silently
        raise ValidationFailed("too precise", errors=[FieldError(field, "at most 4 decimal places", str(value))])
    if unit.whole and value != value.to_integral_value():
        raise ValidationFailed("value not whole", errors=[FieldError(field, "a count is a whole number", str(value))])
    return value
