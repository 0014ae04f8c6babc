"""Bulk manifest clearing: throughput and peak memory of crossborder.customs.manifest.clear_file.

Targets (issue: customs), 2-core machine, one process:
  (a) compute path (file in, results file out, nothing stored): >= 50,000 lines/s and a peak
      RSS <= 300 MB whatever the file size (shown flat between 100k and 1M lines);
  (b) persisted path (persist=bulk.persist_batch, SQLite WAL): >= 10,000 declarations/s.
Prints figures; never passes or fails.

    .venv/bin/python bench/customs_manifest.py                      # 100k + 1M lines (slow)
    .venv/bin/python bench/customs_manifest.py --lines 200000       # quicker: 100k + 200k
    .venv/bin/python bench/customs_manifest.py --profile            # cProfile, 20k lines, compute
    .venv/bin/python bench/customs_manifest.py --profile --profile-persist   # ... persisted path
    .venv/bin/python bench/customs_manifest.py --thorough           # every line on the thorough path (the old way)

Every measurement runs in its own child process on its own throw-away SQLite database
(CROSSBORDER_VAR_DIR / CROSSBORDER_DATABASE_URL point into a temp folder before crossborder is
imported), so peaks do not mix: peak = resource.getrusage(RUSAGE_SELF).ru_maxrss of that child.
"baseline" is the child's peak after imports, migrations and seeding, before clear_file runs."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST_DATE = "2026-01-02"


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --- child side -------------------------------------------------------------------------------------------------


def _setup(workdir: Path) -> Any:
    """Point the platform at a fresh database in WORKDIR (before importing it), migrate, seed."""
    os.environ["CROSSBORDER_VAR_DIR"] = str(workdir)
    os.environ["CROSSBORDER_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CROSSBORDER_LOG_LEVEL"] = "WARNING"
    os.environ.pop("CROSSBORDER_REFERENCE_DIR", None)
    from crossborder.core import migrate
    from crossborder.core.db import get_sessionmaker
    from crossborder.demo.service import seed_customs_data

    migrate.upgrade()
    session = get_sessionmaker()()
    seed_customs_data(session)
    session.commit()
    return session


def _persister(session: Any) -> Any:
    from crossborder.core.access import service as access
    from crossborder.core.access.principal import SYSTEM, Principal
    from crossborder.core.access.roles import Role
    from crossborder.customs.bulk import persist_batch

    org = access.create_organisation(session, SYSTEM, name="Bench Parcel Platform", kind="business", country="MY")
    session.commit()
    principal = Principal(
        actor="bench:manifest", organisation_id=org.id, country="MY", roles=frozenset({Role.business_user})
    )

    def persist(batch: list[Any]) -> None:
        persist_batch(session, principal, batch)

    return persist


def _clear(session: Any, source: Path, out: Path, persist: Any) -> Any:
    from datetime import date

    from crossborder.customs.manifest import clear_file
    from crossborder.customs.settings import customs_settings

    return clear_file(
        session,
        source,
        out,
        checkpoint_every=customs_settings().checkpoint_every,
        persist=persist,
        today=date.fromisoformat(MANIFEST_DATE),
        compiled=os.environ.get("BENCH_THOROUGH") != "1",
    )


def child_measure(mode: str, source: Path, workdir: Path) -> None:
    session = _setup(workdir)
    persist = _persister(session) if mode == "persist" else None
    out = workdir / "results.jsonl"
    baseline = _rss_mb()
    started = time.perf_counter()
    state = _clear(session, source, out, persist)
    elapsed = time.perf_counter() - started
    peak = _rss_mb()
    stored = None
    if mode == "persist":
        from sqlalchemy import func, select

        from crossborder.customs.models import Declaration

        stored = session.execute(select(func.count(Declaration.id))).scalar_one()
    session.close()
    db = workdir / "bench.sqlite3"
    insert_floor = None
    if mode == "persist":
        sys.path.insert(0, str(HERE))
        from manifest_floor import insert_floor as measure_floor

        insert_floor = measure_floor(db)[1]
    db_bytes = sum(p.stat().st_size for p in workdir.glob("bench.sqlite3*")) if db.exists() else 0
    print(
        json.dumps(
            {
                "mode": mode,
                "lines": state.lines,
                "ok": state.ok,
                "failed": state.failed,
                "stored": stored,
                "seconds": elapsed,
                "baseline_mb": baseline,
                "peak_mb": peak,
                "out_bytes": out.stat().st_size,
                "db_bytes": db_bytes,
                "insert_floor_seconds": insert_floor,
            }
        )
    )


def child_profile(mode: str, source: Path, workdir: Path) -> None:
    import cProfile
    import pstats

    session = _setup(workdir)
    persist = _persister(session) if mode == "persist" else None
    out = workdir / "results.jsonl"
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    state = _clear(session, source, out, persist)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"profiled {mode} path: {state.lines} lines ({state.ok} ok, {state.failed} failed) in {elapsed:.2f} s "
        f"under cProfile ({state.lines / elapsed:,.0f} lines/s with profiler overhead)"
    )
    for key in ("cumulative", "tottime"):
        print(f"\n=== top 25 by {key} ===")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats(key).print_stats(25)


# --- parent side ------------------------------------------------------------------------------------------------


def generate(n: int, path: Path) -> None:
    if path.exists():
        return
    subprocess.run([sys.executable, str(HERE / "gen_manifest.py"), str(n), str(path)], check=True)


def run_child(args: list[str], tmp: Path, capture: bool = True) -> dict[str, Any] | None:
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=tmp))
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", *args, "--workdir", str(workdir)],
            check=True,
            stdout=subprocess.PIPE if capture else None,
            text=True,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1]) if capture else None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def describe(r: dict[str, Any]) -> str:
    rate = r["lines"] / r["seconds"]
    text = (
        f"{r['lines']:>9,} lines ({r['ok']:,} ok, {r['failed']:,} failed) in {r['seconds']:7.2f} s = "
        f"{rate:9,.0f} lines/s ({1e6 / rate:.1f} us/line) | peak RSS {r['peak_mb']:6.1f} MB "
        f"(baseline {r['baseline_mb']:.1f} MB, "
        f"+{r['peak_mb'] - r['baseline_mb']:.1f} MB in clear_file) | results {r['out_bytes'] / 1e6:.0f} MB"
    )
    if r["mode"] == "persist":
        text += (
            f" | {r['stored']:,} declarations stored = {r['stored'] / r['seconds']:,.0f} declarations/s,"
            f" DB {r['db_bytes'] / 1e6:.0f} MB"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="largest manifest (default 1,000,000)")
    parser.add_argument(
        "--persist-lines", type=int, default=None, help="lines for the persisted path (default --lines)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile clear_file on 20k lines instead")
    parser.add_argument("--profile-lines", type=int, default=20_000)
    parser.add_argument("--profile-persist", action="store_true", help="profile the persisted path")
    parser.add_argument("--skip-persist", action="store_true")
    parser.add_argument(
        "--thorough", action="store_true", help="every line on the thorough path (clear_file(compiled=False))"
    )
    parser.add_argument("--tmp", type=Path, default=None, help="folder for manifests and databases (default: temp)")
    parser.add_argument("--child", choices=("compute", "persist", "profile-compute", "profile-persist"))
    parser.add_argument("--input", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()

    if args.child:
        if args.child.startswith("profile-"):
            child_profile(args.child.removeprefix("profile-"), args.input, args.workdir)
        else:
            child_measure(args.child, args.input, args.workdir)
        return

    if args.thorough:
        os.environ["BENCH_THOROUGH"] = "1"  # the children inherit it
    tmp = args.tmp or Path(tempfile.mkdtemp(prefix="crossborder-manifest-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    own_tmp = args.tmp is None
    try:
        if args.profile:
            source = tmp / f"manifest-{args.profile_lines}.csv"
            generate(args.profile_lines, source)
            mode = "profile-persist" if args.profile_persist else "profile-compute"
            run_child([mode, "--input", str(source)], tmp, capture=False)
            return
        sizes = sorted({min(100_000, args.lines), args.lines})
        persist_lines = args.persist_lines or args.lines
        for n in sorted({*sizes, persist_lines}):
            generate(n, tmp / f"manifest-{n}.csv")
        path = "thorough path only" if args.thorough else "compiled path, thorough fallback"
        print(
            f"customs manifest clearing ({path}), {os.cpu_count()} CPUs, one process per measurement, "
            f"date {MANIFEST_DATE}, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        compute = []
        for n in sizes:
            r = run_child(["compute", "--input", str(tmp / f"manifest-{n}.csv")], tmp)
            assert r is not None
            compute.append(r)
            print("compute  :", describe(r), flush=True)
        persisted = None
        if not args.skip_persist:
            persisted = run_child(["persist", "--input", str(tmp / f"manifest-{persist_lines}.csv")], tmp)
            assert persisted is not None
            print("persisted:", describe(persisted), flush=True)
        big = compute[-1]
        floor = json.loads(
            subprocess.run(
                [sys.executable, str(HERE / "manifest_floor.py"), str(tmp / f"manifest-{big['lines']}.csv")],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        floor_rate = floor["lines"] / floor["seconds"]
        print(
            f"floor    : {floor['lines']:>9,} lines in {floor['seconds']:7.2f} s = {floor_rate:9,.0f} lines/s "
            f"({1e6 / floor_rate:.1f} us/line): bare loop (csv, 3 roundings, 2 SHA-256, one JSON line; no "
            "validation, rules or lookups: see manifest_floor.py)"
        )
        print(
            f"target compute >= 50,000 lines/s: {big['lines'] / big['seconds']:,.0f} lines/s ({big['lines']:,} lines); "
            f"{big['lines'] / big['seconds'] / floor_rate:.2f} of the bare-loop floor, which is itself "
            f"{floor_rate / 50_000:.2f} x the target"
        )
        print(
            "target peak RSS <= 300 MB, flat in file size: "
            + ", ".join(f"{r['lines']:,} lines -> {r['peak_mb']:.1f} MB" for r in compute)
        )
        if persisted is not None:
            print(
                f"target persisted >= 10,000 declarations/s: {persisted['stored'] / persisted['seconds']:,.0f} "
                f"declarations/s ({persisted['stored']:,} stored of {persisted['lines']:,} lines), "
                f"peak RSS {persisted['peak_mb']:.1f} MB"
            )
            store_s = persisted["insert_floor_seconds"] / persisted["stored"]
            line_s = floor["seconds"] / floor["lines"]
            print(
                f"floor of storing: {1e6 * store_s:.1f} us per declaration by bare sqlite3 executemany of the same "
                f"rows into the same tables; with the computation floor, {1 / (store_s + line_s):,.0f} declarations/s "
                "at most for one process here"
            )
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average after: {load} (2 cores: above 2, other work shares them and figures come out low)")
    finally:
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
