"""The outbox and the delivery worker, with a fake transport playing the receiving node:
queueing is idempotent, retries back off, dead-lettering after the limit, receipts must verify,
and two workers never send one message twice."""

from __future__ import annotations

import dataclasses
import json
import random
import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.dates import utcnow
from crossborder.core.db import get_sessionmaker
from crossborder.exchange import delivery, receipts, sending
from crossborder.exchange.models import DeliveryAttempt, OutboxMessage
from crossborder.exchange.settings import exchange_settings
from crossborder.exchange.transport import Reply, TransportError
from tests import factories as f
from tests.exchange.fakes import Clock, FakeReceiver
from tests.exchange.material import Peer, doc


@pytest.fixture(autouse=True)
def _registered(receiver: Peer) -> None:
    """Every test here sends to the registered receiver node."""


def _queue(client: TestClient, headers: dict[str, str], ref: str, payload: bytes = doc(), **extra: Any) -> Any:
    body = {
        "receiver": "my.customs",
        "document_type": "test-json",
        "client_reference": ref,
        "payload": payload.decode(),
    }
    return client.post("/api/v1/exchange/outbox", headers=headers, json={**body, **extra})


def _row(db: Session, message_id: str) -> OutboxMessage:
    db.rollback()
    return db.execute(select(OutboxMessage).where(OutboxMessage.message_id == message_id)).scalar_one()


def _attempts(db: Session, row: OutboxMessage) -> list[DeliveryAttempt]:
    return list(
        db.execute(
            select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == row.id).order_by(DeliveryAttempt.number)
        ).scalars()
    )


def test_queue_is_idempotent_on_client_reference(client: TestClient, officer: dict[str, str], db: Session) -> None:
    first = _queue(client, officer, "inv-1")
    assert first.status_code == 201 and first.json()["status"] == "queued"
    again = _queue(client, officer, "inv-1")
    assert again.status_code == 200 and again.json()["message_id"] == first.json()["message_id"]
    clash = _queue(client, officer, "inv-1", doc(amount=2))
    assert clash.status_code == 409 and clash.json()["errors"][0]["path"] == "client_reference"
    assert len(list(db.execute(select(OutboxMessage)).scalars())) == 1


def test_queue_refuses_unknown_receivers_and_types_naming_every_field(
    client: TestClient, officer: dict[str, str]
) -> None:
    response = _queue(client, officer, "x", receiver="th.customs")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "receiver"
    response = _queue(client, officer, "y", document_type="form-d")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "document_type"
    response = client.post(
        "/api/v1/exchange/outbox",
        headers=officer,
        json={"receiver": "My Customs", "document_type": "test-json", "client_reference": "z"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "receiver"
    response = client.post(
        "/api/v1/exchange/outbox",
        headers=officer,
        json={"receiver": "my.customs", "document_type": "test-json", "client_reference": "z"},
    )
    assert response.status_code == 422 and "exactly one of payload" in response.json()["errors"][0]["rule"]


def test_delivery_accepts_with_a_verified_receipt(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    summary = delivery.deliver_batch(fake, now=clock)
    assert summary.accepted == 1
    row = _row(db, message_id)
    assert row.status == "accepted" and row.attempts == 1 and row.receipt and row.delivered_at == clock.now
    seen = client.get(f"/api/v1/exchange/messages/{message_id}", headers=officer).json()
    assert seen["status"] == "accepted" and seen["attempt_log"][0]["outcome"] == "accepted"
    assert seen["attempt_log"][0]["elapsed_ms"] is not None
    actions = set(db.execute(select(AuditEntry.action).where(AuditEntry.entity_id == message_id)).scalars())
    assert actions == {"exchange.message.queued"}
    batch = db.execute(select(AuditEntry).where(AuditEntry.action == "exchange.delivery.batch")).scalar_one()
    assert batch.detail == "accepted 1" and batch.organisation_id == row.organisation_id


def test_a_down_receiver_gets_the_message_when_it_comes_back(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    down = {"now": True}

    def script(_n: int) -> Reply | None:
        if down["now"]:
            raise TransportError("ConnectError: connection refused")
        return None

    fake.script = script
    assert delivery.deliver_batch(fake, now=clock, rng=random.Random(1)).retried == 1
    row = _row(db, message_id)
    assert row.status == "queued" and row.next_attempt_at > clock.start and "unreachable" in row.last_error
    assert delivery.deliver_batch(fake, now=clock).claimed == 0  # not due before its backoff
    clock.now = row.next_attempt_at
    assert delivery.deliver_batch(fake, now=clock, rng=random.Random(1)).retried == 1
    down["now"] = False
    clock.now = _row(db, message_id).next_attempt_at
    assert delivery.deliver_batch(fake, now=clock).accepted == 1
    row = _row(db, message_id)
    assert row.status == "accepted" and row.attempts == 3
    assert [a.outcome for a in _attempts(db, row)] == ["unreachable", "unreachable", "accepted"]


def test_dead_letter_after_the_attempt_limit(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    fake.script = lambda _n: Reply(503, "text/plain", b"busy")
    limit = exchange_settings().attempt_limit
    for _ in range(limit):
        clock.now += timedelta(days=1)
        delivery.deliver_batch(fake, now=clock)
    row = _row(db, message_id)
    assert row.status == "failed" and row.attempts == limit and "503" in row.last_error
    clock.now += timedelta(days=1)
    assert delivery.deliver_batch(fake, now=clock).claimed == 0  # a dead letter is never sent again
    batch = db.execute(select(AuditEntry).where(AuditEntry.action == "exchange.delivery.batch")).scalar_one()
    assert batch.detail == "failed 1"


def test_a_permanent_refusal_dead_letters_at_once(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    problem = {"status": 409, "detail": "replayed", "errors": [{"path": "envelope.message_id", "rule": "replayed: x"}]}
    fake.script = lambda _n: Reply(409, "application/problem+json", json.dumps(problem).encode())
    assert delivery.deliver_batch(fake, now=clock).failed == 1
    assert _row(db, message_id).status == "failed"


def test_a_refusal_that_may_heal_is_retried(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    problem = {"errors": [{"path": "envelope.sender", "rule": "unknown_sender: not registered"}]}
    fake.script = lambda n: Reply(403, "application/problem+json", json.dumps(problem).encode()) if n == 1 else None
    assert delivery.deliver_batch(fake, now=clock).retried == 1
    clock.now += timedelta(hours=1)
    assert delivery.deliver_batch(fake, now=clock).accepted == 1
    assert _row(db, message_id).status == "accepted"


def test_a_receipt_that_does_not_verify_is_not_a_delivery(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    impostor = Peer("my.customs", "MY")  # same node id, a key the registry does not hold

    def script(_n: int) -> Reply:
        receipt = receipts.Receipt("r", message_id, "my.customs", exchange_settings().node_id, "accepted", [], "t", "d")
        token = receipts.issue(receipt, impostor.kid, impostor.private)
        return Reply(200, "application/json", json.dumps({"receipt": token}).encode())

    fake.script = script
    assert delivery.deliver_batch(fake, now=clock).retried == 1
    row = _row(db, message_id)
    assert row.status == "queued" and row.receipt is None and row.last_error.startswith("bad_receipt: unknown_key")


def test_two_workers_never_send_a_message_twice(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, clock: Clock, db: Session
) -> None:
    ids = [_queue(client, officer, f"inv-{i}").json()["message_id"] for i in range(150)]
    clock.now = utcnow() + timedelta(seconds=1)  # all due
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        while delivery.deliver_batch(fake, now=clock).claimed:
            pass

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(fake.posts) == set(ids) and set(fake.posts.values()) == {1}
    db.rollback()
    assert {r.status for r in db.execute(select(OutboxMessage)).scalars()} == {"accepted"}


def test_an_expired_lease_is_taken_over_and_the_late_result_is_dropped(
    client: TestClient, officer: dict[str, str], clock: Clock, db: Session
) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    settings = exchange_settings()
    session = get_sessionmaker()()
    try:
        (first,) = delivery.claim(session, clock.now, "lease-a", 10, settings.lease_seconds)
        assert delivery.claim(session, clock.now, "lease-b", 10, settings.lease_seconds) == []
        later = clock.now + timedelta(seconds=settings.lease_seconds + 1)
        (second,) = delivery.claim(session, later, "lease-b", 10, settings.lease_seconds)
        assert second.attempts == 2
        late = sending.Outcome("accepted", "accepted", 200, "", "token", [])
        assert delivery.record(session, [(first, late)], "lease-a", settings, later) == [""]
        session.commit()
    finally:
        session.close()
    assert _row(db, message_id).status == "sent"


def test_outbox_is_scoped_to_the_callers_organisation(client: TestClient, officer: dict[str, str], db: Session) -> None:
    message_id = _queue(client, officer, "inv-1").json()["message_id"]
    _, other = f.caller(db, Role.business_user, country="SG")
    assert client.get("/api/v1/exchange/messages?direction=out", headers=f.bearer(other)).json()["messages"] == []
    assert client.get(f"/api/v1/exchange/messages/{message_id}", headers=f.bearer(other)).status_code == 404
    mine = client.get("/api/v1/exchange/messages?direction=out&status=queued", headers=officer).json()["messages"]
    assert [m["message_id"] for m in mine] == [message_id]


@pytest.mark.parametrize("attempt", [1, 2, 5, 10, 40, 100])
def test_backoff_grows_exponentially_with_jitter_and_is_capped(attempt: int) -> None:
    base, cap = 2.0, 600.0
    ceiling = min(cap, base * 2 ** (attempt - 1))
    waits = [delivery.backoff(attempt, base, cap, random.Random(seed)) for seed in range(50)]
    assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert len(set(waits)) > 1  # jittered: many messages failing together do not retry together


def test_the_worker_keeps_several_batches_in_flight_and_sends_each_message_once(
    client: TestClient, officer: dict[str, str], fake: FakeReceiver, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [_queue(client, officer, f"inv-{i}").json()["message_id"] for i in range(45)]
    settings = dataclasses.replace(exchange_settings(), batch_size=4, concurrency=3, batches_in_flight=3)
    monkeypatch.setattr(delivery, "exchange_settings", lambda: settings)
    seen: list[int] = []
    summary = delivery.deliver(fake, on_batch=lambda batch: seen.append(batch.claimed))
    assert summary.claimed == summary.accepted == 45 and sum(seen) == 45 and max(seen) <= 4
    assert set(fake.posts) == set(ids) and set(fake.posts.values()) == {1}
    db.rollback()
    assert {r.status for r in db.execute(select(OutboxMessage)).scalars()} == {"accepted"}
    batches = db.execute(select(AuditEntry).where(AuditEntry.action == "exchange.delivery.batch")).scalars().all()
    assert len(batches) == len(seen) and sum(int(b.detail.split()[1]) for b in batches) == 45
