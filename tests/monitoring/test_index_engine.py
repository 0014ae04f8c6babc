"""The index engine against hand-computed examples (the arithmetic is in the comments)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossborder.core.errors import ValidationFailed
from crossborder.monitoring.index_engine import IndexResult, Options, compute
from tests.monitoring.test_index_helpers import BASIC, config, data, definition, indicator, sub, two_indicator_config


def scores(result: IndexResult, cycle: str = "2020") -> dict[str, tuple[str | None, int | None]]:
    found = result.cycle(cycle)
    assert found is not None
    return {s.state: (None if s.index is None else str(s.index), s.rank) for s in found.states}


def test_min_max_arithmetic() -> None:
    # I1 higher: lo 10, hi 30 -> AA 0, BB (20-10)/20*100 = 50, CC 100.
    # I2 lower: lo 5, hi 15 -> AA (15-5)/10*100 = 100, BB 0, CC (15-10)/10*100 = 50.
    # Equal weights 0.5: AA 50, BB 25, CC 75; ranks CC 1, AA 2, BB 3.
    cfg = two_indicator_config()
    result = compute(cfg, data(cfg, BASIC))
    assert scores(result) == {"AA": ("50.00", 2), "BB": ("25.00", 3), "CC": ("75.00", 1)}
    assert result.treatments == ()


def test_min_max_all_equal_gets_the_configured_score() -> None:
    # Every state has 7: no spread, so each gets all_equal_score (40 here), not a division by zero.
    cfg = config(definition([sub("S", [indicator("I1")])], normalisation={"method": "min_max", "all_equal_score": 40}))
    rows = [("2020", s, "I1", "7") for s in ("AA", "BB", "CC")]
    assert {s: v for s, (v, _) in scores(compute(cfg, data(cfg, rows))).items()} == dict.fromkeys(
        ("AA", "BB", "CC"), "40.00")  # fmt: skip


def test_min_max_goalposts_clip_and_fix_the_scale() -> None:
    # Bounds [0, 25]: AA 10 -> 40, BB 20 -> 80, CC 30 clipped to 25 -> 100 (not the cycle's own min/max).
    cfg = config(definition([sub("S", [indicator("I1", bounds=[0, 25])])]))
    rows = [r for r in BASIC if r[2] == "I1"]
    assert scores(compute(cfg, data(cfg, rows))) == {"AA": ("40.00", 3), "BB": ("80.00", 2), "CC": ("100.00", 1)}


def test_z_score() -> None:
    # I1: mean 20, population sd sqrt((100+0+100)/3) = 8.164966 -> AA -1.224745, BB 0, CC 1.224745.
    # I2 (lower, sign flipped): mean 10, sd sqrt((25+25+0)/3) = 4.082483 -> AA 1.224745, BB -1.224745, CC 0.
    # Mean: AA 0, BB -0.612372, CC 0.612372.
    cfg = two_indicator_config(normalisation={"method": "z_score"})
    assert scores(compute(cfg, data(cfg, BASIC))) == {"AA": ("0.00", 2), "BB": ("-0.61", 3), "CC": ("0.61", 1)}


def test_distance_to_target() -> None:
    # I1 higher, target 25: AA 10/25 = 40, BB 20/25 = 80, CC 30/25 capped -> 100.
    # I2 lower, target 8: AA 5 <= 8 -> 100, BB 8/15 = 53.333, CC 8/10 = 80.
    # Mean: AA 70, BB 66.667, CC 90.
    cfg = config(definition([sub("S", [indicator("I1", target=25), indicator("I2", "lower", target=8)])],
                            normalisation={"method": "distance_to_target"}))  # fmt: skip
    assert scores(compute(cfg, data(cfg, BASIC))) == {"AA": ("70.00", 2), "BB": ("66.67", 3), "CC": ("90.00", 1)}


def test_geometric_aggregation_with_floor() -> None:
    # Sub-indices S1 = I1 and S2 = I2 (min-max as above): AA (0, 100), BB (50, 0), CC (100, 50).
    # Geometric mean, weights 0.5/0.5, scores below the floor 1 raised to 1:
    # AA sqrt(1*100) = 10; BB sqrt(50*1) = 7.0711; CC sqrt(100*50) = 70.7107.
    how = {"sub_index": "arithmetic", "index": "geometric", "geometric_floor": 1}
    cfg = config(definition([sub("S1", [indicator("I1")]), sub("S2", [indicator("I2", "lower")])], aggregation=how))
    result = compute(cfg, data(cfg, BASIC))
    assert scores(result) == {"AA": ("10.00", 2), "BB": ("7.07", 3), "CC": ("70.71", 1)}
    assert {(t.state, t.item, t.kind) for t in result.treatments} == {("AA", "t", "floored"), ("BB", "t", "floored")}


def test_weighted_geometric_aggregation() -> None:
    # Weights S1 0.25, S2 0.75; CC: 100^0.25 * 50^0.75 = 3.162278 * 18.803015 = 59.460356.
    # AA: 1^0.25 * 100^0.75 = 31.622777; BB: 50^0.25 * 1^0.75 = 2.659148.
    subs = [sub("S1", [indicator("I1")], weight="0.25"), sub("S2", [indicator("I2", "lower")], weight="0.75")]
    how = {"sub_index": "geometric", "index": "geometric"}
    cfg = config(definition(subs, sub_index_weights=None, aggregation=how))
    assert scores(compute(cfg, data(cfg, BASIC))) == {"AA": ("31.62", 2), "BB": ("2.66", 3), "CC": ("59.46", 1)}


MISSING_BB = [r for r in BASIC if r[1:3] != ("BB", "I1")]  # BB has no I1 value


def test_missing_excluded_renormalises_weights() -> None:
    # I1 over AA 10, CC 30: AA 0, CC 100. BB keeps only I2 = 0 (its weight renormalised to 1): BB 0.
    cfg = two_indicator_config()
    result = compute(cfg, data(cfg, MISSING_BB))
    assert scores(result) == {"AA": ("50.00", 2), "BB": ("0.00", 3), "CC": ("75.00", 1)}
    assert [(t.state, t.item, t.kind) for t in result.treatments] == [("BB", "I1", "excluded")]


def test_missing_explicit_empty_value_is_treated_like_an_absent_row() -> None:
    cfg = two_indicator_config()
    rows = [*MISSING_BB, ("2020", "BB", "I1", "")]
    result = compute(cfg, data(cfg, rows))
    assert scores(result)["BB"] == ("0.00", 3)
    assert [(t.state, t.kind) for t in result.treatments] == [("BB", "excluded")]


def test_missing_imputed_with_cycle_mean() -> None:
    # BB's I1 = mean(10, 30) = 20 -> (20-10)/20*100 = 50; BB = (50 + 0)/2 = 25.
    cfg = two_indicator_config(missing={"policy": "impute_mean", "max_missing_share": "0.5"})
    result = compute(cfg, data(cfg, MISSING_BB))
    assert scores(result)["BB"] == ("25.00", 3)
    [t] = result.treatments
    assert (t.state, t.item, t.kind, str(t.value)) == ("BB", "I1", "imputed_mean", "20")


def test_missing_imputed_with_last_cycle_and_change() -> None:
    # 2021 repeats 2020 but BB has no I1: it carries 2020's 14 -> (14-10)/20*100 = 20; BB = (20+0)/2 = 10.
    # 2020 BB: I1 14 -> 20, I2 15 -> 0 => 10; so BB's change is 0.00; AA 50 -> 50, CC 75 -> 75.
    cfg = two_indicator_config(missing={"policy": "impute_last", "max_missing_share": "0.5"})
    first = [(c, s, i, "14" if (s, i) == ("BB", "I1") else v) for c, s, i, v in BASIC]
    second = [("2021", s, i, v) for _, s, i, v in MISSING_BB]
    result = compute(cfg, data(cfg, first + second))
    assert scores(result, "2021") == {"AA": ("50.00", 2), "BB": ("10.00", 3), "CC": ("75.00", 1)}
    assert [str(s.change) for s in result.cycles[1].states] == ["0.00", "0.00", "0.00"]
    [t] = result.treatments
    assert (t.cycle, t.state, t.kind, t.value, t.detail) == ("2021", "BB", "imputed_last", Decimal("14"),
                                                             "value of cycle 2020")  # fmt: skip


def test_missing_with_fail_policy_is_an_error_naming_the_value() -> None:
    cfg = two_indicator_config(missing={"policy": "fail", "max_missing_share": "0.5"})
    with pytest.raises(ValidationFailed) as caught:
        compute(cfg, data(cfg, MISSING_BB))
    assert [e.path for e in caught.value.errors] == ["cycle 2020, member state BB, indicator I1"]


def test_too_many_missing_leaves_the_sub_index_and_index_not_computed() -> None:
    # BB misses 1 of 2 indicators = 0.5 > 0.4: no sub-index, no index, no rank; shown in treatments.
    cfg = two_indicator_config(missing={"policy": "exclude", "max_missing_share": "0.4"})
    result = compute(cfg, data(cfg, MISSING_BB))
    assert scores(result) == {"AA": ("50.00", 2), "BB": (None, None), "CC": ("75.00", 1)}
    kinds = {(t.item, t.kind) for t in result.treatments if t.state == "BB"}
    assert kinds == {("I1", "excluded"), ("S", "not_computed"), ("t", "not_computed")}


def test_ties_share_a_rank() -> None:
    cfg = config(definition([sub("S", [indicator("I1")])]))
    rows = [("2020", "AA", "I1", "1"), ("2020", "BB", "I1", "1"), ("2020", "CC", "I1", "0")]
    assert [r for _, r in scores(compute(cfg, data(cfg, rows))).values()] == [1, 1, 3]


def test_distance_to_target_override_without_targets_is_refused() -> None:
    cfg = two_indicator_config()
    with pytest.raises(ValidationFailed) as caught:
        compute(cfg, data(cfg, BASIC), Options(normalisation="distance_to_target"))
    assert [e.path for e in caught.value.errors] == ["indicator I1", "indicator I2"]
