"""What the business-register API takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from crossborder.trust.business_formats import national_formats
from crossborder.trust.business_models import Business


class BusinessIn(BaseModel):
    model_config = {"extra": "forbid"}
    country: str = Field(pattern=r"^[A-Z]{2}$", examples=["SG"], description="The member state that registered it")
    national_number: str = Field(
        min_length=1, max_length=60, examples=["197401143C"], description="Checked against the state's format if known"
    )
    legal_name: str = Field(min_length=1, max_length=200)
    organisation_id: int | None = Field(None, description="Link to the business's organisation on this platform")


class DeregisterIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=1, max_length=2000)


class IdentityCredentialIn(BaseModel):
    model_config = {"extra": "forbid"}
    client_reference: str = Field(min_length=1, max_length=100, description="Repeating it returns the first credential")
    issuer_org_id: int | None = Field(
        None, description="The member state's trust-mark operator; default the caller's own organisation"
    )
    valid_from: datetime | None = Field(None, description="Default now; ISO 8601 with a UTC offset")
    valid_until: datetime | None = Field(None, description="Default valid_from plus the scheme's validity")

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a UTC offset")
        return value


def business_out(row: Business) -> dict[str, Any]:
    spec = national_formats().get(row.country)
    return {
        "regional_id": row.regional_id,
        "country": row.country,
        "national_number": row.national_number,
        "national_number_kind": None if spec is None else spec.number,
        "number_format": row.number_validator,
        "format_checked": row.format_checked,
        "legal_name": row.legal_name,
        "organisation_id": row.organisation_id,
        "status": row.status,
        "registered_at": row.registered_at.isoformat(),
        "deregistered_at": None if row.deregistered_at is None else row.deregistered_at.isoformat(),
        "deregistration_reason": row.deregistration_reason,
    }
