"""How much an index's ranks and scores depend on its choices, for one cycle.

Weight scenarios: each sub-index weight times 0.8 and times 1.2 (then all sub-index weights renormalised
to the rule's sum), and equal weights at both levels instead of the configured ones. For each state: its
rank under the configured weights, the lowest and highest rank over the scenarios, and the largest
absolute change of its index score. Normalisation: the configured method beside the alternative
(min-max <-> z-score) with ranks compared; z-score runs aggregate arithmetically at both levels, since
a geometric mean needs positive values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from crossborder.monitoring.index_config import IndexConfig
from crossborder.monitoring.index_data import IndexData
from crossborder.monitoring.index_engine import IndexResult, Options, compute

FACTORS = (Decimal("0.8"), Decimal("1.2"))  # the +/-20% perturbation of each sub-index weight


@dataclass(frozen=True)
class Scenario:
    name: str
    ranks: dict[str, int | None]
    scores: dict[str, Decimal | None]


@dataclass(frozen=True)
class StateSensitivity:
    state: str
    rank: int | None
    rank_low: int | None  # best (smallest) rank over the weight scenarios
    rank_high: int | None
    max_change: Decimal | None  # largest |score - configured score| over the weight scenarios
    alternative_rank: int | None  # rank under the alternative normalisation


@dataclass(frozen=True)
class Sensitivity:
    cycle: str
    alternative: str  # the other normalisation method compared
    scenarios: tuple[Scenario, ...]
    states: tuple[StateSensitivity, ...]


def _scenario(name: str, result: IndexResult, cycle: str) -> Scenario:
    found = result.cycle(cycle)
    rows = found.states if found else ()
    return Scenario(name, {s.state: s.rank for s in rows}, {s.state: s.index for s in rows})


def analyse(config: IndexConfig, data: IndexData, cycle: str) -> Sensitivity:
    only = (cycle,)
    base = _scenario("configured", compute(config, data, Options(cycles=only)), cycle)
    scenarios = [base]
    weights = {s.code: s.weight for s in config.sub_indices}
    if len(weights) > 1:
        for code in weights:
            for factor in FACTORS:
                moved = {k: w * factor if k == code else w for k, w in weights.items()}
                total = sum(moved.values(), Decimal(0))
                scaled = {k: w * config.must_sum_to / total for k, w in moved.items()}
                name = f"{code} weight x{factor}"
                scenarios.append(_scenario(name, compute(config, data, Options(sub_index_weights=scaled,
                                                                                cycles=only)), cycle))  # fmt: skip
    equal_sub = {s.code: config.must_sum_to / len(config.sub_indices) for s in config.sub_indices}
    equal_ind = {i.code: config.must_sum_to / len(s.indicators) for s in config.sub_indices for i in s.indicators}
    scenarios.append(_scenario("equal weights", compute(config, data, Options(
        sub_index_weights=equal_sub, indicator_weights=equal_ind, cycles=only)), cycle))  # fmt: skip
    alternative = "z_score" if config.normalisation != "z_score" else "min_max"
    how = ("arithmetic", "arithmetic") if alternative == "z_score" else None
    alt = _scenario(f"normalisation {alternative}", compute(config, data, Options(
        normalisation=alternative, aggregation=how, cycles=only)), cycle)  # fmt: skip
    states = []
    for state in sorted(base.ranks):
        ranks = [r for s in scenarios if (r := s.ranks.get(state)) is not None]
        score = base.scores.get(state)
        changes = [abs(v - score) for s in scenarios if score is not None and (v := s.scores.get(state)) is not None]
        states.append(StateSensitivity(state, base.ranks[state], min(ranks, default=None), max(ranks, default=None),
                                       max(changes, default=None), alt.ranks.get(state)))  # fmt: skip
    return Sensitivity(cycle, alternative, (*scenarios, alt), tuple(states))
