"""The floor of the manifest computation path on this machine: a bare loop over the same CSV that
does only what any line's result needs at the least - read the row with the csv module, round
three amounts with Decimal, hash the consignee and the reference with SHA-256 (the split-shipment
key and the random draw), write one JSON line - with no validation, no rules, no lookups, no
risk state and no thorough fallback. Whatever the clearing path does costs more than this, so it
says how far a target in lines/s is reachable by one CPython process here at all.

    .venv/bin/python bench/manifest_floor.py MANIFEST.csv

Prints one JSON object: {"lines": N, "seconds": S}. customs_manifest.py runs it in the same run."""

from __future__ import annotations

import csv
import hashlib
import json
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


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        n, seconds = floor(Path(sys.argv[1]), Path(folder) / "floor.jsonl")
    print(json.dumps({"lines": n, "seconds": seconds}))
