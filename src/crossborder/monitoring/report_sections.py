"""The sections of the review reports, each built from one part of monitoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.monitoring.plans import Plans
from crossborder.monitoring.report_model import Section


@dataclass(frozen=True)
class Context:
    session: Session
    principal: Principal
    countries: tuple[str, ...]
    year: int
    baseline_year: int
    as_of: date
    plans: Plans


def stocktake(ctx: Context) -> list[Section]:
    return []


def midterm(ctx: Context) -> list[Section]:
    return []


def final(ctx: Context) -> list[Section]:
    return []


def sources(ctx: Context) -> tuple[str, ...]:
    meta = ctx.plans.work_plan
    return (f"{meta.title}, version {meta.version} (seed {meta.seed})",)
