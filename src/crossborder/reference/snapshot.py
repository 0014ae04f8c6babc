"""Rendering reference data as JSON-ready dicts: Decimal as strings (exact), dates as ISO text,
every value with its provenance, and an explicit `gap` where a series has nothing in force."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from crossborder.reference.schemas import (
    Attributed,
    Currency,
    DatedValue,
    Item,
    ItemSetParameter,
    Parameter,
    Provenance,
    SeriesParameter,
)


def jsonable(value: Any) -> Any:
    """Plain JSON types only. Decimal stays exact as a string ("7", "1369.50")."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DatedValue):
        return value_entry(value)
    if isinstance(value, Item):
        return item_entry(value, None)
    if isinstance(value, BaseModel):
        return {name: jsonable(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def provenance(fact: Provenance) -> dict[str, Any]:
    return {
        "source": fact.source,
        "other_sources": list(fact.other_sources),
        "as_of": fact.as_of,
        "confidence": fact.confidence,
        "note": fact.note,
        "legal_basis": fact.legal_basis,
    }


def _dated(fact: Attributed) -> dict[str, Any]:
    return {"effective_from": jsonable(fact.from_), "effective_to": jsonable(fact.to), **provenance(fact)}


def value_entry(value: DatedValue) -> dict[str, Any]:
    return {"value": jsonable(value.value), **_dated(value), "details": jsonable(value.attributes)}


def item_entry(item: Item, on: date | None) -> dict[str, Any]:
    """An item; `in_force_on_date` only when rendered for a date (a snapshot, not a history)."""
    status = (
        {"in_force": item.in_force}
        if on is None
        else {"in_force": item.in_force, "in_force_on_date": item.in_force_on(on)}
    )
    return {
        "name": item.name,
        **status,
        "rate_percent": jsonable(item.rate_percent),
        "threshold": jsonable(item.threshold),
        "limits": jsonable(item.limits),
        **_dated(item),
        "details": jsonable(item.attributes),
    }


def gap_reason(series: SeriesParameter, on: date) -> str:
    """Why nothing is in force on `on`; worded without the date itself so it holds for the whole gap."""
    before = [v for v in series.values if v.to is not None and v.to < on]
    after = [v for v in series.values if v.from_ is not None and v.from_ > on]
    if before and after:
        return f"no value recorded between {before[-1].to} and {after[0].from_}"
    if before:
        last = before[-1]
        return (
            f"last known value ended {last.to}; the source (as of {last.as_of}) confirms nothing later. "
            "Check the official source before assuming any value."
        )
    if after:
        return f"no value known before {after[0].from_}"
    return "no value recorded"


def series_entry(series: SeriesParameter, on: date) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": "series", "description": series.description, "unit": series.unit}
    current = next((v for v in series.values if v.covers(on)), None)
    if current is not None:
        entry.update(value_entry(current))
    else:
        entry.update({"value": None, "gap": gap_reason(series, on)})
        earlier = [v for v in series.values if v.to is not None and v.to < on]
        if earlier:
            last = earlier[-1]
            entry["last_known"] = {
                "value": jsonable(last.value),
                "effective_to": jsonable(last.to),
                "source": last.source,
                "as_of": last.as_of,
            }
    upcoming = [v for v in series.values if v.from_ is not None and v.from_ > on]
    if upcoming:
        entry["next_change"] = {"value": jsonable(upcoming[0].value), "effective_from": jsonable(upcoming[0].from_)}
    return entry


def item_set_entry(item_set: ItemSetParameter, on: date) -> dict[str, Any]:
    return {
        "kind": "items",
        "description": item_set.description,
        "items": [item_entry(i, on) for i in item_set.items if i.covers(on)],
        # Laws passed but not yet in force matter to a merchant planning ahead.
        "upcoming": [
            {"name": i.name, "effective_from": jsonable(i.from_), "source": i.source}
            for i in item_set.items
            if i.from_ is not None and i.from_ > on
        ],
        "remarks": [provenance(r) for r in item_set.remarks],
    }


def parameter_entry(parameter: Parameter, on: date) -> dict[str, Any]:
    if isinstance(parameter, SeriesParameter):
        return series_entry(parameter, on)
    return item_set_entry(parameter, on)


def currency_entry(currency: Currency) -> dict[str, Any]:
    return {
        "code": currency.code,
        "numeric": currency.numeric,
        "minor_units": currency.minor_units,
        "name": currency.name,
        **provenance(currency),
    }
