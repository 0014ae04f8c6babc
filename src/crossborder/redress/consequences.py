"""Consequences for a trust-marked seller: not answering a complaint in time, or not honouring a
settlement, is flagged to the operator of each trust mark it holds (trust.flags), and the flag is
recorded on the case's timeline. A seller without a trust mark (or not in the register) is not flagged."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crossborder.redress import timeline
from crossborder.redress.access import Actor
from crossborder.redress.models import RedressCase
from crossborder.trust import flags


def flag_seller(session: Session, case: RedressCase, actor: Actor, reason: str, detail: str) -> int:
    """How many operators were flagged (0 when the seller holds no active trust mark)."""
    if not case.seller_business_id:
        return 0
    before = {flag.id for flag in flags.for_source(session, case.reference)}
    raised = flags.raise_flag(
        session, timeline.audit_principal(actor, case), case.seller_business_id, source="redress",
        source_ref=case.reference, reason=reason, detail=detail[:2000],
    )  # fmt: skip
    for flag in (f for f in raised if f.id not in before):
        timeline.add(session, case, actor, "trust_flag", f"{reason}: operator {flag.issuer_org_id} ({flag.country})")
    return len(raised)  # raising the same flag again changes nothing
