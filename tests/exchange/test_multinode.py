"""Three real nodes (separate processes, loopback ports, separate databases) exchange a stream of
documents; the receiver is killed mid-stream and restarted on the same port and database. Every
document must arrive exactly once, every receipt must verify with the receiver's published key,
and both sides must agree on every status.

Waits poll with deadlines; nothing asserts on time."""

from __future__ import annotations

import copy
import json
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossborder.core.keys import keys_from_jwks
from crossborder.documents.validate import document_types, report
from crossborder.exchange import receipts
from crossborder.exchange.envelope import payload_digest
from crossborder.exchange.testtypes import TEST_TYPE
from tests.exchange.nodeproc import Node

EXAMPLES = Path(__file__).resolve().parents[1] / "documents" / "examples"
PER_SENDER = 30
KILL_AFTER = 10  # the receiver is killed once it holds at least this many messages
DEADLINE = 45.0


def _documents() -> tuple[str, bytes, bytes, bool]:
    """(type, a valid document, an invalid one, whether the test type hook is needed): a real
    document type when its owner has registered it and its example validates, else "test-json"."""
    example = EXAMPLES / "acdd-example.json"
    if "acdd" in document_types() and example.exists() and report("acdd", example.read_bytes())["valid"]:
        valid = example.read_bytes()
        broken = json.loads(valid)
        broken_doc: Any = copy.deepcopy(broken)
        broken_doc["total_value"]["amount"] = "999999.99"
        invalid = json.dumps(broken_doc).encode()
        if not report("acdd", invalid)["valid"]:
            return "acdd", valid, invalid, False
    return TEST_TYPE, b'{"id": "INV-1", "amount": 10}', b'{"id": "INV-2", "amount": -1}', True


def _wait(what: str, condition: Callable[[], bool], deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting until {what}")


def _rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as connection:
        return list(connection.execute(sql))


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, Node]]:
    _doc_type, _, _, hook = _documents()
    common = {
        "CROSSBORDER_EXCHANGE_RETRY_BASE_SECONDS": "0.2",  # a down receiver is retried quickly here
        "CROSSBORDER_EXCHANGE_RETRY_MAX_SECONDS": "1",
        "CROSSBORDER_EXCHANGE_ATTEMPT_LIMIT": "1000",  # the outage must not dead-letter anything
        "CROSSBORDER_EXCHANGE_POLL_SECONDS": "0.1",
        **({"CROSSBORDER_EXCHANGE_TEST_TYPES": "1"} if hook else {}),
    }
    sender = {**common, "CROSSBORDER_EXCHANGE_WORKER": "1"}
    nodes = {
        "sg": Node("sg.customs", "SG", tmp_path / "sg", extra_env=dict(sender)),
        "my": Node("my.customs", "MY", tmp_path / "my", extra_env=dict(common)),
        "th": Node("th.customs", "TH", tmp_path / "th", extra_env=dict(sender)),
    }
    try:
        for node in nodes.values():
            node.start()
        for node in nodes.values():
            node.wait_healthy()
            node.make_credentials()
        yield nodes
    finally:
        for node in nodes.values():
            node.kill(signal.SIGTERM)


def _bearer(node: Node, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {node.credentials[role]}"}


def _register_each_other(nodes: dict[str, Node]) -> None:
    for node in nodes.values():
        for peer in nodes.values():
            if peer is node:
                continue
            answer = httpx.post(
                f"{node.url}/api/v1/exchange/nodes/fetch",
                headers=_bearer(node, "admin"),
                json={"url": f"{peer.url}/api/v1/exchange/node"},
                timeout=10,
            )
            assert answer.status_code == 201, answer.text


def _queue(sender: Node, receiver: Node, doc_type: str, payload: bytes, ref: str) -> str:
    answer = httpx.post(
        f"{sender.url}/api/v1/exchange/outbox",
        headers=_bearer(sender, "officer"),
        json={
            "receiver": receiver.node_id,
            "document_type": doc_type,
            "client_reference": ref,
            "payload": payload.decode(),
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["message_id"])


def _outbox(sender: Node) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{sender.url}/api/v1/exchange/messages",
        params={"direction": "out", "limit": 500},
        headers=_bearer(sender, "officer"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["messages"])


@pytest.mark.multinode
def test_three_nodes_exactly_once_through_a_receiver_crash(cluster: dict[str, Node]) -> None:
    sg, my, th = cluster["sg"], cluster["my"], cluster["th"]
    doc_type, valid, invalid, _ = _documents()
    _register_each_other(cluster)

    expected: dict[str, tuple[Node, str]] = {}  # message id -> (sender, expected status)

    def send(start: int, stop: int) -> None:
        for i in range(start, stop):
            for sender in (sg, th):
                bad = i % 10 == 7
                mid = _queue(sender, my, doc_type, invalid if bad else valid, f"{sender.node_id}-{i}")
                expected[mid] = (sender, "rejected" if bad else "accepted")

    send(0, PER_SENDER // 2)
    _wait(
        f"the receiver holds {KILL_AFTER} messages",
        lambda: _rows(my.database, "SELECT count(*) FROM exchange_inbox")[0][0] >= KILL_AFTER,
    )
    my.kill(signal.SIGKILL)  # mid-stream, no goodbye: requests in flight are cut
    send(PER_SENDER // 2, PER_SENDER)
    down = "SELECT count(*) FROM exchange_attempts WHERE outcome = 'unreachable'"
    _wait("a sender finds the receiver down", lambda: any(_rows(n.database, down)[0][0] for n in (sg, th)))
    my.start()  # same port, same database
    my.wait_healthy()

    final = {"accepted", "rejected", "failed"}
    _wait(
        "both outboxes drain",
        lambda: all(m["status"] in final for n in (sg, th) for m in _outbox(n)),
        deadline=DEADLINE,
    )

    # Exactly once at the receiver: its stored ids are the sent ids, each once, each audited once.
    stored = _rows(my.database, "SELECT message_id, status, sender FROM exchange_inbox")
    assert len(stored) == len(expected) == 2 * PER_SENDER
    assert {row[0] for row in stored} == set(expected)
    audited = _rows(
        my.database,
        "SELECT entity_id, count(*) FROM audit_entries WHERE entity_type = 'exchange_inbox' GROUP BY entity_id",
    )
    assert dict(audited) == dict.fromkeys(expected, 1)

    # Both sides agree, and every receipt verifies with the receiver's published key.
    receiver_keys = dict(keys_from_jwks(httpx.get(f"{my.url}/api/v1/exchange/node", timeout=10).json()["jwks"]))
    inbox_status = {row[0]: (row[1], row[2]) for row in stored}
    for sender in (sg, th):
        for message in _outbox(sender):
            mid = message["message_id"]
            want = expected[mid][1]
            assert message["status"] == want and inbox_status[mid] == (want, sender.node_id)
            payload = invalid if want == "rejected" else valid
            check = receipts.verify(
                message["receipt"],
                receiver_keys,
                message_id=mid,
                sender=sender.node_id,
                receiver=my.node_id,
                payload_digest=payload_digest(payload),
            )
            assert check.ok and check.receipt is not None and check.receipt.status == want, check
            assert (want == "rejected") == bool(check.receipt.errors)
    # The outage was really felt: some message needed more than one attempt.
    retried = "SELECT count(*) FROM exchange_outbox WHERE attempts > 1"
    assert sum(_rows(n.database, retried)[0][0] for n in (sg, th)) > 0
