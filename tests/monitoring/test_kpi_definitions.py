"""KPI definitions: the shipped file loads and links to existing Work Plan topics and activities; a
malformed file names file, key path and rule; periods and values are checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from crossborder.core.errors import ReferenceDataError, ValidationFailed
from crossborder.monitoring import kpis
from crossborder.monitoring.kpi_platform import COMPUTATIONS
from crossborder.monitoring.plans import load_plans
from crossborder.monitoring.reader import Source

SHIPPED = Path(kpis.__file__).parent / "data" / "kpis.yaml"


def test_the_shipped_definitions_load_and_link_to_the_work_plan() -> None:
    found = kpis.load_kpis()
    plans = load_plans()
    platform = {k.code for k in found.values() if k.is_platform}
    assert platform == {
        "lvd_release_time_median", "lvd_release_time_p90", "trust_marked_seller_share", "documents_exchanged",
        "complaint_resolution_rate", "complaint_resolution_time_median",
    }  # fmt: skip
    assert len([k for k in found.values() if not k.is_platform]) >= 3
    for kpi in found.values():
        assert kpi.topics and all(t in plans.topics for t in kpi.topics)
        assert all(a in plans.activities for a in kpi.activities)
        assert kpi.basis_source.document.startswith("Work Plan")
        # Annex A (the Work Plan's KPIs and targets) is not among the seeds: no target is invented.
        assert kpi.target is None and kpi.target_note == "no numeric target in the Work Plan"
    assert found["lvd_release_time_median"].activities == ("A.1.1.1",)


def test_every_platform_source_has_a_computation() -> None:
    assert set(COMPUTATIONS) == kpis.PLATFORM_SOURCES


def _write(tmp_path: Path, mutate: object) -> Path:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    mutate(data)  # type: ignore[operator]
    path = tmp_path / "kpis.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "key_path", "words"),
    [
        (lambda d: d["kpis"][0].update(unit="hours"), "kpis[0].unit", "must be one of percent"),
        (lambda d: d["kpis"][1].update(frequency="weekly"), "kpis[1].frequency", "monthly, quarterly, annual"),
        (lambda d: d["kpis"][0].update(source="magic"), "kpis[0].source", "must be one of reported"),
        (lambda d: d["kpis"][0]["serves"].update(topics=["Z.9"]), "kpis[0].serves.topics[0]", "unknown Work Plan"),
        (lambda d: d["kpis"][0]["serves"].update(activities=["A.1.1.9"]), "kpis[0].serves.activities[0]", "unknown"),
        (lambda d: d["kpis"][0]["serves"].update(activities=["C.1.2.3"]), "kpis[0].serves.activities[0]",
         "not under the listed topics"),
        (lambda d: d["kpis"][0].pop("target_note"), "kpis[0].target_note", "never invent a target"),
        (lambda d: d["kpis"][1].update(code=d["kpis"][0]["code"]), "kpis[1].code", "duplicate"),
        (lambda d: d["kpis"][0].pop("formula"), "kpis[0].formula", "required key missing"),
        (lambda d: d["kpis"][0]["basis"].pop("source"), "kpis[0].basis.source", "source"),
        (lambda d: d["kpis"][0].update(target={"value": "x", "by": "2025-12-31", "source": {}}), "kpis[0].target.value",
         "expected a number"),
    ],
)  # fmt: skip
def test_a_malformed_file_names_file_key_path_and_rule(
    tmp_path: Path, mutate: object, key_path: str, words: str
) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(ReferenceDataError) as caught:
        kpis.load_kpis(path)
    assert caught.value.file == str(path)
    assert caught.value.key_path == key_path
    assert words in caught.value.reason


def test_a_target_with_value_date_and_source_loads(tmp_path: Path) -> None:
    target = {"value": "120", "by": "2025-12-31", "source": {"document": "Doc", "section": "6"}}
    path = _write(tmp_path, lambda d: d["kpis"][0].update(target=target, target_note=None))
    kpi = kpis.load_kpis(path)["lvd_release_time_median"]
    assert kpi.target == kpis.Target(Decimal("120"), date(2025, 12, 31), Source("Doc", "6"))


@pytest.mark.parametrize(
    ("label", "frequency", "start", "end"),
    [
        ("2026-10", "monthly", date(2026, 10, 1), date(2026, 10, 31)),
        ("2024-02", "monthly", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", "monthly", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-Q3", "quarterly", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", "quarterly", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", "annual", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods(label: str, frequency: str, start: date, end: date) -> None:
    period = kpis.parse_period(label)
    assert (period.label, period.frequency, period.start, period.end) == (label, frequency, start, end)
    assert period.until.date() == date.fromordinal(end.toordinal() + 1) and period.since.tzinfo is not None


@pytest.mark.parametrize("label", ["2026-13", "2026-Q5", "26-10", "2026-1", "2026/10", "", "1999", "2026-10-01"])
def test_malformed_periods_are_refused(label: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        kpis.parse_period(label)
    assert caught.value.errors[0].path == "period"


@given(st.integers(2000, 2100), st.integers(1, 12))
def test_a_month_covers_exactly_its_days(year: int, month: int) -> None:
    period = kpis.parse_period(f"{year}-{month:02d}")
    assert period.start == date(year, month, 1)
    assert period.end.month == month and (
        period.end.toordinal() + 1 == date(year + month // 12, month % 12 + 1, 1).toordinal()
    )


def test_wrong_frequency_and_values_out_of_range() -> None:
    share = kpis.get("trust_marked_seller_share")
    with pytest.raises(ValidationFailed) as caught:
        kpis.period_for(share, "2026-Q3")
    assert "measured monthly" in caught.value.errors[0].rule
    assert kpis.check_value(share, "100") == Decimal("100")
    for bad in ("100.01", "-1", "NaN", "abc", 1.5, "50.00001", "Infinity"):
        with pytest.raises(ValidationFailed):
            kpis.check_value(share, bad)
    count = kpis.get("documents_exchanged")
    with pytest.raises(ValidationFailed) as caught:
        kpis.check_value(count, "2.5")
    assert "whole" in caught.value.errors[0].rule
    assert kpis.check_value(kpis.get("lvd_release_time_median"), "12345.5") == Decimal("12345.5")
    with pytest.raises(ValidationFailed) as caught:
        kpis.get("no_such_kpi")
    assert caught.value.errors[0].path == "kpi"
