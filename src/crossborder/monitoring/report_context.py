"""What every report section reads: the session, who asks, which member states they see, the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.monitoring.plans import Plans


@dataclass(frozen=True)
class Context:
    session: Session
    principal: Principal
    countries: tuple[str, ...]
    year: int
    baseline_year: int
    as_of: date  # the last day the report covers
    plans: Plans
