"""What the application workflow API takes and returns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from crossborder.trust.application_models import ApplicationEvidence, CriterionReview, TrustApplication


class ApplicationIn(BaseModel):
    model_config = {"extra": "forbid"}
    client_reference: str = Field(min_length=1, max_length=100, description="Repeating it returns the first")
    operator_org_id: int | None = Field(None, ge=1, description="The trust-mark operator applied to (not for renewals)")
    scheme: str | None = Field(None, examples=["trust_mark", "trusted_trader"], description="Not for renewals")
    business_id: str | None = Field(
        None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._/-]+$", description="Not for renewals"
    )
    business_name: str | None = Field(None, min_length=1, max_length=200, description="Default: the organisation's")
    renews_credential_id: str | None = Field(None, max_length=64, description="Renew this credential of yours")
    answers: dict[str, str] = Field(default_factory=dict, description="criterion area id -> answer")


class AnswerIn(BaseModel):
    model_config = {"extra": "forbid"}
    answer: str = Field(min_length=1, max_length=10000)


class SubmitIn(BaseModel):
    model_config = {"extra": "forbid"}
    annual_declaration: bool = Field(False, description="Renewals: the applicant makes the annual declaration")


class ReviewIn(BaseModel):
    model_config = {"extra": "forbid"}
    criterion: str = Field(min_length=1, max_length=60)
    outcome: Literal["met", "not_met", "more_information_needed"]
    comment: str = Field("", max_length=5000)


class CommentIn(BaseModel):
    model_config = {"extra": "forbid"}
    comment: str = Field(min_length=1, max_length=5000)


class DecisionIn(BaseModel):
    model_config = {"extra": "forbid"}
    decision: Literal["grant", "refuse"]
    reason: str = Field(min_length=1, max_length=5000)


def evidence_out(row: ApplicationEvidence) -> dict[str, Any]:
    return {
        "id": row.id,
        "criterion": row.criterion,
        "filename": row.filename,
        "media_type": row.media_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


def review_out(row: CriterionReview) -> dict[str, Any]:
    return {
        "criterion": row.criterion,
        "outcome": row.outcome,
        "comment": row.comment,
        "reviewer": row.reviewer,
        "reviewed_at": row.reviewed_at.isoformat(),
    }


def application_out(row: TrustApplication) -> dict[str, Any]:
    def stamp(value: Any) -> str | None:
        return None if value is None else str(value.isoformat())

    return {
        "reference": row.reference,
        "client_reference": row.client_reference,
        "kind": row.kind,
        "scheme": row.scheme,
        "operator_org_id": row.operator_org_id,
        "country": row.country,
        "applicant_org_id": row.applicant_org_id,
        "business_id": row.business_id,
        "business_name": row.business_name,
        "business_country": row.business_country,
        "status": row.status,
        "renews_credential_id": row.renews_credential_id,
        "annual_declaration": row.annual_declaration,
        "credential_id": row.credential_id,
        "decision_reason": row.decision_reason,
        "decided_by": row.decided_by,
        "created_at": stamp(row.created_at),
        "submitted_at": stamp(row.submitted_at),
        "decided_at": stamp(row.decided_at),
    }
