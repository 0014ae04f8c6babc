"""Ties an index definition and its data file to results for the pages, the API, the CLI and reports.

Results are recomputed from files, never stored: the same definition and data give byte-identical JSON
(sorted keys, Decimals as text, no timestamps), and the result carries a digest of both inputs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from crossborder.core.errors import NotFound, ReferenceDataError
from crossborder.monitoring.index_config import INDICES_DIR, IndexConfig, index_codes, load_config
from crossborder.monitoring.index_data import IndexData, parse_csv
from crossborder.monitoring.index_engine import IndexResult, compute
from crossborder.monitoring.index_platform import platform_data
from crossborder.monitoring.index_sample import LABEL
from crossborder.monitoring.index_sensitivity import Sensitivity, analyse
from crossborder.reference.service import member_states


@dataclass(frozen=True)
class Computed:
    config: IndexConfig
    data: IndexData
    result: IndexResult
    digest: str  # sha256 over the definition's and the data's digests
    data_label: str  # what the data is ("synthetic sample data, …" or "uploaded file")


def config(code: str) -> IndexConfig:
    if code not in index_codes():
        raise NotFound(f"no composite index {code!r}; known: {', '.join(index_codes())}")
    return load_config(code)


def all_configs() -> list[IndexConfig]:
    return [load_config(code) for code in index_codes()]


def sample_bytes(cfg: IndexConfig) -> bytes:
    path = (INDICES_DIR / cfg.sample_data).resolve()
    if not cfg.sample_data or INDICES_DIR.resolve() not in path.parents or not path.is_file():
        raise ReferenceDataError(f"{cfg.code}.yaml", "sample_data", f"no sample file {cfg.sample_data!r}")
    return path.read_bytes()


def label_of(content: bytes, fallback: str) -> str:
    """A file's own label (its first '#' comment line, e.g. the sample's "synthetic" label) or the fallback."""
    first = content[:400].decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0].strip()
    return first.lstrip("#").strip()[:200] if first.startswith("#") else fallback


def compute_bytes(cfg: IndexConfig, content: bytes, fallback_label: str) -> Computed:
    label = label_of(content, fallback_label)
    data = parse_csv(content, cfg, member_states())
    digest = hashlib.sha256(f"{cfg.digest}:{data.digest}".encode()).hexdigest()
    return Computed(cfg, data, compute(cfg, data), digest, label)


@lru_cache(maxsize=8)
def compute_sample(code: str) -> Computed:
    """The index on its shipped sample file (files do not change while the process runs)."""
    cfg = config(code)
    return compute_bytes(cfg, sample_bytes(cfg), LABEL)


def sensitivity(computed: Computed, cycle: str) -> Sensitivity:
    if computed.result.cycle(cycle) is None:
        raise NotFound(f"index {computed.config.code} has no cycle {cycle!r}")
    return analyse(computed.config, computed.data, cycle)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def config_json(cfg: IndexConfig) -> dict[str, Any]:
    return {
        "code": cfg.code, "name": cfg.name, "description": cfg.description, "source": cfg.source,
        "normalisation": cfg.normalisation, "all_equal_score": str(cfg.all_equal_score),
        "aggregation": {"sub_index": cfg.sub_index_aggregation, "index": cfg.index_aggregation,
                        "geometric_floor": str(cfg.geometric_floor)},
        "weights_must_sum_to": str(cfg.must_sum_to), "weights_tolerance": str(cfg.tolerance),
        "missing": {"policy": cfg.missing_policy, "max_missing_share": str(cfg.max_missing_share)},
        "gaps": list(cfg.gaps), "definition_sha256": cfg.digest,
        "sub_indices": [{"code": s.code, "name": s.name, "weight": str(s.weight), "source": s.source,
                         "indicators": [{"code": i.code, "name": i.name, "direction": i.direction,
                                         "weight": str(i.weight), "unit": i.unit, "target": _text(i.target),
                                         "bounds": [str(b) for b in i.bounds] if i.bounds else None,
                                         "source": i.source, "defined_by": i.defined_by} for i in s.indicators]}
                        for s in cfg.sub_indices],
    }  # fmt: skip


def result_json(computed: Computed) -> dict[str, Any]:
    r = computed.result
    return {
        "index": r.index, "name": computed.config.name, "data": computed.data_label, "digest": computed.digest,
        "definition_sha256": computed.config.digest, "data_sha256": computed.data.digest,
        "normalisation": r.normalisation, "aggregation": {"sub_index": r.aggregation[0], "index": r.aggregation[1]},
        "missing_policy": computed.config.missing_policy,
        "weights": {k: {"weight": str(w), "indicators": {i: str(v) for i, v in ws.items()}}
                    for k, (w, ws) in r.weights.items()},
        "cycles": [{"cycle": c.cycle, "states": [
            {"member_state": s.state, "index": _text(s.index), "rank": s.rank, "change": _text(s.change),
             "sub_indices": {k: _text(v) for k, v in s.sub_indices.items()}} for s in c.states]}
            for c in r.cycles],
        "treatments": [{"cycle": t.cycle, "member_state": t.state, "item": t.item, "treatment": t.kind,
                        "detail": t.detail, "value": _text(t.value)} for t in r.treatments],
    }  # fmt: skip


def sensitivity_json(s: Sensitivity) -> dict[str, Any]:
    return {
        "cycle": s.cycle, "alternative_normalisation": s.alternative,
        "scenarios": [{"name": x.name, "ranks": x.ranks, "scores": {k: _text(v) for k, v in x.scores.items()}}
                      for x in s.scenarios],
        "states": [{"member_state": x.state, "rank": x.rank, "rank_low": x.rank_low, "rank_high": x.rank_high,
                    "max_score_change": _text(x.max_change), "alternative_rank": x.alternative_rank}
                   for x in s.states],
    }  # fmt: skip


def dumps(document: dict[str, Any]) -> str:
    """Canonical JSON: the same document gives the same bytes."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


PLATFORM_LABEL = "this platform's records (KPIs, Laws Reporting Scheme, tracking); other indicators missing"


def uses_platform(cfg: IndexConfig) -> bool:
    return any(i.platform is not None for i in cfg.indicators)


def compute_platform(session: Session, code: str, years: list[int]) -> Computed:
    """The index on values read from this platform's records, one cycle per calendar year."""
    cfg = config(code)
    data = platform_data(session, cfg, years, member_states())
    digest = hashlib.sha256(f"{cfg.digest}:{data.digest}".encode()).hexdigest()
    return Computed(cfg, data, compute(cfg, data), digest, PLATFORM_LABEL)
