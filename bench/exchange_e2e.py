"""End-to-end exchange between two nodes on loopback: sign, send, verify, validate, store, receipt.

    .venv/bin/python bench/exchange_e2e.py [--messages 3000] [--receiver-workers 1] [--type auto|acdd|test-json]
                                           [--post-batch N]

Starts two nodes as `crossborder serve` subprocesses (sender A, receiver B), each with its own
SQLite database; registers each with the other from its public node document; queues N documents
on A through its API (not timed); then this process runs A's delivery worker (what `crossborder
exchange deliver --once` runs, against A's database) and times it until the outbox is drained.
Per message the worker signs a fresh envelope and verifies B's signed receipt; messages travel
`post_batch` to a post (B's batch inbox; --post-batch 1 posts each alone to the single inbox), with
`concurrency` messages in flight. B verifies each envelope, validates each document, signs each
receipt, and stores message + document + receipt + audit entry of every message in a post (and of
any other request waiting for the write lock) in one transaction.

Prints documents/s (N over the worker's wall time, outcome recording included) and p50/p90/p99/max
of the per-message latency (sign -> receipt verified, from A's attempt log), next to the targets.
Also checks the outcome: every message accepted once at B. Prints figures; never passes or fails."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.exchange.nodeproc import Node  # noqa: E402  (one way to start nodes, shared with the tests)

TARGET_RATE, TARGET_P99_MS = 300.0, 100.0
EXAMPLE = ROOT / "tests" / "documents" / "examples" / "acdd-example.json"


def pick_type(wanted: str) -> tuple[str, bytes, dict[str, str]]:
    from crossborder.documents.validate import document_types

    if wanted in ("auto", "acdd") and "acdd" in document_types() and EXAMPLE.exists():
        return "acdd", EXAMPLE.read_bytes(), {}
    return "test-json", b'{"id": "INV-1", "amount": 10}', {"CROSSBORDER_EXCHANGE_TEST_TYPES": "1"}


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--receiver-workers", type=int, default=1)
    parser.add_argument("--type", default="auto", choices=["auto", "acdd", "test-json"])
    parser.add_argument("--post-batch", type=int, default=None, help="messages per post (default: the setting)")
    args = parser.parse_args()
    if args.post_batch is not None:  # read by this process (the sender) only
        os.environ["CROSSBORDER_EXCHANGE_POST_BATCH"] = str(args.post_batch)

    home = Path(tempfile.mkdtemp(prefix="crossborder-exchange-bench-"))
    doc_type, payload, type_env = pick_type(args.type)
    a = Node("sg.customs", "SG", home / "a", extra_env=dict(type_env))
    b = Node("my.customs", "MY", home / "b", extra_env=dict(type_env))
    # This process becomes node A's delivery worker: A's environment before the package reads any setting.
    os.environ.update(a.env())
    try:
        for node in (a, b):
            node.start()
        if args.receiver_workers > 1:  # restart B with several worker processes once migrated
            b.wait_healthy()
            b.kill(signal.SIGTERM)
            b.start(workers=args.receiver_workers)
        for node in (a, b):
            node.wait_healthy()
            node.make_credentials()
        for node, peer in ((a, b), (b, a)):
            answer = httpx.post(
                f"{node.url}/api/v1/exchange/nodes/fetch",
                headers={"Authorization": f"Bearer {node.credentials['admin']}"},
                json={"url": f"{peer.url}/api/v1/exchange/node"},
                timeout=30,
            )
            answer.raise_for_status()

        started = time.perf_counter()
        with httpx.Client(timeout=30) as client, ThreadPoolExecutor(8) as pool:
            headers = {"Authorization": f"Bearer {a.credentials['officer']}"}

            def queue(i: int) -> None:
                body = {"receiver": b.node_id, "document_type": doc_type, "client_reference": f"bench-{i}"}
                client.post(
                    f"{a.url}/api/v1/exchange/outbox", headers=headers, json={**body, "payload": payload.decode()}
                ).raise_for_status()

            list(pool.map(queue, range(args.messages)))
        queued_in = time.perf_counter() - started

        from crossborder.exchange import delivery
        from crossborder.exchange.settings import exchange_settings

        started = time.perf_counter()
        summary = delivery.deliver(loop=False)
        wall = time.perf_counter() - started

        with sqlite3.connect(a.database) as db:
            latencies = sorted(
                r[0] for r in db.execute("SELECT elapsed_ms FROM exchange_attempts WHERE elapsed_ms IS NOT NULL")
            )
            statuses = dict(db.execute("SELECT status, count(*) FROM exchange_outbox GROUP BY status").fetchall())
        with sqlite3.connect(b.database) as db:
            stored = db.execute("SELECT count(*), count(DISTINCT message_id) FROM exchange_inbox").fetchone()
            accepted_b = db.execute("SELECT count(*) FROM exchange_inbox WHERE status = 'accepted'").fetchone()[0]

        rate = args.messages / wall
        p50, p90, p99 = (percentile(latencies, q) for q in (0.5, 0.9, 0.99))
        print(f"exchange end-to-end, two nodes on loopback ({doc_type}, {len(payload)} bytes per document)")
        print(
            f"  load average at the end: {os.getloadavg()[0]:.2f}; receiver worker processes: {args.receiver_workers}"
        )
        sending = exchange_settings()
        print(
            f"  {sending.post_batch} messages per post, {sending.posts_in_flight} posts in flight "
            f"({sending.concurrency} messages), {sending.batches_in_flight} lanes of {sending.batch_size}"
        )
        print(f"  queued {args.messages} on A through its API in {queued_in:.1f} s (not part of the figures)")
        print(f"  worker summary: {json.dumps(summary.as_dict())}")
        print(
            f"  sender statuses: {statuses}; receiver stored {stored[0]} ({stored[1]} distinct), accepted {accepted_b}"
        )
        verdict = "OK" if rate >= TARGET_RATE else "BELOW TARGET"
        print(f"  documents/s     {rate:8.1f}   target >= {TARGET_RATE:.0f}   {verdict}")
        print(f"  latency p50 ms  {p50:8.1f}")
        print(f"  latency p90 ms  {p90:8.1f}")
        verdict = "OK" if p99 <= TARGET_P99_MS else "ABOVE TARGET"
        print(f"  latency p99 ms  {p99:8.1f}   target <= {TARGET_P99_MS:.0f}   {verdict}")
        print(f"  latency max ms  {latencies[-1]:8.1f}   mean {statistics.fmean(latencies):.1f}")
    finally:
        for node in (a, b):
            node.kill(signal.SIGTERM)


if __name__ == "__main__":
    main()
