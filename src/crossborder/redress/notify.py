"""Telling people what happened on a case: an in-app notification per audience, and e-mail through
the outbox (core/mail.py) in the transaction of the change, so nothing is lost if SMTP is down.
A party without an account gets a fresh access link in each e-mail (only its hash is stored)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from crossborder.core import mail
from crossborder.core.dates import utcnow
from crossborder.redress import mail_texts
from crossborder.redress.access import token_hash
from crossborder.redress.models import Notification, Party, PartyLink, RedressCase
from crossborder.redress.settings import odr_settings

ACCESS_LINK_DAYS = 90


def public_url() -> str:
    return os.environ.get("CROSSBORDER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def new_link(session: Session, case: RedressCase, party: str, days: int) -> str:
    """A fresh access link for `party`; the token is in the query string, which logs never keep."""
    token = "cbr_" + secrets.token_urlsafe(24)
    session.add(
        PartyLink(
            case_id=case.id, party=party, token_hash=token_hash(token), expires_at=utcnow() + timedelta(days=days)
        )
    )
    return f"{public_url()}/redress/access?token={token}"


def authority_audiences(case: RedressCase) -> list[str]:
    return [f"authority:{c}" for c in sorted({case.consumer_country, case.seller_country, case.handling_country})]


def in_app(session: Session, case: RedressCase, audiences: list[str], kind: str) -> None:
    for audience in dict.fromkeys(audiences):
        session.add(Notification(case_id=case.id, audience=audience, kind=kind))


def party_audiences(case: RedressCase) -> list[str]:
    found = [f"party:{Party.consumer.value}", f"party:{Party.seller.value}"]
    if case.seller_org_id is not None:
        found.append(f"org:{case.seller_org_id}")
    if case.neutral_user_id is not None:
        found.append(f"user:{case.neutral_user_id}")
    return found


def everyone(session: Session, case: RedressCase, event: str, *, skip: str | None = None) -> None:
    """An update to both parties (in-app and e-mail) and both authorities (in-app). Before the
    consumer confirms, only the consumer hears of it."""
    if case.verified_at is None:
        in_app(session, case, [f"party:{Party.consumer.value}"], event)
        parties: tuple[tuple[str, str | None], ...] = ((Party.consumer.value, case.consumer_email),)
    else:
        in_app(session, case, party_audiences(case) + authority_audiences(case), event)
        parties = ((Party.consumer.value, case.consumer_email), (Party.seller.value, case.seller_email))
    for party, address in parties:
        if address and party != skip:
            link = new_link(session, case, party, ACCESS_LINK_DAYS)
            language = case.language if party == Party.consumer.value else "en"
            subject, body = mail_texts.render("update", language, reference=case.reference, event=event, link=link)
            mail.enqueue(session, address, subject, body, language=language)


def verification(session: Session, case: RedressCase) -> None:
    """The confirmation link: valid exactly until the unconfirmed complaint lapses."""
    assert case.due_at is not None
    link = new_link(session, case, Party.consumer.value, 1)
    session.flush()
    session.execute(
        update(PartyLink)
        .where(PartyLink.case_id == case.id, PartyLink.party == Party.consumer.value)
        .values(expires_at=case.due_at)
    )
    days = odr_settings().deadlines(case.handling_country).verification_days
    subject, body = mail_texts.render(
        "verify", case.language, reference=case.reference, seller=case.seller_name, days=str(days), link=link
    )
    mail.enqueue(
        session, case.consumer_email, subject, body, language=case.language, dedupe_key=f"{case.reference}:verify"
    )


def seller_notice(session: Session, case: RedressCase, due: str) -> None:
    if case.seller_org_id is not None:
        in_app(session, case, [f"org:{case.seller_org_id}"], "filed")
    if case.seller_email:
        link = new_link(session, case, Party.seller.value, ACCESS_LINK_DAYS)
        subject, body = mail_texts.render(
            "seller_notice", "en", reference=case.reference, country=case.consumer_country, due=due, link=link
        )
        mail.enqueue(session, case.seller_email, subject, body, dedupe_key=f"{case.reference}:seller_notice")
