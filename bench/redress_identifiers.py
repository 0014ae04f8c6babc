"""Fraud-incident identifiers: normalisation throughput, and exact matching over a large store.

    .venv/bin/python bench/redress_identifiers.py [--identifiers 10000000] [--normalise 200000]
        [--rate 20000] [--seconds 10] [--workers 2] [--dir DIR] [--keep] [--reuse FILE]

1. Normalisation: crossborder.redress.identifiers.normalise over a mix of all six kinds, as
   authorities write them (national and international phone numbers, URLs, mixed-case e-mail, bank
   accounts with separators, e-wallets, business ids), every value distinct; one process, one core.
   Target >= 50,000 identifiers/s.
2. Matching: builds the real `redress_incident_identifiers` table (its DDL and indexes from the
   models) in a SQLite file holding N identifiers (bulk executemany over the raw connection, the
   match index built after the load), then runs the match statement the service runs
   (incident_match.MATCH_SQL, half hits, half misses) at a paced, open-loop rate: each lookup's
   latency counts from its scheduled start, so falling behind shows in the percentiles. The rate is
   shared by --workers processes (a server's workers; SQLite in WAL mode reads concurrently). First
   the bare statement on a sqlite3 connection, then the service's own function
   `incident_match.matches` on a session of the app's engine. Target p99 <= 2 ms at >= 20,000/s.
Prints figures; never passes or fails. Other work on the same 2 cores skews every figure."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex, CreateTable

from crossborder.core.db import make_engine
from crossborder.redress.identifiers import normalise
from crossborder.redress.incident_match import MATCH_SQL, matches
from crossborder.redress.incident_models import IncidentIdentifier
from crossborder.trust.regional_id import make

KINDS = ["phone", "domain", "email", "bank_account", "ewallet", "business"]
STATES = ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"]
BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def written(i: int, rng: random.Random) -> tuple[str, str, str]:
    """(kind, value as an authority might write it, reporting state), distinct for each i."""
    kind = KINDS[i % 6]
    n = i // 6
    if kind == "phone":
        national = f"8{n % 10}{n // 10 % 10_000_000:07d}"
        return kind, (f"0{national[:2]} {national[2:5]} {national[5:]}" if n % 2 else f"+66 {national}"), "TH"
    if kind == "domain":
        host = f"shop-{n}.example" if n % 50 else f"ร้าน{n}.example"  # one in 50 internationalised
        return kind, f"https://{'www.' if n % 3 else ''}{host}/offer?id={n}", "VN"
    if kind == "email":
        return kind, f"Sales.{n}@Shop-{n % 997}.Example", "MY"
    if kind == "bank_account":
        return kind, f"{n:012d}"[:3] + "-" + f"{n:012d}"[3:7] + "-" + f"{n:012d}"[7:], "TH"
    if kind == "ewallet":
        return kind, (f"TrueMoney:08{n % 10}{n // 10 % 10_000_000:07d}" if n % 2 else f"GCash:User{n}"), "TH"
    base = "".join(BASE32[(n >> (5 * k)) % 32] for k in range(8))
    return kind, (make(STATES[n % 10], base) if n % 2 else f"KH:{n:010d}"), "KH"


def bench_normalise(count: int) -> None:
    rng = random.Random(7)
    items = [written(i, rng) for i in range(count)]
    rejected = 0
    per_kind: dict[str, float] = dict.fromkeys(KINDS, 0.0)
    started = time.perf_counter()
    for kind, value, region in items:
        t0 = time.perf_counter()
        try:
            normalise(kind, value, region=region)
        except Exception:
            rejected += 1
        per_kind[kind] += time.perf_counter() - t0
    elapsed = time.perf_counter() - started
    print(f"normalisation: {count:,} identifiers (6 kinds, equal shares), one process")
    print(f"  {count / elapsed:,.0f} identifiers/s  (target >= 50,000/s per core); {rejected} rejected as invalid")
    for kind in KINDS:
        print(f"    {kind:<13} {count / 6 / per_kind[kind]:>10,.0f}/s")


def stored_rows(total: int) -> Iterator[tuple[int, str, str, str, str]]:
    """(incident_id, country, kind, value, entered) in canonical form, three identifiers a report."""
    for i in range(total):
        kind = KINDS[i % 6]
        yield i // 3 + 1, STATES[i % 10], kind, canonical(kind, i), ""


def canonical(kind: str, i: int) -> str:
    return {
        "phone": f"+668{i:08d}",
        "domain": f"shop-{i}.example",
        "email": f"sales.{i}@shop-{i % 997}.example",
        "bank_account": f"TH:{i:012d}",
        "ewallet": f"gcash:user{i}",
        "business": f"KH:{i:010d}",
    }[kind]


def build(path: Path, total: int) -> None:
    table = cast(Table, IncidentIdentifier.__table__)
    match_index = next(ix for ix in table.indexes if ix.name == "ix_redress_incident_identifiers_match")
    engine = make_engine(f"sqlite:///{path}")
    table_ddl = str(CreateTable(table).compile(engine))
    index_ddl = str(CreateIndex(match_index).compile(engine))
    engine.dispose()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=OFF")  # a bulk load into a throw-away file: no crash safety needed
    raw.execute(table_ddl)
    insert = "INSERT INTO redress_incident_identifiers (incident_id, country, kind, value, entered) VALUES (?,?,?,?,?)"
    started = time.perf_counter()
    rows = stored_rows(total)
    while batch := [row for _, row in zip(range(200_000), rows, strict=False)]:
        raw.executemany(insert, batch)
        raw.commit()
    loaded = time.perf_counter() - started
    raw.execute(index_ddl)
    raw.execute("ANALYZE")
    raw.commit()
    raw.close()
    built = time.perf_counter() - started
    size = path.stat().st_size + (
        path.with_name(path.name + "-wal").stat().st_size if path.with_name(path.name + "-wal").exists() else 0
    )
    print(f"store: {total:,} identifiers in {built:,.1f} s (load {loaded:,.1f} s, "
          f"match index {built - loaded:,.1f} s), {size / 2**30:,.2f} GiB on disk at {path}")  # fmt: skip


def probes(total: int, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    found = []
    for k in range(count):
        i = rng.randrange(total)
        kind = KINDS[i % 6]
        value = canonical(kind, i) if k % 2 == 0 else canonical(kind, i) + "x"  # half hits, half misses
        found.append({"kind": kind, "value": value, "country": "XX", "limit": 20})
    return found


def _lookups(path: Path, via: str) -> Callable[[dict[str, Any]], int]:
    """One worker's lookup: the bare statement on a sqlite3 connection, or the service's function on
    a session of the app's own engine (its pragmas: WAL, busy timeout)."""
    if via == "statement":
        raw = sqlite3.connect(path)
        return lambda p: len(raw.execute(MATCH_SQL, p).fetchall())
    session = Session(make_engine(f"sqlite:///{path}"))
    return lambda p: len(matches(session, p["kind"], p["value"], excluding_country=p["country"], limit=p["limit"]))


def _worker(
    path: Path, via: str, params: list[dict[str, Any]], rate: float, start: float
) -> tuple[list[float], list[float], int]:
    """Open loop: lookup k is due at start + k / rate; its latency counts from when it was due, so
    falling behind shows in the percentiles instead of slowing the schedule. Also returns each
    lookup's own duration (service time), which queueing behind other processes does not inflate."""
    lookup = _lookups(path, via)
    for p in params[: min(len(params), 2000)]:  # this connection's own page cache
        lookup(p)
    latencies: list[float] = []
    service: list[float] = []
    hits = 0
    while time.time() < start:
        time.sleep(0.001)
    begun = time.perf_counter()
    for k, p in enumerate(params):
        due = begun + k / rate
        while (now := time.perf_counter()) < due:
            if due - now > 0.0005:
                time.sleep(due - now - 0.0003)
        began = time.perf_counter()
        hits += lookup(p) > 0
        ended = time.perf_counter()
        latencies.append(ended - due)
        service.append(ended - began)
    return latencies, service, hits


def _cuts(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=1000)
    return f"p50 {cuts[499] * 1e3:.3f} ms, p99 {cuts[989] * 1e3:.3f} ms, p99.9 {cuts[998] * 1e3:.3f} ms"


def paced(path: Path, via: str, total: int, rate: float, seconds: float, workers: int, seed: int) -> None:
    each = rate / workers
    jobs = [probes(total, int(each * seconds), seed * 100 + w) for w in range(workers)]
    start = time.time() + 1.0  # every worker starts its schedule at the same instant, after warming
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_worker, [path] * workers, [via] * workers, jobs, [each] * workers, [start] * workers))
    latencies = [x for found, _, _ in results for x in found]
    service = [x for _, found, _ in results for x in found]
    hits = sum(h for _, _, h in results)
    # A worker's last lookup was due at (n - 1) / each after the start, and ended its latency later.
    finished = max((len(found) - 1) / each + found[-1] for found, _, _ in results)
    print(f"  {via}: {len(latencies):,} lookups by {workers} worker process(es) at {len(latencies) / finished:,.0f}/s "
          f"achieved (asked {rate:,.0f}/s), {hits:,} hits")  # fmt: skip
    print(f"    latency from schedule: {_cuts(latencies)}, max {max(latencies) * 1e3:.3f} ms")
    print(f"    lookup alone:          {_cuts(service)}, max {max(service) * 1e3:.3f} ms")


def bench_match(path: Path, total: int, rate: float, seconds: float, workers: int) -> None:
    print(f"matching over {total:,} stored identifiers (target p99 <= 2 ms at >= 20,000 lookups/s):")
    print("  statement = incident_match.MATCH_SQL on a bare sqlite3 connection; service = incident_match.matches")
    print("  on a session of the app's engine. Half the lookups hit, half miss; each worker warms on 2,000 first.")
    paced(path, "statement", total, rate, seconds, workers, seed=2)
    paced(path, "service", total, rate, seconds, workers, seed=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--identifiers", type=int, default=10_000_000, help="rows in the store")
    parser.add_argument("--normalise", type=int, default=200_000, help="identifiers to normalise")
    parser.add_argument("--rate", type=float, default=20_000, help="lookups per second asked")
    parser.add_argument("--seconds", type=float, default=10, help="length of each paced run")
    parser.add_argument("--workers", type=int, default=2, help="lookup processes sharing the rate (a server's workers)")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite file goes (default a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--reuse", type=Path, default=None, help="a store kept by --keep with --identifiers rows")
    args = parser.parse_args()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} cores shared with other work (load average {load}), SQLite {sqlite3.sqlite_version}"
    )
    bench_normalise(args.normalise)
    if args.reuse is not None:
        print(f"store: reusing {args.reuse} ({args.identifiers:,} identifiers)")
        bench_match(args.reuse, args.identifiers, args.rate, args.seconds, args.workers)
        return
    folder = Path(tempfile.mkdtemp(prefix="redress-bench-", dir=args.dir))
    try:
        path = folder / "identifiers.sqlite3"
        build(path, args.identifiers)
        bench_match(path, args.identifiers, args.rate, args.seconds, args.workers)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
