"""One member state's reference data and the lookups on it ("what was in force on this day")."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.reference.schemas import (
    Currency,
    DatedValue,
    Identity,
    Item,
    ItemSetParameter,
    Parameter,
    SeriesParameter,
)
from crossborder.reference.snapshot import currency_entry, parameter_entry, provenance


def check_date(on: date, coverage: tuple[date, date], path: str = "on") -> date:
    """Refuse dates outside the platform's coverage instead of extrapolating."""
    start, end = coverage
    if not start <= on <= end:
        raise ValidationFailed(
            f"{on.isoformat()} is outside the dates reference data covers",
            errors=[
                FieldError(path, f"must be a date between {start.isoformat()} and {end.isoformat()}", on.isoformat())
            ],
        )
    return on


@dataclass(frozen=True, eq=False)
class CountryReference:
    code: str
    name: str
    m49: str
    identity: Identity
    currency: Currency
    parameters: Mapping[str, Parameter]
    coverage: tuple[date, date]
    # Snapshots only change on the days a value starts or ends, so they are cached per interval
    # between those days: a handful of entries per country, whatever dates are asked for.
    _breakpoints: tuple[date, ...] = field(init=False, repr=False)
    _snapshots: dict[int, str] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        days: set[date] = set()
        for parameter in self.parameters.values():
            facts = parameter.values if isinstance(parameter, SeriesParameter) else parameter.items
            for fact in facts:
                if fact.from_ is not None:
                    days.add(fact.from_)
                if fact.to is not None and fact.to < date.max:
                    days.add(fact.to + timedelta(days=1))
        object.__setattr__(self, "_breakpoints", tuple(sorted(days)))

    # -- lookups -------------------------------------------------------------------------------------------------

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise NotFound(
                f"{self.code} has no reference parameter {name!r}",
                errors=[FieldError("parameter", f"must be one of: {', '.join(sorted(self.parameters))}", name)],
            ) from None

    def series(self, name: str) -> SeriesParameter:
        parameter = self.parameter(name)
        if not isinstance(parameter, SeriesParameter):
            raise ValidationFailed(
                f"{name} is a set of items, not a dated series",
                errors=[FieldError("parameter", "is a set of items: use items_on", name)],
            )
        return parameter

    def item_set(self, name: str) -> ItemSetParameter:
        parameter = self.parameter(name)
        if not isinstance(parameter, ItemSetParameter):
            raise ValidationFailed(
                f"{name} is a dated series, not a set of items",
                errors=[FieldError("parameter", "is a dated series: use value_on", name)],
            )
        return parameter

    def value_on(self, name: str, on: date) -> DatedValue | None:
        """The value in force on `on`, or None when nothing is (a gap: the caller must not assume one)."""
        series = self.series(name)
        check_date(on, self.coverage)
        return next((v for v in series.values if v.covers(on)), None)

    def items_on(self, name: str, on: date) -> list[Item]:
        """Items whose dates include `on` (items without dates are always listed, with their recorded status)."""
        item_set = self.item_set(name)
        check_date(on, self.coverage)
        return [i for i in item_set.items if i.covers(on)]

    def history(self, name: str) -> list[DatedValue] | list[Item]:
        """Every recorded value of a series (oldest first) or every item of a set, whatever its dates."""
        parameter = self.parameter(name)
        if isinstance(parameter, SeriesParameter):
            return list(parameter.values)
        return list(parameter.items)

    def items(self, name: str) -> list[Item]:
        """Every item of a set, whatever its dates (items_on filters by date)."""
        return list(self.item_set(name).items)

    # -- snapshot ------------------------------------------------------------------------------------------------

    def snapshot(self, on: date) -> dict[str, Any]:
        """Every parameter as in force on `on`, JSON-ready, each with its provenance; a fresh dict each call."""
        result: dict[str, Any] = json.loads(self.snapshot_json(on))
        return result

    def snapshot_json(self, on: date) -> str:
        """The snapshot as compact JSON text, for an API layer that can send it as is."""
        check_date(on, self.coverage)
        interval = bisect_right(self._breakpoints, on)
        body = self._snapshots.get(interval)
        if body is None:
            body = json.dumps(self._render(on), ensure_ascii=False, separators=(",", ":"))
            self._snapshots[interval] = body
        # The body never mentions the date, so one rendering serves the whole interval.
        return '{"on":"' + on.isoformat() + '",' + body[1:]

    def _render(self, on: date) -> dict[str, Any]:
        parameters = {name: parameter_entry(p, on) for name, p in self.parameters.items()}
        return {
            "code": self.code,
            "name": self.name,
            "m49": self.m49,
            "identity": provenance(self.identity),
            "currency": currency_entry(self.currency),
            "gaps": sorted(n for n, e in parameters.items() if e["kind"] == "series" and "gap" in e),
            "parameters": parameters,
        }
