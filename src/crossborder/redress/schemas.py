"""What the redress API takes and returns. Amounts are decimal strings (never floats)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from crossborder.redress.models import CaseEvent, RedressCase

CategoryName = Literal[
    "non_delivery", "not_as_described", "counterfeit", "refund_refused", "unauthorised_charge",
    "personal_data_misuse", "other",
]  # fmt: skip
RemedyName = Literal["refund", "replacement", "repair", "other"]
LanguageName = Literal["en", "id", "ms", "th", "vi"]


class ComplaintIn(BaseModel):
    model_config = {"extra": "forbid"}
    client_reference: str = Field(
        min_length=1, max_length=100, description="Filing again with it returns the first case"
    )
    language: LanguageName = "en"
    consumer_name: str = Field(min_length=1, max_length=200)
    consumer_email: str = Field(min_length=3, max_length=254, description="The verification link is sent here")
    consumer_country: str = Field(min_length=2, max_length=8, examples=["MY"])
    seller_business_id: str | None = Field(None, max_length=16, description="Regional id (XB…) from the register")
    seller_name: str | None = Field(None, min_length=1, max_length=200, description="When not in the register")
    seller_url: str | None = Field(None, max_length=300, description="The shop's web address")
    seller_email: str | None = Field(None, max_length=254, description="Where the seller is told of the complaint")
    seller_country: str | None = Field(None, min_length=2, max_length=8, description="When not in the register")
    order_date: date
    amount: str = Field(min_length=1, max_length=30, examples=["59.90"])
    currency: str = Field(min_length=3, max_length=3, examples=["MYR"])
    category: CategoryName
    remedy: RemedyName
    description: str = Field(min_length=1, max_length=5000)


class VerifyIn(BaseModel):
    model_config = {"extra": "forbid"}
    token: str = Field(min_length=10, max_length=200)


class MessageIn(BaseModel):
    model_config = {"extra": "forbid"}
    body: str = Field(min_length=1, max_length=5000)


class OfferIn(BaseModel):
    model_config = {"extra": "forbid"}
    terms: str = Field(min_length=1, max_length=5000, description="What the offering side will do")
    amount: str | None = Field(None, max_length=30, description="Money to be paid, if any")
    currency: str | None = Field(None, min_length=3, max_length=3)


class ReasonIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=1, max_length=5000)


class AppointIn(BaseModel):
    model_config = {"extra": "forbid"}
    neutral_user_id: int = Field(ge=1)
    no_conflict_declared: bool = Field(description="The neutral declares no circumstance affecting impartiality")
    disclosure: str = Field("", max_length=5000, description="Anything the neutral discloses to the parties")


class TransferIn(BaseModel):
    model_config = {"extra": "forbid"}
    to_country: str = Field(min_length=2, max_length=8)
    reason: str = Field(min_length=1, max_length=5000)


def case_out(case: RedressCase, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reference": case.reference,
        "stage": case.stage,
        "outcome": case.outcome,
        "consumer_country": case.consumer_country,
        "seller_country": case.seller_country,
        "handling_country": case.handling_country,
        "seller_name": case.seller_name,
        "seller_business_id": case.seller_business_id,
        "category": case.category,
        "remedy": case.remedy,
        "created_at": case.created_at.isoformat(),
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
    }
    if full:
        out |= {
            "consumer_name": case.consumer_name,
            "seller_url": case.seller_url,
            "order_date": case.order_date.isoformat(),
            "amount": str(case.amount),
            "currency": case.currency,
            "description": case.description,
            "language": case.language,
            "verified_at": case.verified_at.isoformat() if case.verified_at else None,
            "seller_due_at": case.seller_due_at.isoformat() if case.seller_due_at else None,
            "outcome_terms": case.outcome_terms,
            "neutral_user_id": case.neutral_user_id,
            "settlement_signature_id": case.settlement_signature_id,
        }
    return out


def event_out(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "kind": event.kind,
        "stage": event.stage,
        "actor_kind": event.actor_kind,
        "body": event.body,
        "amount": str(event.amount) if event.amount is not None else None,
        "currency": event.currency,
        "refers_to": event.refers_to,
        "authorities_only": event.authorities_only,
    }
