"""The floor of the manifest computation path on this machine: a bare loop over the same CSV that
does only what any line's result needs at the least - read the row with the csv module, round
three amounts with Decimal, hash the consignee and the reference with SHA-256 (the split-shipment
key and the random draw), write one JSON line - with no validation, no rules, no lookups, no
risk state and no thorough fallback. Whatever the clearing path does costs more than this, so it
says how far a target in lines/s is reachable by one CPython process here at all.

    .venv/bin/python bench/manifest_floor.py MANIFEST.csv

Prints one JSON object: {"lines": N, "seconds": S}. customs_manifest.py runs it in the same run.

`insert_floor(database)` is the storing side's floor: the declarations and events a persisted run
stored, read back as plain tuples and inserted again into a fresh SQLite file with the same tables
and indexes (WAL, synchronous=NORMAL, the bulk page cache, one transaction per 5,000 rows, as the
checkpoints commit), by sqlite3's executemany with no other work. customs_manifest.py's persisted
child runs it on its own database after the measured run."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal, getcontext
from pathlib import Path


def floor(source: Path, out: Path) -> tuple[int, float]:
    context = getcontext().copy()
    context.rounding = ROUND_HALF_UP
    money, cent, duty_rate, tax_rate = context.quantize, Decimal("0.01"), Decimal("0.05"), Decimal("0.1")
    lines = 0
    started = time.perf_counter()
    with source.open(newline="", encoding="utf-8") as handle, out.open("w", encoding="utf-8") as sink:
        rows = csv.reader(handle)
        next(rows)  # the header
        buffer: list[str] = []
        for row in rows:
            lines += 1
            value = money(Decimal(row[15]) * int(row[14] or 1), cent)
            duty = money(value * duty_rate, cent)
            tax = money((value + duty) * tax_rate, cent)
            consignee = hashlib.sha256(f"{row[8]}|{row[9]}|{row[2]}".lower().encode()).hexdigest()[:32]
            draw = int.from_bytes(hashlib.sha256(row[0].encode()).digest()[:8], "big")
            buffer.append(
                f'{{"line":{lines},"client_reference":"{row[0]}","customs_value":"{value}","duty":"{duty}",'
                f'"tax":"{tax}","landed_cost":"{value + duty + tax}","key":"{consignee}","draw":{draw}}}\n'
            )
            if len(buffer) >= 5000:
                sink.write("".join(buffer))
                buffer.clear()
        sink.write("".join(buffer))
    return lines, time.perf_counter() - started


def insert_floor(database: Path, batch: int = 5000) -> tuple[int, float]:
    """(rows, seconds) to insert DATABASE's declarations and their events again (see above)."""
    tables = ("customs_declarations", "customs_declaration_events")
    with sqlite3.connect(database) as source:
        page_size = source.execute("PRAGMA page_size").fetchone()[0]
        ddl = [
            sql
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name IN (?, ?) AND sql IS NOT NULL ORDER BY type DESC", tables
            )
        ]
        columns = {t: [c[1] for c in source.execute(f"PRAGMA table_info({t})") if c[1] != "id"] for t in tables}
        data = {t: source.execute(f"SELECT {','.join(columns[t])} FROM {t} ORDER BY id").fetchall() for t in tables}
    inserts = {
        t: f"INSERT INTO {t} ({','.join(columns[t])}) VALUES ({','.join('?' * len(columns[t]))})" for t in tables
    }
    rows, events = data[tables[0]], data[tables[1]]
    per_row = len(events) // max(len(rows), 1)
    with tempfile.TemporaryDirectory() as folder:
        target = sqlite3.connect(Path(folder) / "floor.sqlite3", isolation_level=None)
        target.execute(f"PRAGMA page_size={page_size}")
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "foreign_keys=OFF"):
            target.execute(f"PRAGMA {pragma}")
        for sql in ddl:
            target.execute(sql)
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            target.execute("BEGIN")
            target.executemany(inserts[tables[0]], rows[start : start + batch])
            target.executemany(inserts[tables[1]], events[start * per_row : (start + batch) * per_row])
            target.execute("COMMIT")
        seconds = time.perf_counter() - started
        target.close()
    return len(rows), seconds


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        n, seconds = floor(Path(sys.argv[1]), Path(folder) / "floor.jsonl")
    print(json.dumps({"lines": n, "seconds": seconds}))
