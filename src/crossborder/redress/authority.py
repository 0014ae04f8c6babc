"""What the consumer-protection authorities do on a case: appoint the neutral (after a conflict-of-
interest check), keep notes only authorities see, ask the other member state's authority to
cooperate, transfer the case to it, or close it without pursuing it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import User
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from crossborder.redress import notify, stages, timeline
from crossborder.redress.access import Actor, user_id
from crossborder.redress.models import CaseEvent, Outcome, RedressCase
from crossborder.redress.odr import close, text_field
from crossborder.redress.schemas import AppointIn, TransferIn


def _domain(address: str | None) -> str | None:
    if not address:
        return None
    host = address.rsplit("@", 1)[-1] if "@" in address else address.split("//", 1)[-1].split("/", 1)[0]
    host = host.split(":", 1)[0].lower().rstrip(".")
    return host.removeprefix("www.") or None


def conflicts(session: Session, case: RedressCase, user: User) -> list[FieldError]:
    """Why this person may not be the neutral of this case ([] when none is found)."""
    found: list[FieldError] = []
    path = "neutral_user_id"
    if not user.active or Role.consumer_protection_officer.value not in user.roles:
        found.append(FieldError(path, "must be an active consumer-protection officer", user.id))
    states = {case.consumer_country, case.seller_country, case.handling_country}
    if user.organisation.kind != OrgKind.consumer_protection_authority.value or user.organisation.country not in states:
        rule = f"must work for a consumer-protection authority of {', '.join(sorted(states))}"
        found.append(FieldError(path, rule, user.id))
    if case.seller_org_id is not None and user.organisation_id == case.seller_org_id:
        found.append(FieldError(path, "works for the seller", user.id))
    email = user.email.lower()
    if email in {case.consumer_email.lower(), (case.seller_email or "").lower()}:
        found.append(FieldError(path, "is a party to the case", user.id))
    seller_domains = {_domain(case.seller_email), _domain(case.seller_url)} - {None}
    if _domain(email) in seller_domains:
        found.append(FieldError(path, "has an e-mail address at the seller's domain", user.id))
    objected = session.execute(
        select(CaseEvent.id).where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind == "neutral_appointed",
            CaseEvent.refers_to == user.id,
        )
    ).first()
    if objected is not None and case.neutral_user_id != user.id:
        found.append(FieldError(path, "was appointed to this case before and replaced", user.id))
    return found


def require_handling(case: RedressCase, actor: Actor) -> None:
    """Steps that administer the case belong to the handling state's authority (or a regional one)."""
    if actor.principal is not None and (actor.principal.is_regional or actor.country == case.handling_country):
        return
    raise Forbidden(f"only the authority of {case.handling_country}, which handles the case, may do this")


def appoint_neutral(session: Session, case: RedressCase, actor: Actor, body: AppointIn) -> CaseEvent:
    stages.require("appoint_neutral", case.stage)
    require_handling(case, actor)
    if actor.principal is not None and user_id(actor.principal) == body.neutral_user_id:
        rule = "an officer cannot appoint themselves"
        raise Conflict("self-appointment", errors=[FieldError("neutral_user_id", rule, body.neutral_user_id)])
    if case.neutral_user_id == body.neutral_user_id:
        raise Conflict(
            "already appointed", errors=[FieldError("neutral_user_id", "is the neutral already", body.neutral_user_id)]
        )
    user = session.get(User, body.neutral_user_id)
    if user is None:
        raise ValidationFailed(
            "unknown user", errors=[FieldError("neutral_user_id", "no such user", body.neutral_user_id)]
        )
    errors = conflicts(session, case, user)
    if not body.no_conflict_declared:
        errors.append(FieldError("no_conflict_declared", "the neutral must declare no conflict of interest", False))
    if errors:
        raise Conflict("this neutral cannot be appointed", errors=errors)
    case.neutral_user_id = user.id
    text = body.disclosure.strip() or "no circumstance affecting impartiality or independence disclosed"
    event = timeline.add(session, case, actor, "neutral_appointed", text, refers_to=user.id)
    notify.everyone(session, case, "neutral_appointed")
    return event


def note(session: Session, case: RedressCase, actor: Actor, body: str) -> CaseEvent:
    stages.require("note", case.stage)
    return timeline.add(session, case, actor, "authority_note", text_field(body, "body"), authorities_only=True)


def _other_states(case: RedressCase, actor: Actor) -> list[str]:
    return sorted({case.consumer_country, case.seller_country, case.handling_country} - {actor.country or ""})


def request_cooperation(session: Session, case: RedressCase, actor: Actor, reason: str) -> CaseEvent:
    stages.require("request_cooperation", case.stage)
    others = _other_states(case, actor)
    event = timeline.add(
        session, case, actor, "cooperation_requested", text_field(reason, "reason"), authorities_only=True,
        audit_after={"to": others},
    )  # fmt: skip
    notify.in_app(session, case, [f"authority:{c}" for c in others], "cooperation_requested")
    return event


def transfer(session: Session, case: RedressCase, actor: Actor, body: TransferIn) -> CaseEvent:
    """Hand the administration of the case to the other state's authority (the consumer's or the
    seller's). The current stage keeps its deadline; later stages use the new state's periods."""
    stages.require("transfer", case.stage)
    require_handling(case, actor)
    allowed = {case.consumer_country, case.seller_country} - {case.handling_country}
    if body.to_country not in allowed:
        rule = f"must be the other member state of the case: {', '.join(sorted(allowed))}"
        raise ValidationFailed("cannot transfer there", errors=[FieldError("to_country", rule, body.to_country)])
    before = case.handling_country
    case.handling_country = body.to_country
    event = timeline.add(
        session, case, actor, "transferred", text_field(body.reason, "reason"), authorities_only=False,
        audit_after={"from": before, "to": body.to_country},
    )  # fmt: skip
    notify.everyone(session, case, "transferred")
    return event


def close_case(session: Session, case: RedressCase, actor: Actor, reason: str) -> None:
    stages.require("close", case.stage)
    require_handling(case, actor)
    close(session, case, actor, Outcome.not_pursued, text_field(reason, "reason"), utcnow())
    notify.everyone(session, case, "closed")
