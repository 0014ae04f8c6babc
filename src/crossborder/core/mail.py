"""E-mail through an outbox over SMTP. `enqueue` stores a message in the caller's transaction;
`deliver_due` sends what is due, one message per SMTP transaction, with exponential backoff and a
`failed` state after the last attempt. Two workers never send the same message: a row is leased
with a conditional UPDATE before it is sent.

Settings (environment): CROSSBORDER_SMTP_HOST (unset: mail stays queued, nothing is lost),
CROSSBORDER_SMTP_PORT (25), CROSSBORDER_SMTP_STARTTLS (0/1), CROSSBORDER_SMTP_USER and
CROSSBORDER_SMTP_PASSWORD (never logged), CROSSBORDER_MAIL_FROM."""

from __future__ import annotations

import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crossborder.core.dates import utcnow
from crossborder.core.db import savepoint
from crossborder.core.mail_models import MailStatus, OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=2)
REDACTED = "(removed once the message was sent or given up)"


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int
    starttls: bool
    user: str | None
    password: str | None
    sender: str
    timeout: float = 10.0


def smtp_settings() -> SmtpSettings:
    return SmtpSettings(
        host=os.environ.get("CROSSBORDER_SMTP_HOST") or None,
        port=int(os.environ.get("CROSSBORDER_SMTP_PORT", "25")),
        starttls=os.environ.get("CROSSBORDER_SMTP_STARTTLS", "0") == "1",
        user=os.environ.get("CROSSBORDER_SMTP_USER") or None,
        password=os.environ.get("CROSSBORDER_SMTP_PASSWORD") or None,
        sender=os.environ.get("CROSSBORDER_MAIL_FROM", "crossborder <no-reply@localhost>"),
    )


def enqueue(
    session: Session, to: str, subject: str, body: str, *, language: str = "en", dedupe_key: str | None = None
) -> OutgoingMail | None:
    """Queue one message in the caller's transaction. A repeated dedupe key queues nothing."""
    if dedupe_key is not None:
        found = session.execute(select(OutgoingMail).where(OutgoingMail.dedupe_key == dedupe_key)).scalar_one_or_none()
        if found is not None:
            return None
    row = OutgoingMail(
        to_address=to,
        subject=subject[:300],
        body=body,
        language=language,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    try:
        with savepoint(session):
            session.add(row)
    except IntegrityError:  # a concurrent request queued the same key first
        return None
    return row


def backoff(attempts: int) -> timedelta:
    wait: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(wait, LONGEST_RETRY)


def _message(row: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain="crossborder.local")
    message.set_content(row.body)
    message["Content-Language"] = row.language  # after set_content, which resets content headers
    return message


def _due(factory: sessionmaker[Session], now: datetime, limit: int) -> list[int]:
    with factory() as session:
        return list(
            session.execute(
                select(OutgoingMail.id)
                .where(
                    OutgoingMail.status == MailStatus.queued.value,
                    OutgoingMail.next_attempt_at <= now,
                    or_(OutgoingMail.lease_until.is_(None), OutgoingMail.lease_until < now),
                )
                .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
                .limit(limit)
            ).scalars()
        )


def _lease(session: Session, mail_id: int) -> bool:
    """Take one message just before sending it (a lease taken for a whole batch could run out while
    a slow server holds the batch, and another worker would send the rest again)."""
    at = utcnow()
    taken = session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status == MailStatus.queued.value,
            or_(OutgoingMail.lease_until.is_(None), OutgoingMail.lease_until < at),
        )
        .values(lease_until=at + LEASE)
    )
    session.commit()
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


@dataclass
class MailSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due(
    factory: sessionmaker[Session], now: datetime | None = None, limit: int = 100, settings: SmtpSettings | None = None
) -> MailSummary:
    """Send every due message once. An SMTP error counts an attempt and schedules the next."""
    settings = settings or smtp_settings()
    summary = MailSummary()
    if settings.host is None:
        return summary
    now = now or utcnow()
    ids = _due(factory, now, limit)
    if not ids:
        return summary
    client: smtplib.SMTP | None = None
    try:
        for mail_id in ids:
            with factory() as session:
                if not _lease(session, mail_id):
                    continue
                row = session.get(OutgoingMail, mail_id)
                if row is None:
                    continue
                try:
                    if client is None:
                        client = _connect(settings)
                    client.send_message(_message(row, settings.sender))
                except (OSError, smtplib.SMTPException) as exc:
                    _drop(client)
                    client = None
                    _failed_attempt(row, now, exc, summary)
                else:
                    row.status, row.sent_at, row.lease_until = MailStatus.sent.value, utcnow(), None
                    row.attempts += 1
                    row.body = REDACTED  # it may hold an access link: not kept once delivered
                    summary.sent += 1
                session.commit()
    finally:
        _drop(client)
    return summary


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    assert settings.host is not None
    client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.starttls:
        client.starttls()
    if settings.user and settings.password:
        client.login(settings.user, settings.password)
    return client


def _drop(client: smtplib.SMTP | None) -> None:
    if client is not None:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _failed_attempt(row: OutgoingMail, now: datetime, exc: Exception, summary: MailSummary) -> None:
    row.attempts += 1
    row.lease_until = None
    # The kind of failure and the SMTP code only: a refusal's text can name the recipients.
    code = getattr(exc, "smtp_code", None)
    row.last_error = type(exc).__name__ + (f" (SMTP {code})" if code else "")
    if row.attempts >= MAX_ATTEMPTS:
        row.status = MailStatus.failed.value
        row.body = REDACTED
        summary.failed += 1
        log.warning("mail %s failed after %s attempts", row.id, row.attempts)
    else:
        row.next_attempt_at = now + backoff(row.attempts)
        summary.retried += 1
