"""Indicator values from this platform's own records, so an index is recomputed from what the
monitoring holds (journey 5) instead of only from files. An indicator says what it measures with
`platform:` in its definition:

- `kpi: CODE` — the platform KPI computed over the calendar year of the cycle (nothing stored);
- `laws_topic: B.1` — the member state's coverage level for the topic in that year, as a score:
  yes 100, partial 50, no 0 (LEVEL_SCORES: the secretariat's operational setting, not a Work Plan
  figure); "not reported" is a missing value, left to the index's missing-value policy;
- `tracking: completed` — the share of Work Plan activities the state reports completed by 31 December.

A cycle is a calendar year. Values the platform cannot give (no records, survey questions not set)
stay missing and appear in the result's treatment list, never as 0."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy.orm import Session

from crossborder.core.dates import utcnow
from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring import kpi_platform, kpis, laws_coverage, tracking_progress
from crossborder.monitoring.index_config import IndexConfig, Indicator
from crossborder.monitoring.index_data import IndexData
from crossborder.monitoring.laws_reference import Level
from crossborder.monitoring.plan_versions import current_plans
from crossborder.monitoring.plans import load_plans
from crossborder.monitoring.tracking_models import Status

LEVEL_SCORES = {Level.yes: Decimal(100), Level.partial: Decimal(50), Level.no: Decimal(0)}
HUNDRED = Decimal(100)


def check(config: IndexConfig) -> None:
    """Every `platform:` key names a KPI computed here or a Work Plan topic."""
    known_kpis = {k.code: k for k in kpis.load_kpis().values() if k.is_platform}
    topics = load_plans().topics
    for ind in config.indicators:
        if ind.platform is None:
            continue
        kind, key = ind.platform
        if (
            (kind == "kpi" and key not in known_kpis)
            or (kind == "laws_topic" and key not in topics)
            or (kind == "tracking" and key != "completed")
        ):
            raise ReferenceDataError(f"{config.code}.yaml", f"indicator {ind.code}.platform",
                                     f"{kind}: {key!r} is not something this platform measures")  # fmt: skip


def _year(year: int) -> kpis.Period:
    return kpis.Period(str(year), "annual", date(year, 1, 1), date(year, 12, 31))


def _kpi_value(session: Session, code: str, year: int, state: str) -> Decimal | None:
    kpi = kpis.get(code)
    period = _year(year)
    as_of = min(period.until, utcnow())
    totals = [o for o in kpi_platform.measure(session, kpi, period, state, as_of) if not o.breakdown]
    return totals[0].value if totals else None


def _completed_share(session: Session, year: int, state: str) -> Decimal | None:
    plans = current_plans(session)
    statuses = tracking_progress.statuses_of(session, state, date(year, 12, 31))
    if not statuses:
        return None  # the state reported nothing: missing, not 0
    done = sum(1 for a in plans.activities if statuses.get(a) == Status.completed.value)
    return Decimal(done) * HUNDRED / Decimal(len(plans.activities))


def platform_data(session: Session, config: IndexConfig, years: list[int], states: list[str]) -> IndexData:
    """IndexData for the indicators the platform measures; every other indicator is missing."""
    check(config)
    values: dict[str, dict[str, dict[str, Decimal | None]]] = {}
    for year in years:
        if datetime.combine(date(year, 1, 1), time(0), tzinfo=UTC) > utcnow():
            continue
        coverage = laws_coverage.levels(session, year)
        cycle: dict[str, dict[str, Decimal | None]] = {}
        for state in states:
            row: dict[str, Decimal | None] = {}
            for ind in config.indicators:
                row[ind.code] = _value(session, ind, year, state, coverage)
            cycle[state] = row
        values[str(year)] = cycle
    # The digest is of the values read, so the same records give the same digest (reproducible).
    text = repr(sorted((c, s, i, str(v)) for c, row in values.items() for s, vs in row.items() for i, v in vs.items()))
    return IndexData(config.code, values, hashlib.sha256(text.encode()).hexdigest())


def _value(session: Session, ind: Indicator, year: int, state: str,
           coverage: dict[tuple[str, str], laws_coverage.Cell]) -> Decimal | None:  # fmt: skip
    if ind.platform is None:
        return None
    kind, key = ind.platform
    if kind == "kpi":
        return _kpi_value(session, key, year, state)
    if kind == "laws_topic":
        cell = coverage.get((key, state))
        return None if cell is None else LEVEL_SCORES.get(cell.level)
    return _completed_share(session, year, state)
