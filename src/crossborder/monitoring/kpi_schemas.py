"""Request bodies and answers of the KPI API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from crossborder.monitoring.kpis import Kpi, Period


class ReportIn(BaseModel):
    """A figure a member state reports for a "reported" KPI (the service checks the rest)."""

    model_config = {"extra": "forbid"}
    client_reference: str = Field(min_length=1, max_length=100, description="Repeating it returns the first")
    kpi: str = Field(min_length=1, max_length=60, examples=["paperless_trade_tool_utilisation"])
    country: str = Field(min_length=2, max_length=8, examples=["MY"], description="A member state, or ASEAN")
    period: str = Field(examples=["2026", "2026-Q3", "2026-10"], max_length=10)
    value: str = Field(max_length=40, examples=["42.5"], description="A decimal number as a string")
    source_kind: str = Field("reported", examples=["reported", "imported"])
    source_detail: str = Field(min_length=1, max_length=2000, description="Where the figure comes from")
    sample_size: int | None = Field(None, ge=0)


class ComputeIn(BaseModel):
    model_config = {"extra": "forbid"}
    period: str = Field(max_length=10, examples=["2026-10"])
    countries: list[str] | None = Field(None, description="Member states; default all")


def kpi_out(kpi: Kpi) -> dict[str, Any]:
    target = None
    if kpi.target is not None:
        target = {"value": str(kpi.target.value), "by": kpi.target.by.isoformat(),
                  "source": {"document": kpi.target.source.document, "section": kpi.target.source.section}}  # fmt: skip
    return {
        "code": kpi.code, "name": kpi.name, "description": kpi.description, "formula": kpi.formula,
        "unit": kpi.unit, "direction": kpi.direction, "frequency": kpi.frequency, "source": kpi.source,
        "breakdown": kpi.breakdown, "target": target, "target_note": kpi.target_note,
        "serves": {"topics": list(kpi.topics), "activities": list(kpi.activities)},
        "basis": {"text": kpi.basis_text,
                  "source": {"document": kpi.basis_source.document, "section": kpi.basis_source.section}},
    }  # fmt: skip


def period_out(period: Period) -> dict[str, str]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}
