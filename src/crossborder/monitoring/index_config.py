"""Composite-index definitions as data: one YAML file per index (data/indices/<code>.yaml), loaded and
checked here so a malformed definition stops with an error naming the file, the key and the rule.

Weights are exact Decimals: a group's weights must sum to `weights.must_sum_to` within
`weights.tolerance`, or the group says `weights: equal` and every member gets 1/n."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import ReferenceDataError

INDICES_DIR = Path(__file__).parent / "data" / "indices"
METHODS = ("min_max", "z_score", "distance_to_target")
AGGREGATIONS = ("arithmetic", "geometric")
MISSING_POLICIES = ("exclude", "impute_mean", "impute_last", "fail")
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    sub_index: str
    direction: str
    weight: Decimal
    target: Decimal | None
    bounds: tuple[Decimal, Decimal] | None  # fixed goalposts for min-max, so cycles compare over time
    unit: str
    source: str
    defined_by: str
    platform: tuple[str, str] | None = None  # (kind, key) this platform measures: index_platform.py


@dataclass(frozen=True)
class SubIndex:
    code: str
    name: str
    weight: Decimal
    indicators: tuple[Indicator, ...]
    source: str


@dataclass(frozen=True)
class IndexConfig:
    code: str
    name: str
    description: str
    normalisation: str
    all_equal_score: Decimal  # min-max score when every state has the same value
    sub_index_aggregation: str
    index_aggregation: str
    geometric_floor: Decimal  # normalised values below it are raised to it before a geometric mean
    must_sum_to: Decimal
    tolerance: Decimal
    missing_policy: str
    max_missing_share: Decimal  # above this share missing in a sub-index, the sub-index is not computed
    quantum: Decimal
    sub_indices: tuple[SubIndex, ...]
    sample_data: str
    source: dict[str, str]
    gaps: tuple[str, ...]
    digest: str  # sha256 of the definition file's bytes

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for s in self.sub_indices for i in s.indicators)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)


class _Reader:
    """Reads one file's mapping, raising ReferenceDataError(file, key path, reason) on every defect."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, reason: str) -> ReferenceDataError:
        return ReferenceDataError(self.file, path, reason)

    def text(self, data: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}.{key}", f"must be a non-empty text, found {value!r}")
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, allowed: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        if value not in allowed:
            raise self.fail(f"{path}.{key}", f"must be one of {', '.join(allowed)}, found {value!r}")
        return str(value)

    def decimal(self, value: Any, path: str, *, positive: bool = False) -> Decimal:
        # YAML floats go through str() so 0.1 becomes Decimal('0.1'), not the binary approximation.
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.fail(path, f"must be a number, found {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(path, f"must be a number, found {value!r}") from None
        if not number.is_finite() or (positive and number <= 0):
            raise self.fail(path, f"must be a {'positive ' if positive else ''}finite number, found {value!r}")
        return number


def _weights(r: _Reader, shorthand: Any, items: list[Any], path: str, label: str,
             must: Decimal, tol: Decimal) -> list[Decimal]:  # fmt: skip
    if shorthand == "equal":
        if any(isinstance(i, dict) and "weight" in i for i in items):
            raise r.fail(path, f"weights of {label} are 'equal', so its members must not carry their own weight")
        return [must / len(items)] * len(items)
    if shorthand is not None:
        raise r.fail(path, f"the weights shorthand must be 'equal' or absent, found {shorthand!r}")
    weights = []
    for n, item in enumerate(items):
        if not isinstance(item, dict) or "weight" not in item:
            raise r.fail(f"{path}[{n}].weight", "is required unless the group says 'weights: equal'")
        weight = r.decimal(item["weight"], f"{path}[{n}].weight")
        if weight < 0:
            raise r.fail(f"{path}[{n}].weight", f"must not be negative, found {weight}")
        weights.append(weight)
    total = sum(weights, Decimal(0))
    if abs(total - must) > tol:
        raise r.fail(path, f"weights of {label} sum to {total}; the rule is weights_must_sum_to {must} "
                           f"(tolerance {tol})")  # fmt: skip
    return weights


def _indicator(r: _Reader, raw: Any, path: str, sub: str, weight: Decimal, method: str) -> Indicator:
    if not isinstance(raw, dict):
        raise r.fail(path, "must be a mapping")
    target = r.decimal(raw["target"], f"{path}.target", positive=True) if raw.get("target") is not None else None
    if method == "distance_to_target" and target is None:
        raise r.fail(f"{path}.target", "is required: the index normalises by distance to target")
    bounds = None
    if raw.get("bounds") is not None:
        low_high = raw["bounds"]
        if not isinstance(low_high, list) or len(low_high) != 2:
            raise r.fail(f"{path}.bounds", f"must be [low, high], found {low_high!r}")
        low, high = (r.decimal(v, f"{path}.bounds") for v in low_high)
        if not low < high:
            raise r.fail(f"{path}.bounds", f"low must be below high, found [{low}, {high}]")
        bounds = (low, high)
    return Indicator(
        code=r.text(raw, "code", path), name=r.text(raw, "name", path), sub_index=sub,
        direction=r.choice(raw, "direction", path, DIRECTIONS, "higher"), weight=weight, target=target,
        bounds=bounds, unit=str(raw.get("unit", "")), source=r.text(raw, "source", path),
        defined_by=r.text(raw, "defined_by", path), platform=_platform(r, raw.get("platform"), f"{path}.platform"),
    )  # fmt: skip


PLATFORM_KINDS = ("kpi", "laws_topic", "tracking")


def _platform(r: _Reader, raw: Any, path: str) -> tuple[str, str] | None:
    """`platform: {kpi: CODE}`, `{laws_topic: B.1}` or `{tracking: implementation}`; checked against the
    KPI definitions and the Work Plan where the values are computed (index_platform.py)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in PLATFORM_KINDS:
        raise r.fail(path, f"must be one of {{{', '.join(f'{k}: …' for k in PLATFORM_KINDS)}}}, found {raw!r}")
    kind, key = next(iter(raw.items()))
    return str(kind), str(key)


def parse_config(content: bytes, file: str) -> IndexConfig:
    r = _Reader(file)
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise r.fail("(file)", f"is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise r.fail("(file)", "must be a mapping")
    norm = data.get("normalisation") or {}
    agg = data.get("aggregation") or {}
    missing = data.get("missing") or {}
    method = r.choice(norm, "method", "normalisation", METHODS, "min_max")
    sub_agg = r.choice(agg, "sub_index", "aggregation", AGGREGATIONS, "arithmetic")
    top_agg = r.choice(agg, "index", "aggregation", AGGREGATIONS, "arithmetic")
    if method == "z_score" and "geometric" in (sub_agg, top_agg):
        raise r.fail("aggregation", "geometric aggregation needs positive values; z-scores are not")
    must = r.decimal(data.get("weights_must_sum_to", 1), "weights_must_sum_to", positive=True)
    tol = r.decimal(data.get("weights_tolerance", "1e-9"), "weights_tolerance")
    code = r.text(data, "code", "")
    raw_subs = data.get("sub_indices")
    if not isinstance(raw_subs, list) or not raw_subs:
        raise r.fail("sub_indices", "must be a non-empty list")
    sub_weights = _weights(r, data.get("sub_index_weights"), raw_subs, "sub_indices", f"index {code}", must, tol)
    subs, seen = [], set()
    for n, (raw, sub_weight) in enumerate(zip(raw_subs, sub_weights, strict=True)):
        path = f"sub_indices[{n}]"
        if not isinstance(raw, dict):
            raise r.fail(path, "must be a mapping")
        sub_code = r.text(raw, "code", path)
        items = raw.get("indicators")
        if not isinstance(items, list) or not items:
            raise r.fail(f"{path}.indicators", "must be a non-empty list")
        label = f"index {code}, sub-index {sub_code}"
        weights = _weights(r, raw.get("indicator_weights"), items, f"{path}.indicators", label, must, tol)
        indicators = tuple(_indicator(r, item, f"{path}.indicators[{k}]", sub_code, w, method)
                           for k, (item, w) in enumerate(zip(items, weights, strict=True)))  # fmt: skip
        for key in (sub_code, *(i.code for i in indicators)):
            if key in seen:
                raise r.fail(path, f"code {key!r} is used twice")
            seen.add(key)
        subs.append(SubIndex(sub_code, r.text(raw, "name", path), sub_weight, indicators, r.text(raw, "source", path)))
    source = data.get("source")
    if not isinstance(source, dict) or not {"document", "section"} <= source.keys():
        raise r.fail("source", "must give document and section")
    share = r.decimal(missing.get("max_missing_share", "0.5"), "missing.max_missing_share")
    if not 0 <= share <= 1:
        raise r.fail("missing.max_missing_share", f"must be between 0 and 1, found {share}")
    return IndexConfig(
        code=code, name=r.text(data, "name", ""), description=str(data.get("description", "")),
        normalisation=method,
        all_equal_score=r.decimal(norm.get("all_equal_score", 50), "normalisation.all_equal_score"),
        sub_index_aggregation=sub_agg, index_aggregation=top_agg,
        geometric_floor=r.decimal(agg.get("geometric_floor", 1), "aggregation.geometric_floor", positive=True),
        must_sum_to=must, tolerance=tol,
        missing_policy=r.choice(missing, "policy", "missing", MISSING_POLICIES, "exclude"), max_missing_share=share,
        quantum=r.decimal(data.get("quantum", "0.01"), "quantum", positive=True), sub_indices=tuple(subs),
        sample_data=str(data.get("sample_data", "")), source={k: str(v) for k, v in source.items()},
        gaps=tuple(str(g) for g in data.get("gaps") or ()), digest=hashlib.sha256(content).hexdigest(),
    )  # fmt: skip


def load_config(code: str, directory: Path = INDICES_DIR) -> IndexConfig:
    path = directory / f"{code}.yaml"
    if code not in index_codes(directory):
        raise ReferenceDataError(str(path), "(file)", f"no index definition named {code!r}")
    return parse_config(path.read_bytes(), path.name)


def index_codes(directory: Path = INDICES_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))
