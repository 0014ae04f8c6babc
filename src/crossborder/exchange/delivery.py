"""The delivery worker: claims due outbox messages under a lease, signs each envelope afresh,
posts it to the receiver's inbox (small ones several to a post, see `sending`), verifies each
signed receipt and records the outcomes.

- Claiming is safe with several workers: FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional
  UPDATE under the SQLite write lock; a worker that vanishes loses its lease after `lease_seconds`.
- A result is recorded only if the lease is still the worker's, so a slow worker whose lease
  expired cannot overwrite the outcome of the one that took over (the receiver is idempotent on
  the message id, so both got the same receipt anyway).
- Retries back off exponentially with jitter; after `attempt_limit` attempts, or on a refusal no
  retry can heal, the message is dead-lettered (failed). A receipt that does not verify is a failed
  attempt, never a delivery."""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import is_postgres, session_scope, write_lock
from crossborder.core.errors import ValidationFailed
from crossborder.core.keys import keys_from_jwks
from crossborder.exchange import identity, nodes
from crossborder.exchange.models import DeliveryAttempt, NodeStatus, OutboxMessage, OutStatus
from crossborder.exchange.sending import Claimed, Outcome, Peer, chunks, send_post
from crossborder.exchange.settings import INBOX_PATH, ExchangeSettings, exchange_settings
from crossborder.exchange.transport import KeepAliveTransport, Transport

log = logging.getLogger("crossborder.exchange.delivery")
WORKER = Principal(actor="exchange-worker", organisation_id=None, country=None)
_OUT = cast(Table, OutboxMessage.__table__)
_ATTEMPTS = cast(Table, DeliveryAttempt.__table__)


def backoff(attempt: int, base: float, maximum: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ATTEMPT (1-based): exponential, capped, with
    "equal jitter" (half fixed, half random) so waits grow yet retries of many messages spread out."""
    ceiling = min(maximum, base * 2 ** min(attempt - 1, 62))
    return float(ceiling / 2 + (rng or random).uniform(0, ceiling / 2))


@dataclass
class Summary:
    claimed: int = 0
    accepted: int = 0
    rejected: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0

    def add(self, other: Summary) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def _due(now: datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == OutStatus.queued.value, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutStatus.sent.value, OutboxMessage.lease_until < now),
    )


def claim(session: Session, now: datetime, lease_token: str, limit: int, lease_seconds: int) -> list[Claimed]:
    """Take up to LIMIT due messages under a lease, counting the attempt now (so a worker that dies
    mid-send still uses up an attempt, and a poison message cannot loop forever)."""
    values = {
        "status": OutStatus.sent.value,
        "lease_token": lease_token,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "attempts": OutboxMessage.attempts + 1,
        "updated_at": now,
    }
    order = (OutboxMessage.next_attempt_at, OutboxMessage.id)
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        ids = list(
            session.execute(
                select(OutboxMessage.id)
                .where(_due(now))
                .order_by(*order)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if ids:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values))
    else:
        with write_lock():
            due_ids = select(OutboxMessage.id).where(_due(now)).order_by(*order).limit(limit).scalar_subquery()
            # The condition again in the UPDATE itself: a row another worker took in between is skipped.
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(due_ids), _due(now)).values(**values))
            session.commit()
    rows = session.execute(select(_OUT).where(_OUT.c.lease_token == lease_token, _OUT.c.status == OutStatus.sent.value))
    claimed = [  # plain rows: the worker never changes them through the ORM
        Claimed(
            r.id,
            r.message_id,
            r.receiver,
            r.document_type,
            r.payload,
            r.payload_digest,
            r.attempts,
            r.country,
            r.organisation_id,
        )
        for r in rows
    ]
    session.commit()
    return claimed


def _peer(session: Session, node_id: str) -> Peer:
    row = nodes.get(session, node_id)
    if row is None or row.status != NodeStatus.active.value:
        return Peer(node_id, None, {}, f"receiver {node_id} is not an active node of the registry")
    try:
        base = nodes.check_endpoint(row.endpoint)
    except ValidationFailed as exc:
        return Peer(node_id, None, {}, f"endpoint refused: {exc.errors[0].rule}")
    return Peer(node_id, base + INBOX_PATH, dict(keys_from_jwks(row.jwks)))


def _values(
    message: Claimed, outcome: Outcome, settings: ExchangeSettings, now: datetime, rng: random.Random | None
) -> dict[str, Any]:
    """The row's new state after OUTCOME: final with a verified receipt, queued again after a
    backoff, or dead-lettered."""
    values: dict[str, Any] = {
        "status": OutStatus.failed.value,
        "next_attempt_at": now,
        "lease_token": None,
        "lease_until": None,
        "updated_at": now,
        "last_error": f"{outcome.label}: {outcome.detail}"[:2000],
        "receipt": None,
        "receipt_errors": [],
        "delivered_at": None,
    }
    if outcome.kind in (OutStatus.accepted.value, OutStatus.rejected.value):
        values |= {"status": outcome.kind, "receipt": outcome.receipt, "receipt_errors": outcome.errors}
        values |= {"delivered_at": now, "last_error": ""}
    elif outcome.kind == "retry" and message.attempts < settings.attempt_limit:
        wait = backoff(message.attempts, settings.retry_base_seconds, settings.retry_max_seconds, rng)
        values |= {"status": OutStatus.queued.value, "next_attempt_at": now + timedelta(seconds=wait)}
    return values


_APPLY = (
    update(_OUT)
    .where(
        _OUT.c.id == bindparam("_id"),
        _OUT.c.lease_token == bindparam("_lease"),
        _OUT.c.status == OutStatus.sent.value,
    )
    .values({c: bindparam(c) for c in ("status", "next_attempt_at", "lease_token", "lease_until", "updated_at")})
    .values({c: bindparam(c) for c in ("last_error", "receipt", "receipt_errors", "delivered_at")})
)


def _attempt(message: Claimed, outcome: Outcome, now: datetime) -> dict[str, Any]:
    return {
        "outbox_id": message.id,
        "number": message.attempts,
        "at": now,
        "outcome": outcome.label,
        "http_status": outcome.http_status,
        "elapsed_ms": outcome.elapsed_ms,
        "detail": outcome.detail[:2000],
    }


def record(
    session: Session,
    results: list[tuple[Claimed, Outcome]],
    lease_token: str,
    settings: ExchangeSettings,
    now: datetime,
    rng: random.Random | None = None,
) -> list[str]:
    """Apply a batch's outcomes where the lease is still ours, log each attempt, and write one audit
    entry per organisation for the messages that reached a final state (as customs manifests audit
    per batch: per-message entries would cost the worker more than the delivery). Returns each
    message's new status, "" where the lease was lost."""
    rows = [(m, o, _values(m, o, settings, now, rng)) for m, o in results]
    params = [{"_id": m.id, "_lease": lease_token, **v} for m, _o, v in rows]
    applied = session.execute(_APPLY, params).rowcount if params else 0  # type: ignore[attr-defined]
    if applied != len(params):  # a lease was lost (rare): find out row by row which ones
        session.rollback()
        kept = {p["_id"] for p in params if session.execute(_APPLY, p).rowcount == 1}  # type: ignore[attr-defined]
    else:
        kept = {p["_id"] for p in params}
    statuses = [str(v["status"]) if m.id in kept else "" for m, _o, v in rows]
    attempts = [_attempt(m, o, now) for (m, o, _v), status in zip(rows, statuses, strict=True) if status]
    if attempts:
        session.execute(insert(_ATTEMPTS), attempts)
    finals: dict[tuple[str, int | None], dict[str, str]] = {}
    for (message, _o, _v), status in zip(rows, statuses, strict=True):
        if status and status != OutStatus.queued.value:
            finals.setdefault((message.country, message.organisation_id), {})[message.message_id] = status
    for (country, organisation_id), outcome in finals.items():
        audit.record(
            session,
            WORKER,
            "exchange.delivery.batch",
            "exchange_outbox",
            lease_token,
            country=country,
            organisation_id=organisation_id,
            after=outcome,
            detail=", ".join(f"{k} {v}" for k, v in sorted(Counter(outcome.values()).items())),
        )
    return statuses


def deliver_batch(
    transport: Transport,
    *,
    now: Callable[[], datetime] = utcnow,
    rng: random.Random | None = None,
    pool: ThreadPoolExecutor | None = None,
) -> Summary:
    """Claim one batch of due messages, send them concurrently (in posts of up to `post_batch`),
    record every outcome."""
    settings = exchange_settings()
    lease = str(uuid.uuid4())
    summary = Summary()
    with session_scope() as session:
        claimed = claim(session, now(), lease, settings.batch_size, settings.lease_seconds)
        if not claimed:
            return summary
        # One registry look-up per receiver in the batch, not per message.
        peers = {receiver: _peer(session, receiver) for receiver in {m.receiver for m in claimed}}
        signer = identity.signing_key(session, WORKER)
    summary.claimed = len(claimed)
    posts = chunks(claimed, settings.post_batch)

    def send(post: list[Claimed]) -> list[Outcome]:
        return send_post(post, peers[post[0].receiver], transport, signer, settings, now)

    sent = pool.map(send, posts) if pool is not None and len(posts) > 1 else map(send, posts)
    by_id = {m.id: o for post, outcomes in zip(posts, sent, strict=True) for m, o in zip(post, outcomes, strict=True)}
    outcomes = [by_id[m.id] for m in claimed]
    with write_lock(), session_scope() as session:
        statuses = record(session, list(zip(claimed, outcomes, strict=True)), lease, settings, now(), rng)
        for status in statuses:
            if status == "":
                summary.lost_lease += 1
            elif status == OutStatus.queued.value:
                summary.retried += 1
            else:
                setattr(summary, status, getattr(summary, status) + 1)
    return summary


def deliver(
    transport: Transport | None = None,
    *,
    loop: bool = False,
    stop: threading.Event | None = None,
    on_batch: Callable[[Summary], None] | None = None,
) -> Summary:
    """Deliver batches until nothing is due (loop=False), or until STOP is set, waiting
    `poll_seconds` whenever nothing is due (loop=True).

    `batches_in_flight` lanes each run claim -> send -> record, sharing one pool of senders
    (`posts_in_flight`: `concurrency` messages in flight, `post_batch` to a post), so one lane's
    claim and outcome recording overlap the other's requests instead of leaving the pool idle
    between batches. Each lane claims under its own lease, exactly as
    several workers do."""
    settings = exchange_settings()
    own = transport is None
    sender = transport or KeepAliveTransport()
    stop = stop or threading.Event()
    failed = threading.Event()  # loop=False: one lane's error stops the others, then is raised
    total = Summary()
    total_lock = threading.Lock()

    def lane(pool: ThreadPoolExecutor) -> None:
        while not (stop.is_set() or failed.is_set()):
            try:
                batch = deliver_batch(sender, pool=pool)
            except Exception:  # a database hiccup must not kill a long-running worker
                if not loop:
                    failed.set()
                    raise
                log.exception("delivery batch failed; retrying after the poll interval")
                batch = Summary()
            with total_lock:
                total.add(batch)
                if on_batch is not None and batch.claimed:
                    on_batch(batch)
            if batch.claimed == 0:
                if not loop:
                    break
                stop.wait(settings.poll_seconds)

    lanes = max(1, settings.batches_in_flight)
    try:
        with (
            ThreadPoolExecutor(settings.posts_in_flight, thread_name_prefix="exchange-send") as pool,
            ThreadPoolExecutor(lanes, thread_name_prefix="exchange-lane") as lane_pool,
        ):
            for running in [lane_pool.submit(lane, pool) for _ in range(lanes)]:
                running.result()
    finally:
        if own:
            sender.close()
    return total


class BackgroundWorker:
    """The delivery loop in a daemon thread of the serving process (CROSSBORDER_EXCHANGE_WORKER=1)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="exchange-delivery", daemon=True)

    def _run(self) -> None:
        deliver(loop=True, stop=self._stop)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
