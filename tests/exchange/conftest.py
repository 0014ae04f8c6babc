"""Exchange test set-up: the test-only document type, fresh caches per test (tables are emptied
between tests, so a key cached by an earlier test no longer exists), and the delivery fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.exchange import identity, nodes, sending
from crossborder.exchange.testtypes import register_test_types
from tests import factories as f
from tests.exchange.fakes import Clock, FakeReceiver
from tests.exchange.material import Peer

register_test_types()


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    identity.forget_cached_key()
    nodes.forget_cached_senders()
    sending.forget_no_batch()
    yield
    identity.forget_cached_key()
    nodes.forget_cached_senders()
    sending.forget_no_batch()


@pytest.fixture
def receiver(db: Session) -> Peer:
    made = Peer("my.customs", "MY")
    made.register(db)
    return made


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(client: TestClient, receiver: Peer, clock: Clock) -> FakeReceiver:
    from crossborder.core.keys import keys_from_jwks

    def sender_keys() -> dict[str, Any]:
        return dict(keys_from_jwks(client.get("/api/v1/exchange/node").json()["jwks"]))

    return FakeReceiver(receiver, sender_keys, clock)


@pytest.fixture
def officer(db: Session) -> dict[str, str]:
    _, token = f.caller(db, Role.customs_officer, country="SG")
    return f.bearer(token)


@pytest.fixture
def peer(db: Session) -> Peer:
    made = Peer("sg.customs", "SG")
    made.register(db)
    return made
