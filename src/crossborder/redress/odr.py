"""The steps of online dispute resolution taken by the parties and the neutral: messages, offers and
their acceptance (a settlement closes the case, signed), a party's request for a neutral, the move
to the final stage, the recommendation, withdrawal, and a settlement reported as not honoured
(which flags a trust-marked seller to its operator). Each step checks the stage first (stages.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from babel.numbers import get_currency_precision
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, ValidationFailed
from crossborder.redress import consequences, deadlines, notify, settlement, stages, timeline
from crossborder.redress.access import Actor
from crossborder.redress.complaints import parse_amount
from crossborder.redress.models import CaseEvent, Outcome, Party, RedressCase, Stage
from crossborder.redress.schemas import OfferIn
from crossborder.redress.settings import odr_settings

PARTIES = frozenset({Party.consumer.value, Party.seller.value})


def text_field(value: str, path: str) -> str:
    text = value.strip()
    limit = odr_settings().text_max_chars
    if not text or len(text) > limit:
        raise ValidationFailed("bad text", errors=[FieldError(path, f"must be 1 to {limit} characters", value)])
    return text


def money_text(amount: Decimal, currency: str) -> str:
    """'MYR 59.90': the amount to the currency's own minor units (ISO 4217, through Babel)."""
    quantum = Decimal(1).scaleb(-get_currency_precision(currency))
    shown = amount.quantize(quantum) if amount == amount.quantize(quantum) else amount.normalize()
    return f"{currency} {shown}"


def _seller_answered(case: RedressCase, actor: Actor, now: datetime) -> None:
    if actor.kind == Party.seller.value and case.seller_responded_at is None:
        case.seller_responded_at = now


def message(session: Session, case: RedressCase, actor: Actor, body: str) -> CaseEvent:
    stages.require("message", case.stage)
    event = timeline.add(session, case, actor, "message", text_field(body, "body"))
    _seller_answered(case, actor, utcnow())
    notify.everyone(session, case, "message", skip=actor.kind)
    return event


def offer(session: Session, case: RedressCase, actor: Actor, body: OfferIn) -> CaseEvent:
    stages.require("offer", case.stage)
    if actor.kind == "neutral" and case.stage != Stage.facilitation.value:
        raise Conflict(
            "only in facilitation", errors=[FieldError("stage", "a neutral proposes terms in facilitation", case.stage)]
        )
    amount: Decimal | None = None
    if body.amount is not None:
        amount = parse_amount(body.amount, body.currency, "amount", "currency")
        if body.currency != case.currency:
            rule = f"must be the currency of the purchase ({case.currency})"
            raise ValidationFailed("bad offer currency", errors=[FieldError("currency", rule, body.currency)])
    event = timeline.add(
        session, case, actor, "offer", text_field(body.terms, "terms"), amount=amount,
        currency=body.currency if amount is not None else None,
    )  # fmt: skip
    _seller_answered(case, actor, utcnow())
    notify.everyone(session, case, "offer", skip=actor.kind)
    return event


def _acceptances(session: Session, case: RedressCase, offer_id: int) -> set[str]:
    rows = session.execute(
        select(CaseEvent.actor_kind).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "offer_accepted", CaseEvent.refers_to == offer_id
        )
    ).scalars()
    return set(rows)


def accept(session: Session, case: RedressCase, actor: Actor, offer_id: int) -> CaseEvent:
    """Accept an open offer. A party's offer settles once the other party accepts; a neutral's
    proposal once both parties have."""
    stages.require("accept_offer", case.stage)
    proposal = session.get(CaseEvent, offer_id)
    if proposal is None or proposal.case_id != case.id or proposal.kind != "offer":
        raise ValidationFailed(
            "no such offer", errors=[FieldError("offer_id", "is not an offer on this case", offer_id)]
        )
    if actor.kind not in PARTIES or actor.kind == proposal.actor_kind:
        rule = "only the other party accepts an offer (both parties accept a neutral's proposal)"
        raise Conflict("cannot accept this offer", errors=[FieldError("offer_id", rule, offer_id)])
    already = _acceptances(session, case, offer_id)
    if actor.kind in already:
        raise Conflict("already accepted", errors=[FieldError("offer_id", "you have accepted it already", offer_id)])
    event = timeline.add(session, case, actor, "offer_accepted", refers_to=offer_id)
    _seller_answered(case, actor, utcnow())
    needed = PARTIES if proposal.actor_kind == "neutral" else PARTIES - {proposal.actor_kind}
    if needed <= already | {actor.kind}:
        _settle(session, case, actor, proposal)
    return event


def _settle(session: Session, case: RedressCase, actor: Actor, proposal: CaseEvent) -> None:
    now = utcnow()
    terms = proposal.body
    if proposal.amount is not None and proposal.currency:
        terms = f"{proposal.body} ({money_text(proposal.amount, proposal.currency)})"
    close(session, case, actor, Outcome.settled, terms, now)
    settlement.sign(session, case, settlement.document(case, proposal, now))
    notify.everyone(session, case, "settled")


def close(session: Session, case: RedressCase, actor: Actor, outcome: Outcome, terms: str, now: datetime) -> None:
    case.stage, case.outcome, case.outcome_terms = Stage.closed.value, outcome.value, terms
    case.closed_at, case.due_at, case.closed_month = now, None, f"{now.astimezone(UTC):%Y-%m}"
    if case.verified_at is not None:
        case.resolution_minutes = int((now - case.verified_at).total_seconds() // 60)
    timeline.add(session, case, actor, f"closed_{outcome.value}", terms)


def escalate(session: Session, case: RedressCase, actor: Actor, reason: str, now: datetime | None = None) -> None:
    """Negotiation -> facilitated settlement, by a party's request or by a missed deadline (system)."""
    stages.require("escalate", case.stage)
    enter(session, case, actor, Stage.facilitation, text_field(reason, "reason"), now or utcnow())
    notify.everyone(session, case, "escalated")


def enter(session: Session, case: RedressCase, actor: Actor, stage: Stage, why: str, now: datetime) -> None:
    settings = odr_settings()
    periods = settings.deadlines(case.handling_country)
    days = periods.facilitation_days if stage is Stage.facilitation else periods.final_days
    case.stage, case.stage_started_at = stage.value, now
    case.due_at = deadlines.due_at(now, days, settings.zone(case.handling_country))
    timeline.add(session, case, actor, f"stage_{stage.value}", why)


def move_to_final(session: Session, case: RedressCase, actor: Actor, reason: str) -> None:
    stages.require("move_to_final", case.stage)
    enter(session, case, actor, Stage.final, text_field(reason, "reason"), utcnow())
    notify.everyone(session, case, "final_stage")


def recommend(session: Session, case: RedressCase, actor: Actor, recommendation: str) -> None:
    stages.require("recommend", case.stage)
    close(session, case, actor, Outcome.recommendation_issued, text_field(recommendation, "reason"), utcnow())
    notify.everyone(session, case, "recommendation")


def withdraw(session: Session, case: RedressCase, actor: Actor, reason: str) -> None:
    stages.require("withdraw", case.stage)
    close(session, case, actor, Outcome.withdrawn, text_field(reason, "reason"), utcnow())
    notify.everyone(session, case, "withdrawn", skip=Party.consumer.value)


def object_to_neutral(session: Session, case: RedressCase, actor: Actor, reason: str) -> CaseEvent:
    """A party objects to the appointed neutral; the authority decides whether to replace them."""
    stages.require("object_to_neutral", case.stage)
    if case.neutral_user_id is None:
        raise Conflict("no neutral yet", errors=[FieldError("neutral", "no neutral has been appointed", None)])
    event = timeline.add(session, case, actor, "neutral_objection", text_field(reason, "reason"))
    notify.in_app(session, case, notify.authority_audiences(case), "neutral_objection")
    return event


def report_not_honoured(session: Session, case: RedressCase, actor: Actor, detail: str) -> CaseEvent:
    """The consumer says the seller did not do what was settled or recommended."""
    stages.require("report_not_honoured", case.stage)
    if case.outcome not in stages.HONOURABLE:
        rule = "only a settled case or one with a recommendation can be reported as not honoured"
        raise Conflict("nothing to honour", errors=[FieldError("outcome", rule, case.outcome)])
    reported = session.execute(
        select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.kind == "not_honoured")
    ).first()
    if reported is not None:
        rule = "was already reported as not honoured"
        raise Conflict("already reported", errors=[FieldError("outcome", rule, case.outcome)])
    event = timeline.add(session, case, actor, "not_honoured", text_field(detail, "reason"))
    consequences.flag_seller(session, case, actor, "settlement_not_honoured", event.body)
    notify.in_app(session, case, notify.authority_audiences(case), "not_honoured")
    return event
