"""Fakes for the delivery tests: the worker's clock, and a transport playing the receiving node
(the single inbox and the batch inbox) without sockets."""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from crossborder.core.dates import utcnow
from crossborder.exchange import envelope, receipts, sending
from crossborder.exchange.transport import Reply
from tests.exchange.material import Peer


class Clock:
    """The worker's clock, moved by the test; it starts just after the messages were queued."""

    def __init__(self) -> None:
        self.start = utcnow() + timedelta(seconds=1)
        self.now = self.start

    def __call__(self) -> datetime:
        return self.now


class FakeReceiver:
    """Plays the receiving node: checks the envelope like a real inbox (with this node as the
    registered sender) and answers a receipt signed with the receiver's key. `script` may replace
    the answer per attempt (raise TransportError, return a problem...)."""

    def __init__(self, receiver: Peer, sender_keys: Callable[[], dict[str, Any]], clock: Clock) -> None:
        self.receiver, self.sender_keys, self.clock = receiver, sender_keys, clock
        self.script: Callable[[int], Reply | None] = lambda _n: None
        self.posts: Counter[str] = Counter()
        self.batches: list[int] = []  # messages per batch post
        self.lock = threading.Lock()

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        if url.endswith(sending.BATCH_SUFFIX):  # the batch inbox: each message as the inbox would answer it
            with self.lock:
                self.batches.append(len(json.loads(body)["messages"]))
            replies = [self._one(json.dumps(m).encode()) for m in json.loads(body)["messages"]]
            answers = [{"http_status": r.status, "answer": json.loads(r.body)} for r in replies]
            return Reply(200, "application/json", json.dumps({"answers": answers}).encode())
        return self._one(body)

    def _one(self, body: bytes) -> Reply:
        message = json.loads(body)
        payload = base64.b64decode(message["payload"])
        checked = envelope.verify(
            message["envelope"],
            payload,
            receiver=self.receiver.node_id,
            senders=lambda node: envelope.SenderKeys(node, self.sender_keys()),
            now=self.clock(),
            limits=envelope.Limits(300, 60, 1 << 20, 4096),
        )
        assert checked.ok and checked.envelope is not None, checked
        with self.lock:
            self.posts[checked.envelope.message_id] += 1
            n = self.posts[checked.envelope.message_id]
        scripted = self.script(n)
        if scripted is not None:
            return scripted
        status = "accepted" if b"amount" in payload else "rejected"
        receipt = receipts.Receipt(
            receipt_id=f"r-{checked.envelope.message_id}",
            message_id=checked.envelope.message_id,
            receiver=self.receiver.node_id,
            sender=checked.envelope.sender,
            status=status,
            errors=[] if status == "accepted" else [{"rule": "X", "path": "/", "message": "m", "severity": "fatal"}],
            received_at=receipts.received_at(self.clock()),
            payload_digest=checked.envelope.payload_digest,
        )
        token = receipts.issue(receipt, self.receiver.kid, self.receiver.private)
        return Reply(200, "application/json", json.dumps({"receipt": token}).encode())

    def close(self) -> None:
        pass
