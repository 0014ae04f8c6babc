"""Appending to a case's timeline, with its audit entry, in the caller's transaction."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.redress.access import Actor
from crossborder.redress.models import CaseEvent, RedressCase


def audit_principal(actor: Actor, case: RedressCase) -> Principal:
    if actor.principal is not None:
        return actor.principal
    # A party without an account: the audit log names the party, the case and the party's state.
    country = case.seller_country if actor.kind == "seller" else case.consumer_country
    return Principal(actor=f"{actor.kind}:{case.reference}", organisation_id=None, country=country)


def add(
    session: Session,
    case: RedressCase,
    actor: Actor,
    kind: str,
    body: str = "",
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
    refers_to: int | None = None,
    authorities_only: bool = False,
    audit_after: dict[str, object] | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case_id=case.id, kind=kind, actor_kind=actor.kind, actor=actor.actor, actor_country=actor.country, body=body,
        amount=amount, currency=currency, refers_to=refers_to, authorities_only=authorities_only, stage=case.stage,
    )  # fmt: skip
    session.add(event)
    session.flush()
    audit.record(
        session, audit_principal(actor, case), f"redress.case.{kind}", "redress_case", case.reference,
        country=case.handling_country, organisation_id=None,
        after={"stage": case.stage, "outcome": case.outcome, "event": event.id, **(audit_after or {})},
    )  # fmt: skip
    return event
