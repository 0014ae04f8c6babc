"""Reads a reference folder (regional.yaml + countries/<CODE>.yaml), validates every file and
builds the registry. Any problem raises ReferenceDataError at load time, so a bad deployment
stops at start-up rather than on the first request."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import StrictBool, StrictStr, TypeAdapter

from crossborder.core.errors import ReferenceDataError
from crossborder.reference.country import CountryReference
from crossborder.reference.fields import Percent, Unit
from crossborder.reference.registry import ReferenceRegistry
from crossborder.reference.schemas import (
    CountryHeader,
    DatedValue,
    Item,
    ItemSetParameter,
    MoneyAmount,
    Parameter,
    RegionalFile,
    SeriesHeader,
    SeriesParameter,
    Threshold,
)
from crossborder.reference.validation import join_path, read_yaml, validate_model, validate_with

_CODE = re.compile(r"^[A-Z]{2}$")
_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")

# What `value` must be for each unit; null is allowed (with a note) except for thresholds,
# which say "no threshold" with `amount: null` so the currency and basis can still be given.
_VALUE_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "percent": TypeAdapter(Percent | None),
    "amount": TypeAdapter(MoneyAmount | None),
    "threshold": TypeAdapter(Threshold),
    "text": TypeAdapter(StrictStr | None),
    "flag": TypeAdapter(StrictBool | None),
    "mapping": TypeAdapter(dict[str, Any] | None),
}


def load_registry(path: Path) -> ReferenceRegistry:
    """Load and validate a whole reference folder (uncached; `get_registry` caches)."""
    folder = Path(path)
    regional_file = folder / "regional.yaml"
    if not regional_file.is_file():
        raise ReferenceDataError(str(regional_file), "<file>", "missing: a reference folder needs regional.yaml")
    regional = validate_model(RegionalFile, read_yaml(regional_file), regional_file)
    coverage = (regional.coverage.from_, regional.coverage.to)
    countries_dir = folder / "countries"
    if not countries_dir.is_dir():
        raise ReferenceDataError(str(countries_dir), "<folder>", "missing: a reference folder needs countries/")
    countries: dict[str, CountryReference] = {}
    for file in sorted(countries_dir.iterdir()):
        if file.name.startswith(".") or not file.is_file():
            continue
        if file.suffix != ".yaml":
            # A stray countries/XA.yml would otherwise be skipped without a word.
            raise ReferenceDataError(
                str(file), "<file>", "only <CODE>.yaml files may be in countries/ (rename or remove it)"
            )
        country = load_country(file, coverage)
        countries[country.code] = country
    if not countries:
        raise ReferenceDataError(str(countries_dir), "<folder>", "no country files: add countries/<CODE>.yaml")
    return ReferenceRegistry(countries=countries, regional=regional)


def load_country(file: Path, coverage: tuple[date, date]) -> CountryReference:
    header = validate_model(CountryHeader, read_yaml(file), file)
    if not _CODE.match(header.code):
        raise ReferenceDataError(
            str(file), "code", f"must be an ISO 3166-1 alpha-2 code (two capital letters), found {header.code!r}"
        )
    if file.stem != header.code:
        raise ReferenceDataError(
            str(file), "code", f"is {header.code!r} but the file is named {file.name}: name it {header.code}.yaml"
        )
    parameters: dict[str, Parameter] = {}
    for name, raw in header.parameters.items():
        parameters[name] = load_parameter(name, raw, file)
    return CountryReference(
        code=header.code,
        name=header.name,
        m49=header.m49,
        identity=header.identity,
        currency=header.currency,
        parameters=parameters,
        coverage=coverage,
    )


def load_parameter(name: str, raw: dict[str, Any], file: Path | str = "<memory>") -> Parameter:
    """Validate one parameter entry (a series or an item set) as found under `parameters.<name>`."""
    prefix = f"parameters.{name}"
    if not _PARAMETER_NAME.match(name):
        raise ReferenceDataError(
            str(file), prefix, "a parameter name is dotted snake_case, e.g. de_minimis.customs_duty"
        )
    if ("values" in raw) == ("items" in raw):
        raise ReferenceDataError(
            str(file),
            prefix,
            "a parameter needs either `values` (a dated series) or `items` (a set), not both or neither",
        )
    if "items" in raw:
        return validate_model(ItemSetParameter, raw, file, prefix)
    header = validate_model(SeriesHeader, raw, file, prefix)
    values = [_dated_value(file, f"{prefix}.values[{i}]", header.unit, v) for i, v in enumerate(header.values)]
    _check_no_overlap(file, prefix, values)
    ordered = sorted(values, key=lambda v: v.from_ or date.min)
    return SeriesParameter(description=header.description, unit=header.unit, values=tuple(ordered))


def _dated_value(file: Path | str, prefix: str, unit: Unit, raw: Any) -> DatedValue:
    if not isinstance(raw, dict):
        raise ReferenceDataError(
            str(file), prefix, f"expected a mapping with from/to/value/source/as_of, found {raw!r}"
        )
    if "value" not in raw:
        raise ReferenceDataError(
            str(file), f"{prefix}.value", "every dated value needs `value` (null with a `note` when there is none)"
        )
    value = validate_with(_VALUE_ADAPTERS[unit], raw["value"], file, f"{prefix}.value")
    return validate_model(DatedValue, {**raw, "value": value}, file, prefix)


def _check_no_overlap(file: Path | str, prefix: str, values: list[DatedValue]) -> None:
    """One value in force at a time: sorted by start, each must end before the next starts."""
    indexed = sorted(enumerate(values), key=lambda iv: iv[1].from_ or date.min)
    for (i, earlier), (j, later) in pairwise(indexed):
        earlier_end = earlier.to or date.max
        later_start = later.from_ or date.min
        if later_start <= earlier_end:
            raise ReferenceDataError(
                str(file),
                join_path(prefix, ["values", j, "from"]),
                f"overlaps values[{i}] ({_span(earlier)}): only one value may be in force on a day; "
                f"end the earlier one with `to:` the day before this one starts",
            )


def _span(value: DatedValue | Item) -> str:
    return f"{value.from_ or '…'} to {value.to or '…'}"
