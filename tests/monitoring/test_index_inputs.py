"""Bad definitions and bad data files: each a clear error naming where, what and which rule."""

from __future__ import annotations

import pytest

from crossborder.core.errors import ReferenceDataError, ValidationFailed
from crossborder.monitoring.index_data import parse_csv
from tests.monitoring.test_index_helpers import (
    BASIC,
    STATES,
    config,
    csv_text,
    definition,
    indicator,
    sub,
    two_indicator_config,
)  # fmt: skip


def test_weights_not_summing_name_index_group_sum_and_rule() -> None:
    raw = definition([sub("S", [indicator("I1", weight="0.5"), indicator("I2", weight="0.6")])])
    with pytest.raises(ReferenceDataError) as caught:
        config(raw)
    reason = caught.value.reason
    assert "index t, sub-index S" in reason and "sum to 1.1" in reason and "weights_must_sum_to 1" in reason
    assert caught.value.key_path == "sub_indices[0].indicators"


def test_sub_index_weights_not_summing() -> None:
    raw = definition([sub("A", [indicator("I1")], weight="0.7"), sub("B", [indicator("I2")], weight="0.2")],
                     sub_index_weights=None)  # fmt: skip
    with pytest.raises(ReferenceDataError, match=r"weights of index t sum to 0\.9"):
        config(raw)


def test_weights_within_tolerance_pass_and_outside_fail() -> None:
    near = definition([sub("S", [indicator("I1", weight="0.3333333333"), indicator("I2", weight="0.6666666667")])])
    assert config(near).indicators[0].weight.as_tuple()  # sums to exactly 1
    off = definition([sub("S", [indicator("I1", weight="0.333"), indicator("I2", weight="0.666")])])
    with pytest.raises(ReferenceDataError, match=r"sum to 0\.999"):
        config(off)


def test_negative_weight() -> None:
    raw = definition([sub("S", [indicator("I1", weight="-0.5"), indicator("I2", weight="1.5")])])
    with pytest.raises(ReferenceDataError, match=r"must not be negative, found -0\.5"):
        config(raw)


def test_equal_shorthand_with_own_weights_is_refused() -> None:
    raw = definition([sub("S", [indicator("I1", weight="1")], indicator_weights="equal")])
    with pytest.raises(ReferenceDataError, match="must not carry their own weight"):
        config(raw)


def test_distance_to_target_needs_a_target() -> None:
    raw = definition([sub("S", [indicator("I1")])], normalisation={"method": "distance_to_target"})
    with pytest.raises(ReferenceDataError) as caught:
        config(raw)
    assert caught.value.key_path == "sub_indices[0].indicators[0].target"


def test_geometric_with_z_scores_is_refused() -> None:
    raw = definition([sub("S", [indicator("I1")])], normalisation={"method": "z_score"},
                     aggregation={"sub_index": "geometric", "index": "arithmetic"})  # fmt: skip
    with pytest.raises(ReferenceDataError, match="geometric aggregation needs positive values"):
        config(raw)


def _errors(content: bytes) -> list[tuple[str, str, object]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_csv(content, two_indicator_config(), STATES)
    return [(e.path, e.rule, e.value) for e in caught.value.errors]


def test_non_numeric_value_names_row_column_and_value() -> None:
    [(path, rule, value)] = _errors(csv_text([*BASIC[:2], ("2020", "CC", "I1", "thirty")]))
    assert (path, value) == ("row 4, column value", "thirty")
    assert "decimal number" in rule


def test_unknown_indicator() -> None:
    [(path, rule, value)] = _errors(csv_text([*BASIC, ("2020", "AA", "I9", "1")]))
    assert (path, value) == ("row 8, column indicator", "I9") and "indicator of index t" in rule


def test_duplicate_row_names_the_first() -> None:
    [(path, rule, _)] = _errors(csv_text([*BASIC, ("2020", "BB", "I2", "16")]))
    assert path == "row 8, column indicator" and rule.startswith("duplicate of row 6")


def test_unknown_state_wrong_index_and_bad_cycle_are_all_reported() -> None:
    found = _errors(csv_text([("2020", "ZZ", "I1", "1")], index="other") + b"t,20 20,AA,I1,1\n")
    assert [p for p, _, _ in found] == ["row 2, column index", "row 2, column member_state", "row 3, column cycle"]


def test_wrong_header_and_wrong_column_count() -> None:
    assert _errors(b"index,cycle,state,indicator,value\n")[0][0] == "row 1"
    assert _errors(b"index,cycle,member_state,indicator,value\nt,2020,AA\n")[0][:2] == ("row 2, column (all)",
                                                                                     "must have 5 columns")  # fmt: skip


def test_comments_and_byte_order_mark_are_accepted() -> None:
    content = b"\xef\xbb\xbf# synthetic sample data, not official figures\n" + csv_text(BASIC)
    assert parse_csv(content, two_indicator_config(), STATES).cycles == ["2020"]


@pytest.mark.parametrize("huge", ["1e400", "-1e400"])
def test_a_value_beyond_float_range_is_refused_not_scored_zero(huge: str) -> None:
    cfg = config(definition([sub("S", [indicator("I1")])]))
    rows = [("2020", STATES[0], "I1", huge), ("2020", STATES[1], "I1", "1"), ("2020", STATES[2], "I1", "2")]
    with pytest.raises(ValidationFailed) as caught:
        parse_csv(csv_text(rows), cfg, STATES)
    [error] = caught.value.errors
    assert (error.path, error.value) == ("row 2, column value", huge) and error.rule.startswith("must be a decimal")
