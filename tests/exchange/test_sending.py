"""Sending several messages in one post: how claimed messages are grouped, and a worker's outcome for
each message whatever the receiver makes of the batch (no batch inbox, too large, a broken answer)."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.exchange import delivery, sending
from crossborder.exchange.models import OutboxMessage
from crossborder.exchange.sending import Claimed
from crossborder.exchange.transport import Reply, TransportError
from tests.exchange.fakes import Clock, FakeReceiver
from tests.exchange.test_outbox import _queue

pytestmark = pytest.mark.usefixtures("receiver")


def _claimed(i: int, to: str = "my.customs", size: int = 100) -> Claimed:
    return Claimed(i, f"m-{i}", to, "test-json", b"x" * size, "d", 1, "SG", None)


def test_small_messages_of_one_receiver_share_a_post_and_large_ones_go_alone() -> None:
    messages = [_claimed(1), _claimed(2, to="th.customs"), _claimed(3), _claimed(4, size=sending.ALONE_BYTES + 1)]
    messages += [_claimed(i) for i in range(5, 9)]
    posts = [[m.id for m in post] for post in sending.chunks(messages, 3)]
    assert posts == [[1, 3, 5], [2], [4], [6, 7, 8]]
    assert [[m.id for m in p] for p in sending.chunks(messages[:3], 1)] == [[1], [2], [3]]


def test_a_post_holds_at_most_batch_bytes_of_payload() -> None:
    posts = sending.chunks([_claimed(i, size=sending.ALONE_BYTES) for i in range(6)], 64)
    assert [len(p) for p in posts] == [sending.BATCH_BYTES // sending.ALONE_BYTES, 2]


class Wrapped:
    """The fake receiver, with the batch inbox answered by ANSWER(body) instead, when it returns one."""

    def __init__(self, inner: FakeReceiver, answer: Any) -> None:
        self.fake, self.answer, self.urls = inner, answer, list[str]()

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        self.urls.append(url)
        if url.endswith(sending.BATCH_SUFFIX):
            replaced = self.answer(body)
            if replaced is not None:
                return replaced  # type: ignore[no-any-return]
        return self.fake.post(url, body, timeout)

    def close(self) -> None:
        pass


def _statuses(db: Session) -> set[str]:
    db.rollback()
    return {r.status for r in db.execute(select(OutboxMessage)).scalars()}


def test_messages_travel_in_batches_and_each_is_delivered_once(
    client: TestClient,
    officer: dict[str, str],
    fake: FakeReceiver,
    clock: Clock,
    db: Session,
) -> None:
    ids = [_queue(client, officer, f"inv-{i}").json()["message_id"] for i in range(20)]
    summary = delivery.deliver_batch(fake, now=clock)
    assert summary.accepted == 20 and sum(fake.batches) == 20 and max(fake.batches) <= 8
    assert set(fake.posts) == set(ids) and set(fake.posts.values()) == {1}
    assert _statuses(db) == {"accepted"}


def test_a_receiver_without_a_batch_inbox_gets_them_one_by_one(
    client: TestClient,
    officer: dict[str, str],
    fake: FakeReceiver,
    clock: Clock,
    db: Session,
) -> None:
    for i in range(6):
        _queue(client, officer, f"inv-{i}")
    older = Wrapped(fake, lambda _body: Reply(405, "application/json", b'{"detail": "Method Not Allowed"}'))
    assert delivery.deliver_batch(older, now=clock).accepted == 6
    assert sum(u.endswith(sending.BATCH_SUFFIX) for u in older.urls) == 1  # asked once, then remembered
    assert len(fake.posts) == 6 and fake.batches == []
    for i in range(6, 9):
        _queue(client, officer, f"inv-{i}")
    assert delivery.deliver_batch(older, now=Clock()).accepted == 3
    assert sum(u.endswith(sending.BATCH_SUFFIX) for u in older.urls) == 1


def test_a_batch_over_the_body_limit_is_sent_one_by_one(
    client: TestClient,
    officer: dict[str, str],
    fake: FakeReceiver,
    clock: Clock,
    db: Session,
) -> None:
    for i in range(3):
        _queue(client, officer, f"inv-{i}")
    limited = Wrapped(fake, lambda _body: Reply(413, "application/problem+json", b'{"detail": "too large"}'))
    assert delivery.deliver_batch(limited, now=clock).accepted == 3
    assert [u.endswith(sending.BATCH_SUFFIX) for u in limited.urls] == [True, False, False, False]


def test_an_answer_that_is_not_one_per_message_is_a_retry(
    client: TestClient,
    officer: dict[str, str],
    fake: FakeReceiver,
    clock: Clock,
    db: Session,
) -> None:
    for i in range(3):
        _queue(client, officer, f"inv-{i}")
    short = Wrapped(fake, lambda _body: Reply(200, "application/json", json.dumps({"answers": []}).encode()))
    summary = delivery.deliver_batch(short, now=clock, rng=random.Random(1))
    assert summary.retried == 3 and _statuses(db) == {"queued"}
    db.rollback()
    assert all(r.last_error.startswith("bad_receipt: bad_batch") for r in db.execute(select(OutboxMessage)).scalars())


def test_an_unreachable_or_busy_batch_inbox_retries_every_message(
    client: TestClient,
    officer: dict[str, str],
    fake: FakeReceiver,
    clock: Clock,
    db: Session,
) -> None:
    for i in range(3):
        _queue(client, officer, f"inv-{i}")

    def down(_body: bytes) -> Reply:
        raise TransportError("ConnectError: connection refused")

    assert delivery.deliver_batch(Wrapped(fake, down), now=clock, rng=random.Random(1)).retried == 3
    clock.now += timedelta(days=1)
    busy = Wrapped(fake, lambda _body: Reply(503, "text/plain", b"busy"))
    assert delivery.deliver_batch(busy, now=clock, rng=random.Random(1)).retried == 3
    db.rollback()
    assert {r.last_error.split(":")[0] for r in db.execute(select(OutboxMessage)).scalars()} == {"refused"}
