"""Rules as data: dated per-country parameters (tax rates, de minimis thresholds, laws, schemes)
loaded from YAML, each value with its source, and lookups of what was in force on a given day.

Other capabilities call `get_registry()` (or the helpers in `service`) and never hard-code a rate."""

from crossborder.reference.country import CountryReference
from crossborder.reference.registry import ReferenceRegistry
from crossborder.reference.schemas import (
    Currency,
    DatedValue,
    Item,
    ItemSetParameter,
    Limit,
    MoneyAmount,
    Parameter,
    RegionalFile,
    SeriesParameter,
    Threshold,
)
from crossborder.reference.service import get_registry, load_registry, reset_registry_cache

__all__ = [
    "CountryReference",
    "Currency",
    "DatedValue",
    "Item",
    "ItemSetParameter",
    "Limit",
    "MoneyAmount",
    "Parameter",
    "ReferenceRegistry",
    "RegionalFile",
    "SeriesParameter",
    "Threshold",
    "get_registry",
    "load_registry",
    "reset_registry_cache",
]
