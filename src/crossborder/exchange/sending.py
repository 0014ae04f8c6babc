"""How claimed messages go over the wire and what came of each: a message alone to the receiver's
inbox, or several small ones for the same receiver in one post to its batch inbox. Either way each
message has its own freshly signed envelope and its own signed receipt, verified one by one; a
batch only saves the HTTP round trip and the receiver's per-request work.

A receiver without the batch inbox (an older node answers 404 or 405) is sent messages one by one,
and asked again after a while; a batch over its body limit (413) is sent one by one at once."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crossborder.exchange import envelope, receipts
from crossborder.exchange.errors import PERMANENT, reason_of
from crossborder.exchange.settings import ExchangeSettings
from crossborder.exchange.transport import Reply, Transport, TransportError

BATCH_SUFFIX = "/batch"  # the batch inbox, beside the inbox (settings.INBOX_BATCH_PATH)
ALONE_BYTES = 64 * 1024  # a larger payload always travels alone, under the inbox's own limit
BATCH_BYTES = 256 * 1024  # payload bytes per batch post: well within a node's ordinary 1 MiB body limit
NO_BATCH_SECONDS = 300.0  # how long a receiver that has no batch inbox is sent messages one by one


@dataclass(frozen=True)
class Claimed:
    id: int
    message_id: str
    receiver: str
    document_type: str
    payload: bytes
    payload_digest: str
    attempts: int  # including this one
    country: str
    organisation_id: int | None


@dataclass(frozen=True)
class Outcome:
    kind: str  # accepted, rejected (final, verified receipt) | retry | failed (dead letter now)
    label: str  # what the attempt log says: accepted, rejected, unreachable, refused, bad_receipt, ...
    http_status: int | None = None
    detail: str = ""
    receipt: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float | None = None


@dataclass(frozen=True)
class Peer:
    node_id: str
    inbox: str | None  # None when the node is unknown, suspended or its endpoint not allowed
    keys: dict[str, Any]
    why_not: str = ""


Signer = tuple[str, Any]  # (kid, Ed25519 private key)
_no_batch: dict[str, float] = {}  # receiver node id -> monotonic time until which it gets single posts
_no_batch_lock = threading.Lock()


def chunks(messages: list[Claimed], per_post: int) -> list[list[Claimed]]:
    """MESSAGES (in order) as posts: small ones of the same receiver together, up to PER_POST and
    BATCH_BYTES of payload; a large one alone."""
    posts: list[list[Claimed]] = []
    open_posts: dict[str, tuple[list[Claimed], list[int]]] = {}  # receiver -> (post, [payload bytes])
    for message in messages:
        size = len(message.payload)
        if per_post <= 1 or size > ALONE_BYTES:
            posts.append([message])
            continue
        current = open_posts.get(message.receiver)
        if current is None or len(current[0]) >= per_post or current[1][0] + size > BATCH_BYTES:
            current = ([], [0])
            open_posts[message.receiver] = current
            posts.append(current[0])
        current[0].append(message)
        current[1][0] += size
    return posts


def _problem(reply_body: bytes) -> tuple[list[str], str]:
    try:
        doc = json.loads(reply_body)
        errors = doc.get("errors") or []
        return [reason_of(str(e.get("rule", ""))) for e in errors], str(doc.get("detail", ""))[:500]
    except (ValueError, AttributeError):
        return [], reply_body[:200].decode("utf-8", "replace")


def _wire(message: Claimed, signer: Signer, settings: ExchangeSettings, now: datetime) -> dict[str, str]:
    env = envelope.new_envelope(
        settings.node_id, message.receiver, message.document_type, message.payload, now, message.message_id
    )
    token = envelope.seal(env, signer[0], signer[1])
    return {"envelope": token, "payload": base64.b64encode(message.payload).decode()}


def answered(message: Claimed, peer: Peer, reply: Reply, settings: ExchangeSettings, started: float) -> Outcome:
    """What the receiver's answer to MESSAGE means: a verified receipt, a refusal, or a retry."""
    if reply.status != 200:
        reasons, detail = _problem(reply.body)
        permanent = 400 <= reply.status < 500 and bool(reasons) and all(r in PERMANENT for r in reasons)
        kind = "failed" if permanent else "retry"
        return Outcome(kind, "refused", reply.status, f"{reply.status} {','.join(reasons)}: {detail}".strip())
    try:
        token_in = json.loads(reply.body).get("receipt")
    except (ValueError, AttributeError):
        token_in = None
    check = receipts.verify(
        token_in,
        peer.keys,
        message_id=message.message_id,
        sender=settings.node_id,
        receiver=message.receiver,
        payload_digest=message.payload_digest,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if not check.ok or check.receipt is None:
        return Outcome("retry", "bad_receipt", 200, f"{check.reason}: {check.detail}", elapsed_ms=elapsed)
    status = check.receipt.status
    return Outcome(status, status, 200, "", str(token_in), list(check.receipt.errors), elapsed)


def send_one(
    message: Claimed,
    peer: Peer,
    transport: Transport,
    signer: Signer,
    settings: ExchangeSettings,
    now: Callable[[], datetime],
) -> Outcome:
    if peer.inbox is None:
        return Outcome("retry", "no_receiver", detail=peer.why_not)
    started = time.perf_counter()
    body = json.dumps(_wire(message, signer, settings, now())).encode()
    try:
        reply = transport.post(peer.inbox, body, settings.timeout_seconds)
    except TransportError as exc:
        return Outcome("retry", "unreachable", detail=str(exc)[:500])
    return answered(message, peer, reply, settings, started)


def _replies(body: bytes, count: int) -> list[Reply] | None:
    """The batch inbox's answers as the single inbox's replies, or None if it is not one per message."""
    try:
        items = json.loads(body)["answers"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(items, list) or len(items) != count:
        return None
    replies = []
    for item in items:
        if not isinstance(item, dict) or type(item.get("http_status")) is not int:
            return None
        replies.append(Reply(item["http_status"], "application/json", json.dumps(item.get("answer")).encode()))
    return replies


def send_post(
    messages: list[Claimed],
    peer: Peer,
    transport: Transport,
    signer: Signer,
    settings: ExchangeSettings,
    now: Callable[[], datetime],
) -> list[Outcome]:
    """Outcomes of one post's messages (all for PEER), in order."""
    with _no_batch_lock:
        alone = _no_batch.get(peer.node_id, 0.0) > time.monotonic()
    if len(messages) == 1 or peer.inbox is None or alone:
        return [send_one(m, peer, transport, signer, settings, now) for m in messages]
    started = time.perf_counter()
    at = now()
    body = json.dumps({"messages": [_wire(m, signer, settings, at) for m in messages]}).encode()
    try:
        reply = transport.post(peer.inbox + BATCH_SUFFIX, body, settings.timeout_seconds)
    except TransportError as exc:
        return [Outcome("retry", "unreachable", detail=str(exc)[:500]) for _ in messages]
    if reply.status in (404, 405, 413):
        if reply.status != 413:
            with _no_batch_lock:
                _no_batch[peer.node_id] = time.monotonic() + NO_BATCH_SECONDS
        return [send_one(m, peer, transport, signer, settings, now) for m in messages]
    if reply.status != 200:  # the whole post refused or failed (e.g. 503): each as a single post would be
        return [answered(m, peer, reply, settings, started) for m in messages]
    replies = _replies(reply.body, len(messages))
    if replies is None:
        detail = "bad_batch: the batch answer does not hold one answer per message"
        return [Outcome("retry", "bad_receipt", 200, detail) for _ in messages]
    return [answered(m, peer, r, settings, started) for m, r in zip(messages, replies, strict=True)]


def forget_no_batch() -> None:
    with _no_batch_lock:
        _no_batch.clear()
