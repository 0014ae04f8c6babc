"""What every platform KPI computation shares: the outcome type, the percentile, the share and the
text describing the instants counted (kpi_platform.py runs the computations)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from crossborder.core.access.roles import REGIONAL
from crossborder.monitoring import kpis

RULE_VERSION = "rule v1"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Outcome:
    """A computed figure, or value None: no records to compute it from (nothing is stored)."""

    value: Decimal | None
    n: int
    detail: str
    breakdown: str = ""


Computation = Callable[[Session, kpis.Kpi, kpis.Period, str, datetime], list[Outcome]]


def percentile(sorted_values: Sequence[Decimal], fraction: Decimal) -> Decimal | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont (and
    redress.dashboard.percentile), in exact Decimal arithmetic."""
    if not sorted_values:
        return None
    if not Decimal(0) <= fraction <= Decimal(1):
        raise ValueError(f"fraction {fraction} outside [0, 1]")
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def share(part: int, whole: int) -> Decimal:
    """100 x part / whole, to two decimals."""
    return (Decimal(100) * part / whole).quantize(CENT, ROUND_HALF_EVEN)


def window_text(period: kpis.Period, as_of: datetime) -> str:
    """The instants counted, as printed in every source detail (half-open, UTC)."""
    end = min(period.until, as_of)
    cut = "" if end == period.until else f" (period not over: as of {end.isoformat()})"
    return f"{period.since.isoformat()}..{end.isoformat()} (UTC, end excluded){cut}"


def in_state(column: Any, country: str) -> ColumnElement[bool]:
    """COLUMN is COUNTRY's; for the regional figure (ASEAN) every record counts, once."""
    return true() if country == REGIONAL else column == country
