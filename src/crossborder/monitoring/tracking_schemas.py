"""What the tracking and plan-version API takes and returns. Status and country are plain strings on
purpose: the service checks them and names field, value and rule, as it does for the web form."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from crossborder.monitoring.tracking_models import ActivityStatus, PlanVersion, Status

STATUSES_HELP = ", ".join(s.value for s in Status)


class StatusIn(BaseModel):
    model_config = {"extra": "forbid"}
    activity_id: str = Field(max_length=16, examples=["A.1.1.1"])
    status: str = Field(max_length=16, description=f"One of {STATUSES_HELP}")
    as_of: date = Field(description="The day the status describes; from 2021-01-01, not in the future")
    country: str | None = Field(
        None, max_length=2, description="A member state; null for the regional, overall status (secretariat only)"
    )
    evidence: str | None = Field(None, max_length=5000, description="Required for completed and dropped")
    evidence_url: str | None = Field(None, max_length=500, description="An https:// address")
    client_reference: str | None = Field(
        None, min_length=1, max_length=100, description="Repeating it returns the first report; default Idempotency-Key"
    )


class AmendmentIn(BaseModel):
    """Either amend one activity (`activity_id` + `set`) or add one to an objective (`objective_id` + `add`)."""

    model_config = {"extra": "forbid"}
    activity_id: str | None = Field(None, max_length=16, examples=["A.1.1.1"])
    set: dict[str, Any] | None = Field(
        None, description="New values of text, target_timeline, due, lead_body, kpi, note", examples=[{"due": 2026}]
    )
    objective_id: str | None = Field(None, max_length=16, examples=["A.1.1"])
    add: dict[str, Any] | None = Field(
        None,
        description="The new activity: text, rationale, outcomes, target_timeline, due, lead_body, kpi, note and "
        "source {document, section} (the decision that added it); its id is the next number of the objective",
    )
    effective_from: date
    reason: str = Field(min_length=1, max_length=2000, examples=["Mid-term review (ACCEC, 2026)"])


def status_out(row: ActivityStatus) -> dict[str, Any]:
    return {
        "id": row.id,
        "activity_id": row.activity_id,
        "country": row.country,
        "status": row.status,
        "evidence": row.evidence,
        "evidence_url": row.evidence_url,
        "as_of": row.as_of.isoformat(),
        "reported_by": row.reported_by,
        "client_reference": row.client_reference,
        "recorded_at": row.created_at.isoformat(),
    }


def version_out(row: PlanVersion, *, content: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "document": row.document,
        "version": row.version,
        "effective_from": row.effective_from.isoformat() if row.effective_from else None,
        "change_note": row.change_note,
        "changed": row.changed,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }
    if content:
        out["content"] = row.content
    return out
