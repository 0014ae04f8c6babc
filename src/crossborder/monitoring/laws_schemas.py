"""What the laws API takes and returns. Enumerated fields are plain strings here on purpose: the
domain (`laws_check`) refuses a bad one naming the field, the value and the allowed values."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from crossborder.monitoring.law_models import LawPlan, LawPlanAction, LawPlanEntry, LawPlanLaw, LawPlanRevision


class LawIn(BaseModel):
    model_config = {"extra": "forbid"}
    title: str = Field(max_length=300, examples=["Demo: Electronic Transactions Act (example)"])
    citation: str | None = Field(None, max_length=300, description="Reference or citation, e.g. Act No., year")
    status: str = Field(max_length=16, description="none, drafting, enacted or in_force")
    enacted_on: date | None = Field(None, description="Required when enacted")
    in_force_on: date | None = Field(None, description="Required when in force; not in the future")
    url: str | None = Field(None, max_length=500, description="Official text, https only")


class ActionIn(BaseModel):
    model_config = {"extra": "forbid"}
    text: str = Field(max_length=2000, examples=["Table amendment bill in parliament"])
    target_date: date | None = Field(None, description="Required: when the action is planned")


class EntryIn(BaseModel):
    model_config = {"extra": "forbid"}
    topic: str = Field(max_length=8, examples=["B.1"], description="Work Plan topic id, A.1 … C.4")
    instrument: str | None = Field(None, max_length=64, description="Reference instrument id applying to the topic")
    alignment: str = Field(
        "not_assessed", max_length=24, description="aligned, partially_aligned, not_aligned, not_assessed"
    )
    note: str | None = Field(None, max_length=5000)
    laws: list[LawIn] = Field(default_factory=list, max_length=50)
    actions: list[ActionIn] = Field(default_factory=list, max_length=50)


class PlanIn(BaseModel):
    model_config = {"extra": "forbid"}
    client_reference: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Repeating it returns the first revision; default Idempotency-Key",
    )
    country: str = Field(pattern=r"^[A-Z]{2}$", examples=["MY"])
    year: int = Field(examples=[2025])
    note: str | None = Field(None, max_length=5000, description="The member state's own note on the plan")
    entries: list[EntryIn] = Field(max_length=100)


class ReviewIn(BaseModel):
    model_config = {"extra": "forbid"}
    decision: str = Field(description="accept or return")
    revision: int = Field(ge=1, description="The submitted revision reviewed (guards against a newer submission)")
    comment: str | None = Field(None, max_length=5000, description="Overall comment; a return needs a comment")
    entry_comments: dict[str, str] = Field(default_factory=dict, description="Comment per topic id")


def law_out(row: LawPlanLaw) -> dict[str, Any]:
    return {
        "title": row.title,
        "citation": row.citation,
        "status": row.status,
        "enacted_on": None if row.enacted_on is None else row.enacted_on.isoformat(),
        "in_force_on": None if row.in_force_on is None else row.in_force_on.isoformat(),
        "url": row.url,
    }


def action_out(row: LawPlanAction) -> dict[str, Any]:
    return {"text": row.text, "target_date": row.target_date.isoformat()}


def entry_out(entry: LawPlanEntry, laws: list[LawPlanLaw], actions: list[LawPlanAction]) -> dict[str, Any]:
    return {
        "topic": entry.topic_id,
        "instrument": entry.instrument_id,
        "alignment": entry.alignment,
        "note": entry.note,
        "review_comment": entry.review_comment,
        "laws": [law_out(x) for x in laws],
        "actions": [action_out(x) for x in actions],
    }


def revision_out(row: LawPlanRevision, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "number": row.number,
        "status": row.status,
        "client_reference": row.client_reference,
        "note": row.note,
        "review_comment": row.review_comment,
        "submitted_at": None if row.submitted_at is None else row.submitted_at.isoformat(),
        "reviewed_at": None if row.reviewed_at is None else row.reviewed_at.isoformat(),
        "entries": entries,
    }


def plan_out(plan: LawPlan) -> dict[str, Any]:
    return {
        "reference": plan.reference,
        "country": plan.country,
        "year": plan.year,
        "status": plan.status,
        "latest_revision": plan.latest_revision,
    }
