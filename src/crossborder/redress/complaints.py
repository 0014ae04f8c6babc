"""Filing a complaint without an account, and its verification by the e-mailed link. A repeated
filing (same e-mail address and client reference) returns the first case; a case reaches the seller
only once the consumer has confirmed the link."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.dates import today, utcnow
from crossborder.core.db import savepoint
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.core.money import to_decimal
from crossborder.redress import deadlines, notify, stages, timeline
from crossborder.redress.access import Actor, token_hash
from crossborder.redress.models import Party, PartyLink, RedressCase, Stage
from crossborder.redress.schemas import ComplaintIn
from crossborder.redress.settings import odr_settings, zone_of
from crossborder.reference.service import member_states
from crossborder.trust import business as register

_CURRENCIES = frozenset(list_currencies())


def normal_email(value: str, path: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed("bad e-mail address", errors=[FieldError(path, str(exc), value)]) from None


def _checked(body: ComplaintIn, session: Session) -> dict[str, object]:
    """Every field rule at once, so the consumer sees all problems in one answer."""
    errors: list[FieldError] = []
    states = member_states()
    found: dict[str, object] = {"seller_org_id": None, "seller_business_id": None}
    for path, value in (("consumer_email", body.consumer_email), ("seller_email", body.seller_email)):
        if value:
            try:
                found[path] = normal_email(value, path)
            except ValidationFailed as exc:
                errors.extend(exc.errors)
    if body.consumer_country not in states:
        errors.append(
            FieldError("consumer_country", f"must be a member state: {', '.join(states)}", body.consumer_country)
        )
    business = register.find(session, body.seller_business_id) if body.seller_business_id else None
    if body.seller_business_id and business is None:
        errors.append(FieldError("seller_business_id", "is not in the business register", body.seller_business_id))
    if business is not None:
        # The register says who the seller is and how to reach it (its own users); an address the
        # consumer types would let anyone receive the seller's link and act as the seller.
        found |= {"seller_business_id": business.regional_id, "seller_org_id": business.organisation_id}
        found |= {"seller_name": business.legal_name, "seller_country": business.country, "seller_email": None}
    else:
        if not body.seller_name:
            errors.append(
                FieldError("seller_name", "is required when the seller is not given by its regional id", None)
            )
        if body.seller_country not in states:
            rule = f"must be a member state: {', '.join(states)}"
            errors.append(FieldError("seller_country", rule, body.seller_country))
        found |= {"seller_name": body.seller_name, "seller_country": body.seller_country}
    if found.get("seller_email") and str(found["seller_email"]).lower() == str(found.get("consumer_email")).lower():
        errors.append(FieldError("seller_email", "must not be the consumer's own address", body.seller_email))
    if found["seller_country"] == body.consumer_country and body.consumer_country in states:
        rule = "must differ from consumer_country: this mechanism is for cross-border purchases"
        errors.append(FieldError("seller_country", rule, found["seller_country"]))
    if body.seller_url and not body.seller_url.lower().startswith(("https://", "http://")):
        errors.append(
            FieldError("seller_url", "must be a web address starting with https:// or http://", body.seller_url)
        )
    # "Today" where the consumer is: an order placed this morning in Manila is not in the future.
    local_today = today()
    if body.consumer_country in states:
        local_today = deadlines.local_date(utcnow(), zone_of(body.consumer_country))
    if body.order_date > local_today:
        errors.append(FieldError("order_date", "must not be in the future", body.order_date.isoformat()))
    try:
        found["amount"] = parse_amount(body.amount, body.currency, "amount", "currency")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed("the complaint has errors", errors=errors)
    return found


def parse_amount(value: str, currency: str | None, path: str, currency_path: str) -> Decimal:
    """A positive amount below 10^15 with at most 4 decimals, in an ISO 4217 currency."""
    errors: list[FieldError] = []
    amount = Decimal(0)
    try:
        amount = to_decimal(value, path=path)
        if amount <= 0 or amount >= Decimal("1e15") or int(amount.as_tuple().exponent) < -4:
            errors.append(FieldError(path, "must be positive, below 10^15, with at most 4 decimals", value))
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if currency not in _CURRENCIES:
        errors.append(FieldError(currency_path, "must be an ISO 4217 currency code", currency))
    if errors:
        raise ValidationFailed("bad amount", errors=errors)
    return amount


def _new_reference(session: Session) -> str:
    while True:
        reference = f"RC-{utcnow():%Y}-{secrets.token_hex(4).upper()}"
        if session.execute(select(RedressCase.id).where(RedressCase.reference == reference)).first() is None:
            return reference


def _existing(session: Session, email: str, client_reference: str) -> RedressCase | None:
    return session.execute(
        select(RedressCase).where(RedressCase.consumer_email == email, RedressCase.client_reference == client_reference)
    ).scalar_one_or_none()


def file(session: Session, body: ComplaintIn) -> tuple[RedressCase, bool]:
    """File (or find again) a complaint; it waits for the consumer's confirmation. The caller commits."""
    found = _checked(body, session)
    email = str(found["consumer_email"])
    existing = _existing(session, email, body.client_reference)
    if existing is not None:
        return existing, False
    settings = odr_settings()
    zone = settings.zone(body.consumer_country)
    now = utcnow()
    days = settings.deadlines(body.consumer_country).verification_days
    case = RedressCase(
        reference=_new_reference(session), client_reference=body.client_reference, language=body.language,
        consumer_name=body.consumer_name.strip(), consumer_email=email, consumer_country=body.consumer_country,
        seller_name=str(found["seller_name"]).strip(), seller_url=body.seller_url,
        seller_email=found.get("seller_email"), seller_country=str(found["seller_country"]),
        seller_business_id=found["seller_business_id"], seller_org_id=found["seller_org_id"],
        order_date=body.order_date, amount=found["amount"], currency=body.currency,
        category=body.category, remedy=body.remedy, description=body.description.strip(),
        handling_country=body.consumer_country, stage=Stage.pending_verification.value, stage_started_at=now,
        due_at=deadlines.due_at(now, days, zone), created_at=now, filed_month=f"{now:%Y-%m}",
    )  # fmt: skip
    try:
        with savepoint(session):
            session.add(case)
            session.flush()
    except IntegrityError:  # the same filing arrived twice at once: the first one stands
        again = _existing(session, email, body.client_reference)
        if again is None:
            raise
        return again, False
    timeline.add(session, case, Actor(Party.consumer.value, Party.consumer.value, body.consumer_country), "filed")
    notify.verification(session, case)
    return case, True


def verify(session: Session, token: str, now: datetime | None = None) -> tuple[RedressCase, bool]:
    """The consumer's first use of the link confirms the complaint and opens negotiation. Using it
    again later just opens the case. Answers the case and whether this use confirmed it."""
    now = now or utcnow()
    link = session.execute(
        select(PartyLink).where(PartyLink.token_hash == token_hash(token)).with_for_update()
    ).scalar_one_or_none()
    if link is None or link.expires_at <= now:
        raise NotFound("this link is unknown or has expired")
    case = session.get(RedressCase, link.case_id, with_for_update=True, populate_existing=True)
    assert case is not None
    link.used_at = link.used_at or now
    if link.party == Party.consumer.value and case.stage == Stage.pending_verification.value:
        stages.require("verify", case.stage)
        # The link that confirmed the complaint stays the consumer's key for as long as any other.
        link.expires_at = max(link.expires_at, now + timedelta(days=notify.ACCESS_LINK_DAYS))
        open_negotiation(session, case, now)
        return case, True
    return case, False


def open_negotiation(session: Session, case: RedressCase, now: datetime) -> None:
    settings = odr_settings()
    zone = settings.zone(case.handling_country)
    periods = settings.deadlines(case.handling_country)
    case.verified_at = now
    case.stage, case.stage_started_at = Stage.negotiation.value, now
    case.due_at = deadlines.due_at(now, periods.negotiation_days, zone)
    case.seller_due_at = deadlines.due_at(now, periods.seller_response_days, zone)
    timeline.add(session, case, Actor(Party.consumer.value, Party.consumer.value, case.consumer_country), "verified")
    notify.in_app(session, case, notify.authority_audiences(case), "filed")
    notify.seller_notice(session, case, deadlines.last_day(case.seller_due_at, zone).isoformat())
