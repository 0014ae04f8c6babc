"""Latency and throughput of POST /api/v1/customs/declarations under a bounded loopback load,
and how it compares with a bare FastAPI JSON echo app served the same way.

Targets (issue: customs), 2-core machine:
  * open loop at 500 req/s for 20 s: >= 500 req/s with p99 <= 50 ms;
  * closed-loop throughput of declarations / closed-loop throughput of the echo app >= 0.35.
Prints figures; never passes or fails.

    .venv/bin/python bench/customs_api.py [--rate 500] [--seconds 20] [--workers 2]

Each request is a valid MY or SG low-value declaration (dated 2026-01-02, inside the sample
rates' validity) with its own client_reference, sent with a business_user API key. Values
straddle the de minimis (500 MYR / 400 SGD); some carry an LVG/OVR seller registration;
about 20 % go to a small pool of repeat consignees (so the split-shipment rule has history
to look up). The platform is started by server.running_platform (own temp folder and SQLite
database, migrated); a setup step in a child process with the same environment imports the
sample tariff and rates and issues the API key. The echo app (echo_app.py) is started with
the same uvicorn flags and worker count and driven by the same closed loop."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from loadgen import Result, bodies, closed_loop, open_loop  # noqa: E402
from server import running_platform  # noqa: E402

PATH = "/api/v1/customs/declarations"
DATE = "2026-01-02"
ORIGINS = ["BN", "KH", "ID", "LA", "MM", "PH", "TH", "VN"]
HS = ["620520", "6109.10", "420222", "33049900", "851713", "640399", "950300", "0901.21"]
GOODS = [
    "Batik shirt",
    "Cotton T-shirt",
    "Canvas tote bag",
    "Face serum",
    "Smartphone",
    "Leather sandals",
    "Building blocks",
    "Roasted coffee 500 g",
]
# (destination, currency, de minimis in that currency, value range as multiples of it)
DESTS = [("MY", "MYR", 500.0), ("SG", "SGD", 400.0)]
NAMES = ["Siti Rahman", "Tan Wei Ling", "Nur Aisyah", "Lim Mei Hui", "Ahmad Yusof", "Grace Ong", "Rizal Bakar"]


def setup() -> None:
    """Child process, platform env: seed customs data, create a business org, print a key."""
    from crossborder.core.access import service as access
    from crossborder.core.access.principal import SYSTEM
    from crossborder.core.db import session_scope
    from crossborder.demo.service import seed_customs_data

    with session_scope() as session:
        seed_customs_data(session)
        org = access.create_organisation(session, SYSTEM, name="Bench Marketplace", kind="business", country="MY")
        issued = access.create_api_key(session, SYSTEM, organisation_id=org.id, name="bench", role="business_user")
        token = issued.token
    print(token)


def make_body_for(run: str, seed: int = 7) -> Callable[[int], bytes]:
    """A deterministic stream of valid declarations; request i gets reference f'{run}-{i}'."""

    def body_for(i: int) -> bytes:
        rng = random.Random(seed * 1_000_003 + i)
        dest, currency, threshold = DESTS[i % 2]
        origin = rng.choice(ORIGINS)
        under = rng.random() < 0.5
        total = threshold * (rng.uniform(0.1, 0.95) if under else rng.uniform(1.05, 3.0))
        k = rng.randrange(len(HS))
        quantity = 1 if rng.random() < 0.7 else rng.randint(2, 4)
        if rng.random() < 0.2:
            j = rng.randrange(40)
            consignee = {
                "name": NAMES[j % len(NAMES)],
                "address": f"{j + 1} Jalan Repeat, Kuala Lumpur",
                "country": dest,
            }
        else:
            consignee = {
                "name": rng.choice(NAMES),
                "address": f"{rng.randint(1, 999)} Orchard Rd #{i:07d}",
                "country": dest,
            }
        doc = {
            "client_reference": f"{run}-{i:08d}",
            "origin": origin,
            "destination": dest,
            "date": DATE,
            "transport_mode": rng.choice(["post", "air", "air", "post", "land"]),
            "incoterm": "DDP" if rng.random() < 0.2 else "DAP",
            "consignor": {
                "name": f"Seller {origin}-{rng.randrange(200):03d}",
                "address": "1 Market St",
                "country": origin,
            },
            "consignee": consignee,
            "shipping": f"{total * 0.08:.2f}",
            "lines": [
                {
                    "id": "1",
                    "hs_code": HS[k],
                    "description": GOODS[k],
                    "quantity": quantity,
                    "unit_value": f"{total * 0.92 / quantity:.2f}",
                    "currency": currency,
                    "origin_claim": rng.random() < 0.3,
                }
            ],
        }
        if rng.random() < 0.5:
            doc["seller_registration"] = f"LVG-{origin}{rng.randrange(10**6):06d}"
        if rng.random() < 0.5:
            doc["seller_business_id"] = f"{origin}-BRN-{rng.randrange(200):06d}"
        return json.dumps(doc, separators=(",", ":")).encode()

    return body_for


def show(result: Result, label: str) -> None:
    print(result.line(label))
    if result.errors:
        print(f"  statuses {dict(result.statuses)}; first error: {result.first_error}")


def post(headers: dict[str, str]) -> dict[str, Any]:
    return {"method": "POST", "headers": headers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16, help="closed-loop connections")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers, for both apps")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup()
        return

    run = f"B{os.getpid()}"
    load_before = os.getloadavg()
    with running_platform(workers=args.workers) as (host, port, env):
        token = (
            subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--setup"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        warm = asyncio.run(
            open_loop(host, port, bodies(PATH, make_body_for(f"{run}W")), rate=100, seconds=2, **post(headers))
        )
        steady = asyncio.run(
            open_loop(
                host,
                port,
                bodies(PATH, make_body_for(f"{run}O")),
                rate=args.rate,
                seconds=args.seconds,
                **post(headers),
            )
        )
        ceiling = asyncio.run(
            closed_loop(
                host,
                port,
                bodies(PATH, make_body_for(f"{run}C")),
                seconds=args.ceiling_seconds,
                connections=args.connections,
                **post(headers),
            )
        )
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    echo_headers = {"Content-Type": "application/json"}
    with running_platform(workers=args.workers, app="echo_app:create_app") as (host, port, _env):
        asyncio.run(
            open_loop(host, port, bodies("/echo", make_body_for(f"{run}EW")), rate=100, seconds=2, **post(echo_headers))
        )
        echo = asyncio.run(
            closed_loop(
                host,
                port,
                bodies("/echo", make_body_for(f"{run}E")),
                seconds=args.ceiling_seconds,
                connections=args.connections,
                **post(echo_headers),
            )
        )
    load_after = os.getloadavg()

    print(f"POST {PATH}, {args.workers} server worker(s), {os.cpu_count()}-core machine, SQLite WAL")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} (load generator included)")
    show(warm, "warm-up open loop at 100 req/s for 2 s (not a target)")
    show(steady, f"open loop at {args.rate:.0f} req/s for {args.seconds:.0f} s")
    show(ceiling, f"closed loop, {args.connections} connections, {args.ceiling_seconds:.0f} s (throughput ceiling)")
    show(echo, f"echo app, closed loop, {args.connections} connections, {args.ceiling_seconds:.0f} s")
    print(
        f"target >= {args.rate:.0f} req/s with p99 <= 50 ms: {steady.rps:.0f} req/s, p99 {steady.pct(99):.2f} ms, "
        f"errors {steady.errors}"
    )
    ratio = ceiling.rps / echo.rps if echo.rps else float("nan")
    print(f"target declarations/echo throughput >= 0.35: {ceiling.rps:.0f} / {echo.rps:.0f} req/s = {ratio:.3f}")


if __name__ == "__main__":
    main()
