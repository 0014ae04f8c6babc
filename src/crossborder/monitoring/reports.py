"""The Work Plan's three reviews (section 4.2) assembled from the monitoring records: which sections
each report has, for which period. The sections themselves are in report_sections.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.monitoring import report_sections as parts
from crossborder.monitoring.access import visible_countries
from crossborder.monitoring.plans import load_plans
from crossborder.monitoring.report_model import Report, ReportKind
from crossborder.reference import get_registry

FIRST_YEAR = 2021  # the Work Plan's baseline year (the Mapping Study)
BASELINE_YEAR = 2021
# The Work Plan's own dates (section 4.2): "Mid-term Review (in roughly 2023)", "Final Review (set for 2025)".
DEFAULT_YEAR = {ReportKind.stocktake: None, ReportKind.midterm: 2023, ReportKind.final: 2025}
TITLES = {
    ReportKind.stocktake: "Annual stocktake report on the implementation of the Work Plan",
    ReportKind.midterm: "Mid-term review of the Work Plan",
    ReportKind.final: "Final review of the Work Plan",
}


def last_year() -> int:
    return utcnow().year


def parse_kind(raw: str) -> ReportKind:
    try:
        return ReportKind(raw)
    except ValueError:
        allowed = ", ".join(k.value for k in ReportKind)
        raise ValidationFailed(
            "unknown report", errors=[FieldError("kind", f"must be one of {allowed}", raw)]
        ) from None


def check_year(kind: ReportKind, year: int | None) -> int:
    chosen = year if year is not None else (DEFAULT_YEAR[kind] or last_year())
    if not FIRST_YEAR <= chosen <= last_year():
        raise ValidationFailed(
            "year out of range", errors=[FieldError("year", f"must be between {FIRST_YEAR} and {last_year()}", chosen)]
        )
    return chosen


def build(session: Session, principal: Principal, kind: ReportKind, year: int | None = None) -> Report:
    chosen = check_year(kind, year)
    countries = visible_countries(principal, list(get_registry().member_states()))
    scope = "ASEAN" if principal.is_regional else ", ".join(countries)
    last_day = min(date(chosen, 12, 31), utcnow().date())
    ctx = parts.Context(session=session, principal=principal, countries=tuple(countries), year=chosen,
                        baseline_year=BASELINE_YEAR, as_of=last_day, plans=load_plans())  # fmt: skip
    if kind is ReportKind.stocktake:
        sections = parts.stocktake(ctx)
        period = str(chosen)
    elif kind is ReportKind.midterm:
        sections = parts.midterm(ctx)
        period = f"{BASELINE_YEAR}-{chosen}"
    else:
        sections = parts.final(ctx)
        period = f"{BASELINE_YEAR}-{chosen}"
    return Report(kind=kind, title=TITLES[kind], period=period, generated_at=utcnow(), scope=scope,
                  sections=tuple(sections), sources=parts.sources(ctx))  # fmt: skip
