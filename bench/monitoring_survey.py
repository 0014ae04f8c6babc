"""Annual Business Survey results over 200,000 responses: time of survey_results.results for one
year (every question; overall, by segment and by member state) and of the year-over-year table.

Target (issue 7, Annual Business Survey): aggregates 200,000 survey responses in <= 2 s.
Prints figures; never passes or fails.

    .venv/bin/python bench/monitoring_survey.py                    # throw-away SQLite file
    .venv/bin/python bench/monitoring_survey.py --start-postgres   # throw-away PostgreSQL cluster (root)
    .venv/bin/python bench/monitoring_survey.py --url postgresql+psycopg://postgres@127.0.0.1:55433/bench

Responses are synthetic (fixed seed), bulk inserted with one executemany per batch; answers carry
year, code, state and segment so the aggregation is one GROUP BY over a covering index."""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throwaway_pg

BATCH = 5_000


def fill(year: int, rows: int, first_id: int, seed: int) -> None:
    from sqlalchemy import insert

    from crossborder.core.db import get_engine
    from crossborder.monitoring.survey_models import SEGMENTS, SurveyAnswer, SurveyResponse
    from crossborder.monitoring.survey_questionnaires import questionnaire
    from crossborder.reference.service import member_states

    rng = random.Random(seed)
    form = questionnaire(year)
    states = member_states()
    at = datetime(year, 6, 1, tzinfo=UTC)
    with get_engine().begin() as conn:
        for start in range(0, rows, BATCH):
            responses: list[dict[str, Any]] = []
            answers: list[dict[str, Any]] = []
            for i in range(first_id + start, first_id + min(rows, start + BATCH)):
                country, segment = states[i % len(states)], SEGMENTS[(i // 10) % 4]
                responses.append({"id": i, "link_id": None, "year": year, "questionnaire_version": form.version,
                                  "panel_id": f"B-{i:08d}", "country": country, "segment": segment, "demo": True,
                                  "submitted_at": at})  # fmt: skip
                base = {"response_id": i, "year": year, "country": country, "segment": segment, "text": None}
                for q in form.questions:
                    if q.type == "likert_5":
                        v = rng.randint(1, 5)
                        answers.append({**base, "code": q.code, "option": str(v), "value": v})
                    elif q.type in ("yes_no", "single_choice"):
                        answers.append({**base, "code": q.code, "option": rng.choice(q.option_codes), "value": None})
                    elif q.type == "multiple_choice":
                        answers.append({**base, "code": q.code, "option": None, "value": None})
                        for o in rng.sample(q.option_codes, rng.randint(0, 2)):
                            answers.append({**base, "code": q.code, "option": o, "value": None})
                    elif q.type == "integer":
                        answers.append({**base, "code": q.code, "option": None, "value": rng.randint(0, 5000)})
            conn.execute(insert(SurveyResponse), responses)
            conn.execute(insert(SurveyAnswer), answers)


def throwaway_cluster() -> AbstractContextManager[str]:
    return throwaway_pg.throwaway_cluster(55497, "256MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="database URL (default: a throw-away SQLite file)")
    parser.add_argument("--start-postgres", action="store_true", help="run on a throw-away PostgreSQL cluster")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cb-bench-survey."))
    try:
        if args.start_postgres:
            with throwaway_cluster() as url:
                measure(url, tmp, args.rows, args.repeats)
        else:
            measure(args.url or f"sqlite:///{tmp / 'bench.sqlite3'}", tmp, args.rows, args.repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(url: str, tmp: Path, rows: int, repeats: int) -> None:
    os.environ["CROSSBORDER_DATABASE_URL"] = url
    os.environ.setdefault("CROSSBORDER_VAR_DIR", str(tmp))
    os.environ.setdefault("CROSSBORDER_SECRET_KEY", "bench-secret-key-not-for-production")
    from sqlalchemy import text

    from crossborder.core import migrate
    from crossborder.core.access.principal import CLI
    from crossborder.core.db import get_engine, get_sessionmaker, is_postgres
    from crossborder.monitoring.survey_results import results, year_over_year

    migrate.upgrade()
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM monitoring_survey_answers"))
        conn.execute(text("DELETE FROM monitoring_survey_responses"))
    started = time.perf_counter()
    fill(2026, rows, 1, 2026)
    fill(2025, rows, rows + 1, 2025)
    with get_engine().begin() as conn:
        conn.execute(text("ANALYZE"))
    print(f"filled {rows:,} responses per year (2025, 2026) in {time.perf_counter() - started:.1f} s "
          f"on {'PostgreSQL' if is_postgres() else 'SQLite'}")  # fmt: skip
    timings, yoy = [], []
    with get_sessionmaker()() as session:
        results(session, CLI, 2026)  # warm the cache
        for _ in range(repeats):
            t0 = time.perf_counter()
            r = results(session, CLI, 2026)
            timings.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            year_over_year(session, CLI, 2026, current=r)  # as the page does: 2026's cells reused
            yoy.append(time.perf_counter() - t0)
    best, median = min(timings), statistics.median(timings)
    n = next(q.n for q in r.questions if q.code == "B3_ESIG_EQUIV")
    print(f"results 2026 (all {len(r.questions)} questions; overall, 4 segments, {len(r.by_country)} states): "
          f"median {median:.3f} s, best {best:.3f} s, {rows / median:,.0f} responses/s "
          f"(target <= 2 s: {'met' if median <= 2 else 'MISSED'}); n(B3_ESIG_EQUIV) = {n}")  # fmt: skip
    print(f"year-over-year 2025->2026 (reads 2025 only): median {statistics.median(yoy):.3f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
