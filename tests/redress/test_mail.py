"""The e-mail outbox over real SMTP: a sink process on loopback receives what is due; while the mail
server is down nothing is lost (attempts are counted, the next one is scheduled with backoff); when
it is back every message arrives exactly once. Complaint e-mails go out in the consumer's language."""

from __future__ import annotations

import email
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core import mail
from crossborder.core.db import get_sessionmaker
from crossborder.core.mail_models import MailStatus, OutgoingMail
from crossborder.redress import mail_texts
from tests.redress.helpers import URL, complaint

SINK = Path(__file__).with_name("smtp_sink.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder = port, folder
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, our own sink script
            [sys.executable, str(SINK), str(self.port), str(self.folder)],
                                        stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def messages(self) -> list[Message]:
        return [email.message_from_bytes(p.read_bytes()) for p in sorted(self.folder.glob("*.eml"))]


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Sink]:
    running = Sink(_free_port(), tmp_path)
    running.start()
    yield running
    running.stop()


def _settings(sink: Sink) -> mail.SmtpSettings:
    return mail.SmtpSettings(host="127.0.0.1", port=sink.port, starttls=False, user=None, password=None,
                             sender="crossborder <no-reply@test.invalid>", timeout=5)  # fmt: skip


def test_nothing_is_lost_while_the_server_is_down(sink: Sink, db: Session) -> None:
    for n in range(3):
        mail.enqueue(db, f"person{n}@example.org", f"Subject {n}", f"Body {n}")
    assert mail.enqueue(db, "x@example.org", "s", "b", dedupe_key="k") is not None
    assert mail.enqueue(db, "x@example.org", "s", "b", dedupe_key="k") is None  # queued once
    db.commit()
    sink.stop()
    down = mail.deliver_due(get_sessionmaker(), settings=_settings(sink))
    assert (down.sent, down.retried) == (0, 4)
    db.expire_all()
    rows = db.execute(select(OutgoingMail)).scalars().all()
    assert {r.status for r in rows} == {MailStatus.queued.value} and {r.attempts for r in rows} == {1}
    assert all(r.last_error and "@" not in r.last_error for r in rows)  # no address in the error column
    # Not due yet: the next attempt waits for the backoff.
    sink.start()
    assert mail.deliver_due(get_sessionmaker(), settings=_settings(sink)).sent == 0
    later = rows[0].next_attempt_at + timedelta(seconds=1)
    up = mail.deliver_due(get_sessionmaker(), now=later, settings=_settings(sink))
    assert up.sent == 4
    assert mail.deliver_due(get_sessionmaker(), now=later, settings=_settings(sink)).sent == 0
    db.expire_all()
    assert {r.body for r in db.execute(select(OutgoingMail)).scalars()} == {mail.REDACTED}  # no access link kept
    received = sink.messages()
    assert sorted(m["To"] for m in received) == sorted([f"person{n}@example.org" for n in range(3)] + ["x@example.org"])


def test_a_message_fails_after_the_last_attempt(db: Session) -> None:
    mail.enqueue(db, "a@example.org", "s", "b")
    db.commit()
    dead = mail.SmtpSettings(host="127.0.0.1", port=_free_port(), starttls=False, user=None, password=None,
                             sender="x@test.invalid", timeout=2)  # fmt: skip
    now = mail.utcnow()
    for _ in range(mail.MAX_ATTEMPTS):
        mail.deliver_due(get_sessionmaker(), now=now, settings=dead)
        now += mail.LONGEST_RETRY + timedelta(seconds=1)
    db.expire_all()
    row = db.execute(select(OutgoingMail)).scalar_one()
    assert (row.status, row.attempts) == (MailStatus.failed.value, mail.MAX_ATTEMPTS)


def test_complaint_mail_reaches_the_consumer_in_malay(sink: Sink, client: TestClient, db: Session) -> None:
    assert client.post(f"{URL}/complaints", json=complaint(language="ms")).status_code == 202
    assert mail.deliver_due(get_sessionmaker(), settings=_settings(sink)).sent == 1
    deadline = time.monotonic() + 5
    while not sink.messages() and time.monotonic() < deadline:
        time.sleep(0.05)
    [message] = sink.messages()
    assert message["To"] == "arif@example.my" and message["Content-Language"] == "ms"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "/redress/access?token=cbr_" in body
    reference = db.execute(select(OutgoingMail.subject)).scalar_one().rsplit(" ", 1)[-1]
    malay, _ = mail_texts.render("verify", "ms", reference=reference, seller="x", days="7", link="x")
    english, _ = mail_texts.render("verify", "en", reference=reference, seller="x", days="7", link="x")
    assert str(message["Subject"]) == malay != english
