"""Latency of GET /api/v1/countries/{code} under a bounded loopback load.

Target (issue: platform foundation): p99 <= 20 ms at 500 requests/s on a 2-core machine.
Prints figures; never passes or fails.   Run:  .venv/bin/python bench/api_countries.py"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import run_closed_loop, run_open_loop
from server import running_platform

CODES = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    paths = [f"/api/v1/countries/{c}" for c in CODES]
    with running_platform(workers=args.workers) as (host, port, _env):
        asyncio.run(run_open_loop(host, port, paths, rate=100, seconds=2))  # warm-up, not reported
        steady = asyncio.run(run_open_loop(host, port, paths, rate=args.rate, seconds=args.seconds))
        ceiling = asyncio.run(run_closed_loop(host, port, paths, seconds=5))
    print(f"GET /api/v1/countries/{{code}}, {args.workers} server worker(s), 2-core machine")
    print(steady.line(f"open loop at {args.rate:.0f} req/s for {args.seconds:.0f} s"))
    print(ceiling.line("closed loop, 16 connections (throughput ceiling)"))
    print(f"target p99 <= 20 ms at 500 req/s: p99 {steady.pct(99):.2f} ms, errors {steady.errors}")


if __name__ == "__main__":
    main()
