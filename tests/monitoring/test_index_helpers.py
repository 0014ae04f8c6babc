"""Small index definitions and data files for the index tests, written as YAML/CSV text so each test
reads like the files an operator would write."""

from __future__ import annotations

from typing import Any

import yaml

from crossborder.monitoring.index_config import IndexConfig, parse_config
from crossborder.monitoring.index_data import IndexData, parse_csv

STATES = ("AA", "BB", "CC")


def indicator(code: str, direction: str = "higher", **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Indicator {code}", "direction": direction, "unit": "score",
            "defined_by": "test", "source": "test", **extra}  # fmt: skip


def definition(sub_indices: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {"code": "t", "name": "Test index", "source": {"document": "test", "section": "test"},
            "normalisation": {"method": "min_max", "all_equal_score": 50},
            "aggregation": {"sub_index": "arithmetic", "index": "arithmetic", "geometric_floor": 1},
            "weights_must_sum_to": 1, "weights_tolerance": "1e-9", "sub_index_weights": "equal",
            "missing": {"policy": "exclude", "max_missing_share": "0.5"},
            "sub_indices": sub_indices, **top}  # fmt: skip


def sub(code: str, indicators: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"code": code, "name": f"Sub-index {code}", "source": "test"}
    if not any("weight" in i for i in indicators):
        base["indicator_weights"] = "equal"
    return {**base, "indicators": indicators, **extra}


def config(raw: dict[str, Any]) -> IndexConfig:
    return parse_config(yaml.safe_dump(raw).encode(), "t.yaml")


def two_indicator_config(**top: Any) -> IndexConfig:
    """One sub-index S: I1 (higher is better) and I2 (lower is better), equal weights."""
    return config(definition([sub("S", [indicator("I1"), indicator("I2", "lower")])], **top))


def csv_text(rows: list[tuple[str, str, str, str]], index: str = "t") -> bytes:
    lines = ["index,cycle,member_state,indicator,value"]
    lines += [f"{index},{cycle},{state},{code},{value}" for cycle, state, code, value in rows]
    return ("\n".join(lines) + "\n").encode()


def data(cfg: IndexConfig, rows: list[tuple[str, str, str, str]]) -> IndexData:
    return parse_csv(csv_text(rows, cfg.code), cfg, STATES)


# I1: AA 10, BB 20, CC 30 (higher is better); I2: AA 5, BB 15, CC 10 (lower is better).
BASIC = [("2020", "AA", "I1", "10"), ("2020", "BB", "I1", "20"), ("2020", "CC", "I1", "30"),
         ("2020", "AA", "I2", "5"), ("2020", "BB", "I2", "15"), ("2020", "CC", "I2", "10")]  # fmt: skip
