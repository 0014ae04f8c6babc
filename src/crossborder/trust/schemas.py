"""What the trust API takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from crossborder.trust.models import IssuedCredential


class IssueIn(BaseModel):
    model_config = {"extra": "forbid"}
    client_reference: str = Field(min_length=1, max_length=100, description="Repeating it returns the first credential")
    scheme: str = Field(examples=["trust_mark", "trusted_trader"])
    business_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._/-]+$")
    subject_name: str = Field(min_length=1, max_length=200)
    subject_country: str = Field(pattern=r"^[A-Z]{2}$", examples=["VN"])
    valid_from: datetime | None = Field(None, description="Default now; ISO 8601 with a UTC offset")
    valid_until: datetime | None = Field(None, description="Default valid_from plus the scheme's validity")

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a UTC offset")
        return value


class StatusChangeIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=1, max_length=2000)


class VerifyIn(BaseModel):
    model_config = {"extra": "forbid"}
    credential: str = Field(min_length=1, max_length=65536, description="The compact JWS (vc+jwt)")
    country: str | None = Field(
        None, pattern=r"^[A-Z]{2}$", description="Verify as this member state: adds recognition (recognised_under)"
    )


def credential_out(row: IssuedCredential) -> dict[str, Any]:
    return {
        "credential_id": row.credential_id,
        "client_reference": row.client_reference,
        "issuer_org_id": row.issuer_org_id,
        "country": row.country,
        "scheme": row.scheme,
        "business_id": row.subject_id,
        "subject_name": row.subject_name,
        "subject_country": row.subject_country,
        "status": row.status,
        "status_index": row.status_index,
        "kid": row.kid,
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat(),
        "issued_at": row.issued_at.isoformat(),
        "token": row.token,
    }
