"""What the fraud-incident API takes and returns. What a caller sees of another state's report is
decided in `incidents` (the sharing rules); these builders only shape what it was allowed."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from crossborder.redress.identifiers import MAX_LENGTH, IdentifierKind
from crossborder.redress.incident_models import FraudIncident, IncidentCategory, IncidentIdentifier

KINDS_HELP = ", ".join(k.value for k in IdentifierKind)


class IdentifierIn(BaseModel):
    model_config = {"extra": "forbid"}
    kind: str = Field(max_length=16, examples=["phone"], description=f"One of {KINDS_HELP}")
    value: str = Field(
        max_length=MAX_LENGTH,
        examples=["081 234 5678"],
        description="As found; normalised before matching. National phone, account and business numbers are read "
        "in the reporting state unless prefixed 'CC:'; e-wallets are 'provider:id'",
    )


class IncidentIn(BaseModel):
    model_config = {"extra": "forbid"}
    client_reference: str | None = Field(
        None, min_length=1, max_length=100, description="Repeating it returns the first report; default Idempotency-Key"
    )
    category: IncidentCategory
    title: str = Field(max_length=200, examples=["Fake electronics shop takes payment, never ships"])
    description: str = Field(max_length=10_000)
    occurred_on: date | None = Field(None, description="When the fraud happened, if known")
    identifiers: list[IdentifierIn] = Field(description="At least one: what the fraudster is known by")


class PublicCheckIn(BaseModel):
    model_config = {"extra": "forbid"}
    kind: str = Field(max_length=16, examples=["domain"], description=f"One of {KINDS_HELP}")
    value: str = Field(max_length=MAX_LENGTH, examples=["https://shop.example/offer"])
    country: str | None = Field(
        None, pattern=r"^[A-Z]{2}$", description="Reads national phone, account and business numbers of this country"
    )


def identifier_out(row: IncidentIdentifier) -> dict[str, Any]:
    return {"kind": row.kind, "value": row.value, "entered": row.entered}


def incident_out(row: FraudIncident, identifiers: list[IncidentIdentifier]) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "client_reference": row.client_reference,
        "country": row.country,
        "category": row.category,
        "title": row.title,
        "description": row.description,
        "occurred_on": None if row.occurred_on is None else row.occurred_on.isoformat(),
        "reported_at": row.created_at.isoformat(),
        "identifiers": [identifier_out(i) for i in identifiers],
    }
