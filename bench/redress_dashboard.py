"""The complaint dashboard over 1,000,000 cases on PostgreSQL: time of redress.dashboard.build
(counts by category, pair, stage, outcome; median and p90 resolution time; filings and closures by
month), for the regional secretariat (all cases) and for one member state's officer.

Target (issue: consumer redress): <= 1 s for 1,000,000 cases on PostgreSQL, 2-core machine.
Prints figures; never passes or fails.

    .venv/bin/python bench/redress_dashboard.py --start-postgres   # throw-away cluster (root)
    .venv/bin/python bench/redress_dashboard.py --url postgresql+psycopg://postgres@127.0.0.1:55433/bench

The cases are generated inside PostgreSQL with generate_series (reproducible: derived from the row
number), then ANALYZEd; the first build warms the cache and is reported apart."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throwaway_pg

STATES = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
CATEGORIES = ["non_delivery", "not_as_described", "counterfeit", "refund_refused", "unauthorised_charge",
              "personal_data_misuse", "other"]  # fmt: skip
FILL = """
INSERT INTO redress_cases (reference, client_reference, stage, outcome, language, consumer_name, consumer_email,
  consumer_country, seller_name, seller_country, order_date, amount, currency, category, remedy, description,
  handling_country, created_at, verified_at, closed_at, filed_month, closed_month, resolution_minutes)
SELECT 'RC-B-' || n, n::text,
  CASE WHEN n % 5 = 0 THEN (ARRAY['negotiation','facilitation','final'])[1 + n % 3] ELSE 'closed' END,
  CASE WHEN n % 5 = 0 THEN NULL
    ELSE (ARRAY['settled','withdrawn','recommendation_issued','not_pursued'])[1 + n % 4] END,
  'en', 'Consumer', 'c' || n || '@example.org', s.c, 'Seller', s.s,
  DATE '2021-01-01' + (n % 1800), 10 + n % 500, 'USD', (ARRAY[{categories}])[1 + n % 7], 'refund', 'generated',
  s.c, t.created, t.created + interval '1 hour', d.closed, to_char(t.created AT TIME ZONE 'UTC', 'YYYY-MM'),
  to_char(d.closed AT TIME ZONE 'UTC', 'YYYY-MM'),
  floor(extract(epoch FROM d.closed - t.created - interval '1 hour') / 60)
FROM generate_series(1, {rows}) AS n
CROSS JOIN LATERAL (SELECT (ARRAY[{states}])[1 + n % 10] AS c, (ARRAY[{states}])[1 + (n / 10 + 1 + n % 9) % 10] AS s) s
CROSS JOIN LATERAL (SELECT TIMESTAMPTZ '2021-01-01 00:00+00' + (n % 1800) * interval '1 day' AS created) t
CROSS JOIN LATERAL (SELECT CASE WHEN n % 5 = 0 THEN NULL
  ELSE t.created + interval '1 hour' + (n % 90) * interval '1 day' + (n % 1440) * interval '1 minute' END AS closed) d
"""


def throwaway_cluster() -> AbstractContextManager[str]:
    return throwaway_pg.throwaway_cluster(55499, "512MB")


def measure(url: str, rows: int, repeats: int) -> None:
    os.environ["CROSSBORDER_DATABASE_URL"] = url
    os.environ.setdefault("CROSSBORDER_VAR_DIR", tempfile.mkdtemp(prefix="cb-bench-var."))
    from sqlalchemy import text

    from crossborder.core import migrate
    from crossborder.core.access.principal import Principal
    from crossborder.core.access.roles import Role
    from crossborder.core.db import get_engine, get_sessionmaker
    from crossborder.redress import dashboard

    migrate.upgrade()
    engine = get_engine()
    quoted = lambda values: ",".join(f"'{v}'" for v in values)  # noqa: E731 - fixed literals, no input
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE redress_cases RESTART IDENTITY CASCADE"))
        started = time.perf_counter()
        connection.execute(text(FILL.format(rows=rows, states=quoted(STATES), categories=quoted(CATEGORIES))))
        filled = time.perf_counter() - started
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE redress_cases"))
    print(f"{rows:,} cases generated in PostgreSQL in {filled:.1f} s (2-core machine; other work may share it)")
    regional = Principal("bench", None, "ASEAN", frozenset({Role.secretariat}))
    national = Principal("bench", None, "MY", frozenset({Role.consumer_protection_officer}))
    for label, principal in (("regional (all cases)", regional), ("one member state (MY)", national)):
        times = []
        with get_sessionmaker()() as session:
            first = time.perf_counter()
            board = dashboard.build(session, principal)
            cold = time.perf_counter() - first
            for _ in range(repeats):
                started = time.perf_counter()
                dashboard.build(session, principal)
                times.append(time.perf_counter() - started)
        print(f"dashboard, {label}: {board.total:,} cases, first {cold:.3f} s, "
              f"then median {statistics.median(times):.3f} s, max {max(times):.3f} s over {repeats} runs "
              f"(median resolution {board.median_days} d, p90 {board.p90_days} d)")  # fmt: skip
    print("target: <= 1 s for 1,000,000 cases on PostgreSQL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a PostgreSQL database the bench may fill (its redress_cases is emptied)")
    parser.add_argument("--start-postgres", action="store_true", help="start a throw-away cluster (needs root)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.url:
        measure(args.url, args.rows, args.repeats)
    elif args.start_postgres:
        with throwaway_cluster() as url:
            measure(url, args.rows, args.repeats)
    else:
        sys.exit("give --url postgresql+psycopg://… or --start-postgres")


if __name__ == "__main__":
    main()
