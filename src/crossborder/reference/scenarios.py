"""Scenario tests as data, beside the rules: "on this date, this country's parameter is X".

They live in <reference folder>/scenarios/*.yaml, run from pytest and from
`crossborder reference check`, and guard every change of value: one scenario the day before
a change and one the day it takes effect. A deployment that edits a value updates its scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import StrictBool, StrictStr, model_validator

from crossborder.core.errors import CrossborderError
from crossborder.reference.fields import LegalDate
from crossborder.reference.registry import ReferenceRegistry
from crossborder.reference.schemas import Item, Strict
from crossborder.reference.snapshot import jsonable
from crossborder.reference.validation import read_yaml, validate_model


class Scenario(Strict):
    name: StrictStr
    country: StrictStr
    parameter: StrictStr
    date: LegalDate
    expect: Any = None  # the value in force (may be null); compared with its JSON form
    expect_gap: StrictBool = False  # nothing in force that day
    expect_items: list[StrictStr] | None = None  # names (or partner codes) of the items in force

    @model_validator(mode="after")
    def _one_expectation(self) -> Scenario:
        given = ["expect" in self.model_fields_set, self.expect_gap, self.expect_items is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of `expect`, `expect_gap: true` or `expect_items`")
        return self


class ScenarioFile(Strict):
    scenarios: list[dict[str, Any]]


@dataclass(frozen=True)
class ScenarioResult:
    file: str
    name: str
    passed: bool
    message: str


def load_scenarios(folder: Path) -> list[tuple[Path, Scenario]]:
    """All scenarios under folder/scenarios (none if the folder has no scenarios/)."""
    directory = Path(folder) / "scenarios"
    if not directory.is_dir():
        return []
    loaded: list[tuple[Path, Scenario]] = []
    for file in sorted(directory.glob("*.yaml")):
        header = validate_model(ScenarioFile, read_yaml(file), file)
        for i, raw in enumerate(header.scenarios):
            loaded.append((file, validate_model(Scenario, raw, file, f"scenarios[{i}]")))
    return loaded


def run_scenario(registry: ReferenceRegistry, scenario: Scenario, file: Path | str = "") -> ScenarioResult:
    def result(passed: bool, message: str) -> ScenarioResult:
        return ScenarioResult(str(file), scenario.name, passed, message)

    try:
        country = registry.country(scenario.country)
        if scenario.expect_items is not None:
            found = sorted(item_label(i) for i in country.items_on(scenario.parameter, scenario.date))
            wanted = sorted(scenario.expect_items)
            return result(found == wanted, f"expected items {wanted}, found {found}")
        current = country.value_on(scenario.parameter, scenario.date)
        if scenario.expect_gap:
            found_text = "a gap" if current is None else f"value {jsonable(current.value)!r}"
            return result(current is None, f"expected a gap, found {found_text}")
        if current is None:
            return result(False, f"expected {jsonable(scenario.expect)!r}, found a gap (nothing in force)")
        actual = jsonable(current.value)
        return result(_matches(scenario.expect, actual), f"expected {jsonable(scenario.expect)!r}, found {actual!r}")
    except CrossborderError as exc:
        return result(False, f"lookup failed: {exc.detail}; {[e.as_dict() for e in exc.errors]}")


def run_folder(registry: ReferenceRegistry, folder: Path) -> list[ScenarioResult]:
    return [run_scenario(registry, s, file) for file, s in load_scenarios(folder)]


def item_label(item: Item) -> str:
    """How a scenario names an item: its name plus its number (two laws may share a name), or the
    partner country of a payment linkage."""
    if item.name is None:
        return str(item.attributes.get("partner", ""))
    number = item.attributes.get("number")
    return f"{item.name} ({number})" if number else item.name


def _matches(expected: Any, actual: Any) -> bool:
    """Mappings match on the keys the scenario gives; numbers match by value ("7" == 7 == 7.0)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, bool) or isinstance(actual, bool) or expected is None or actual is None:
        return expected is actual or expected == actual
    if isinstance(expected, (int, Decimal)) or isinstance(actual, (int, Decimal)):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    if isinstance(expected, str) and isinstance(actual, str):
        try:
            return Decimal(expected) == Decimal(actual)
        except InvalidOperation:
            return expected == actual
    return bool(jsonable(expected) == actual)


__all__ = ["Scenario", "ScenarioResult", "item_label", "load_scenarios", "run_folder", "run_scenario"]
