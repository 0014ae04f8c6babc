"""The reference capability's entry points for other capabilities and the web/API/CLI layers."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from crossborder.core.settings import get_settings
from crossborder.reference.country import CountryReference
from crossborder.reference.loader import load_registry
from crossborder.reference.registry import ReferenceRegistry
from crossborder.reference.schemas import DatedValue, Item

__all__ = [
    "country",
    "get_registry",
    "items_on",
    "load_registry",
    "member_states",
    "reset_registry_cache",
    "snapshot",
    "value_on",
]


@lru_cache(maxsize=1)
def get_registry() -> ReferenceRegistry:
    """The registry for the configured folder (CROSSBORDER_REFERENCE_DIR or the packaged data),
    loaded once per process; a malformed folder raises ReferenceDataError here."""
    return load_registry(get_settings().reference_dir)


def reset_registry_cache() -> None:
    """Forget the loaded registry (tests, or after the folder was edited)."""
    get_registry.cache_clear()


def member_states() -> list[str]:
    return get_registry().member_states()


def country(code: str) -> CountryReference:
    return get_registry().country(code)


def value_on(code: str, name: str, on: date) -> DatedValue | None:
    return get_registry().country(code).value_on(name, on)


def items_on(code: str, name: str, on: date) -> list[Item]:
    return get_registry().country(code).items_on(name, on)


def snapshot(code: str, on: date) -> dict[str, Any]:
    return get_registry().country(code).snapshot(on)
