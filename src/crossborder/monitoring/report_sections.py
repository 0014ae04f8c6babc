"""The sections of the review reports, each built from one part of monitoring."""

from __future__ import annotations

from crossborder.monitoring import report_laws
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section

__all__ = ["Context", "final", "midterm", "sources", "stocktake"]


def stocktake(ctx: Context) -> list[Section]:
    return [report_laws.coverage_section(ctx)]


def midterm(ctx: Context) -> list[Section]:
    return [report_laws.coverage_section(ctx)]


def final(ctx: Context) -> list[Section]:
    return [report_laws.baseline_vs_end(ctx), report_laws.coverage_section(ctx)]


def sources(ctx: Context) -> tuple[str, ...]:
    meta = ctx.plans.work_plan
    return (f"{meta.title}, version {meta.version} (seed {meta.seed})",)
