"""The batch inbox: several messages in one post, each answered exactly as the single inbox would
answer it (receipt or problem), stored together yet each exactly once; and the group writer behind
both inboxes."""

from __future__ import annotations

import base64
import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.audit.models import AuditEntry
from crossborder.core.dates import utcnow
from crossborder.core.db import get_sessionmaker
from crossborder.documents import service as documents
from crossborder.documents.models import StoredDocument
from crossborder.exchange import inbox, inbox_store
from crossborder.exchange.models import InboxMessage
from crossborder.exchange.settings import INBOX_BATCH_PATH, INBOX_PATH
from tests.exchange.material import Peer, doc


def _count(db: Session, model: Any) -> int:
    db.rollback()
    return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def _audited(db: Session) -> int:
    db.rollback()
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "exchange_inbox")
    return int(db.execute(query).scalar_one())


def _post(client: TestClient, messages: list[dict[str, str]]) -> list[dict[str, Any]]:
    response = client.post(INBOX_BATCH_PATH, json={"messages": messages})
    assert response.status_code == 200, response.text
    answers: list[dict[str, Any]] = response.json()["answers"]
    assert len(answers) == len(messages)
    return answers


def test_each_message_gets_what_the_single_inbox_answers(client: TestClient, peer: Peer, db: Session) -> None:
    good, good_env = peer.message(doc())
    invalid, _ = peer.message(b'{"amount": -3}')
    stranger, _ = Peer("zz.unknown", "TH").message(doc())
    tampered = {**peer.message(doc())[0], "payload": base64.b64encode(doc(amount=1)).decode()}
    not_base64 = {**peer.message(doc())[0], "payload": "not base64!"}
    answers = _post(client, [good, invalid, stranger, tampered, not_base64])

    assert [a["http_status"] for a in answers] == [200, 200, 403, 422, 422]
    assert answers[0]["answer"]["status"] == "accepted" and answers[0]["answer"]["repeat"] is False
    assert answers[1]["answer"]["status"] == "rejected"
    assert answers[2]["answer"]["errors"][0]["rule"].startswith("unknown_sender:")
    assert answers[3]["answer"]["errors"][0]["rule"].startswith("digest_mismatch:")
    assert answers[4]["answer"]["errors"][0]["path"] == "payload"
    # The same as the single inbox: a repeat of the accepted one answers its first receipt.
    again = client.post(
        INBOX_PATH, json={**good, "envelope": peer.sign(peer.envelope(doc(), message_id=good_env.message_id))}
    )
    assert again.json()["receipt"] == answers[0]["answer"]["receipt"] and again.json()["repeat"] is True
    assert _count(db, InboxMessage) == 2 and _count(db, StoredDocument) == 2 and _audited(db) == 2


def test_a_message_twice_in_one_batch_is_stored_once(client: TestClient, peer: Peer, db: Session) -> None:
    body, env = peer.message(doc())
    resigned = {**body, "envelope": peer.sign(peer.envelope(doc(), message_id=env.message_id))}
    other, _ = peer.message(doc(ident="INV-2"))
    answers = _post(client, [body, resigned, other])
    assert [a["http_status"] for a in answers] == [200, 200, 200]
    assert answers[0]["answer"]["receipt"] == answers[1]["answer"]["receipt"]
    assert [a["answer"]["repeat"] for a in answers] == [False, True, False]
    assert _count(db, InboxMessage) == 2 and _count(db, StoredDocument) == 2 and _audited(db) == 2


def test_a_replay_with_another_payload_in_a_batch_is_refused_alone(client: TestClient, peer: Peer, db: Session) -> None:
    body, env = peer.message(doc())
    client.post(INBOX_PATH, json=body)
    other = doc(amount=99)
    replay = {
        "envelope": peer.sign(peer.envelope(other, message_id=env.message_id)),
        "payload": base64.b64encode(other).decode(),
    }
    fresh, _ = peer.message(doc(ident="INV-3"))
    answers = _post(client, [replay, fresh])
    assert [a["http_status"] for a in answers] == [409, 200]
    assert answers[0]["answer"]["errors"][0]["rule"].startswith("replayed")
    assert _count(db, InboxMessage) == 2


def test_a_batch_takes_at_most_64_messages(client: TestClient, peer: Peer) -> None:
    body, _ = peer.message(doc())
    assert client.post(INBOX_BATCH_PATH, json={"messages": [body] * 65}).status_code == 422
    assert client.post(INBOX_BATCH_PATH, json={"messages": []}).status_code == 422


def test_concurrent_requests_are_written_together_and_each_once(peer: Peer, db: Session) -> None:
    """Eight threads, each with its own messages and one message all of them send: every message is
    stored once, with its document and audit entry, and every thread gets the same first receipt."""
    shared_payload = doc(ident="SHARED")
    shared_token = peer.sign(peer.envelope(shared_payload))
    own = [[peer.message(doc(ident=f"T{t}-{i}"))[0] for i in range(5)] for t in range(8)]
    shared_answers: list[str] = []
    barrier = threading.Barrier(8)

    def work(t: int) -> None:
        session = get_sessionmaker()()
        try:
            barrier.wait()
            for m in own[t]:
                assert inbox.receive(session, m["envelope"], base64.b64decode(m["payload"])).status == "accepted"
            shared_answers.append(inbox.receive(session, shared_token, shared_payload).receipt)
        finally:
            session.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(shared_answers) == 8 and len(set(shared_answers)) == 1
    assert _count(db, InboxMessage) == 41 and _count(db, StoredDocument) == 41 and _audited(db) == 41


def test_the_document_row_is_what_store_received_would_write(peer: Peer, db: Session) -> None:
    """The group writer inserts documents as plain rows; they must not drift from the documents service."""
    from crossborder.core.access.principal import Principal

    payload = b'{"document_type": "acdd", "permit_number": "SG-1"}'
    pending = inbox.prepare(db, peer.sign(peer.envelope(payload, document_type="acdd")), payload, utcnow)
    db.rollback()
    row = pending.document_row()
    principal = Principal(actor=pending.principal.actor, organisation_id=None, country=None)
    reference = documents.store_received(
        db, principal, "acdd", payload, row["validation"], country=pending.country,
        received_from=pending.env.sender, message_id=pending.env.message_id,
    )  # fmt: skip
    expected = {c: getattr(reference, c) for c in row if c != "id"}
    db.rollback()
    assert {c: v for c, v in row.items() if c != "id"} == expected
    assert row["document_number"] == "SG-1" and row["valid"] is False


def test_an_unexpected_error_reaches_its_own_message_only(peer: Peer, db: Session, monkeypatch: Any) -> None:
    """A group whose transaction fails is written again message by message: only the failing one fails."""
    good = [
        inbox.prepare(db, peer.sign(peer.envelope(doc(ident=f"G{i}"))), doc(ident=f"G{i}"), utcnow) for i in range(3)
    ]
    bad = inbox.prepare(db, peer.sign(peer.envelope(doc(ident="BAD"))), doc(ident="BAD"), utcnow)
    db.rollback()
    real_row = inbox_store.Pending.row

    def row(self: inbox_store.Pending) -> dict[str, Any]:
        made = real_row(self)
        return {**made, "sender": None} if self is bad else made  # NOT NULL: the database refuses it

    monkeypatch.setattr(inbox_store.Pending, "row", row)
    inbox_store.writer.store_all(db, [*good, bad])
    assert [p.error for p in good] == [None, None, None] and bad.error is not None
    assert _count(db, InboxMessage) == 3 and _audited(db) == 3
