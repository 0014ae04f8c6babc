"""Exchange test set-up: the test-only document type, and a fresh signing-key cache per test
(tables are emptied between tests, so a key cached by an earlier test no longer exists)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from crossborder.exchange import identity, nodes
from crossborder.exchange.testtypes import register_test_types
from tests.exchange.material import Peer

register_test_types()


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    identity.forget_cached_key()
    nodes.forget_cached_senders()
    yield
    identity.forget_cached_key()
    nodes.forget_cached_senders()


@pytest.fixture
def peer(db: Session) -> Peer:
    made = Peer("sg.customs", "SG")
    made.register(db)
    return made
