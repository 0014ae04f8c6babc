"""Composite indices: both definitions (ACEI and the digital-integration index), each widened to 100
indicators spread over its own sub-indices (same normalisation, aggregation, missing policy), on
synthetic values for 10 member states x 10 cycles (seeded, ~3% missing so the treatments run).

Target (issue 7, composite indices): both indices, 10 states x 100 indicators x 10 cycles, <= 200 ms
total compute. Prints ms per index and per cycle, and CSV parsing apart; never passes or fails.

    .venv/bin/python bench/monitoring_indices.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import yaml

from crossborder.monitoring.index_config import INDICES_DIR, IndexConfig, parse_config
from crossborder.monitoring.index_data import parse_csv, to_csv
from crossborder.monitoring.index_engine import compute
from crossborder.monitoring.index_sample import values

STATES = ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"]
CYCLES = [str(2020 + n) for n in range(10)]
INDICATORS = 100


def widened(code: str) -> IndexConfig:
    """The shipped definition with 100 indicators shared out over its sub-indices, equal weights."""
    raw: dict[str, Any] = yaml.safe_load((INDICES_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
    subs = raw["sub_indices"]
    for n, sub in enumerate(subs):
        template = dict(sub["indicators"][0])
        template.pop("weight", None)
        count = INDICATORS // len(subs) + (1 if n < INDICATORS % len(subs) else 0)
        sub["indicator_weights"] = "equal"
        sub["indicators"] = [{**template, "code": f"{sub['code']}-B{k:03d}", "direction": ("higher", "lower")[k % 2]}
                             for k in range(count)]  # fmt: skip
    return parse_config(yaml.safe_dump(raw).encode(), f"{code} (bench, {INDICATORS} indicators)")


def best_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    total_best = 0.0
    print(f"{len(STATES)} member states x {INDICATORS} indicators x {len(CYCLES)} cycles per index")
    for code in ("acei", "digital_integration"):
        cfg = widened(code)
        content = to_csv(cfg, values(cfg, CYCLES, STATES)).encode()
        parse_best, parse_median = best_ms(lambda cfg=cfg, content=content: parse_csv(content, cfg, STATES),
                                           args.repeat)  # fmt: skip
        data = parse_csv(content, cfg, STATES)
        run_best, run_median = best_ms(lambda cfg=cfg, data=data: compute(cfg, data), args.repeat)
        treated = len(compute(cfg, data).treatments)
        total_best += run_best
        print(f"{code:20} {len(cfg.sub_indices)} sub-indices, {cfg.normalisation}, "
              f"{cfg.sub_index_aggregation}/{cfg.index_aggregation}, "
              f"missing={cfg.missing_policy} ({treated} treated)")  # fmt: skip
        print(f"  compute  best {run_best:7.1f} ms  median {run_median:7.1f} ms  "
              f"per cycle {run_best / len(CYCLES):6.2f} ms")  # fmt: skip
        print(f"  parse CSV best {parse_best:7.1f} ms  median {parse_median:7.1f} ms  ({len(content):,} bytes)")
    print(f"both indices: compute {total_best:.1f} ms (best of {args.repeat})  target <= 200 ms")


if __name__ == "__main__":
    main()
