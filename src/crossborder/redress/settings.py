"""ODR settings (redress/data/odr.yaml), read once: stage deadlines per member state (a regional
default where a state set none) and evidence limits. A malformed file stops start-up naming the key.
Each state's time zone is a fact of the reference data (parameter `time_zone`); a state without one
is a clear error when a case needs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from crossborder.core.dates import today
from crossborder.core.errors import FieldError, ReferenceDataError, ValidationFailed
from crossborder.core.ratelimit import Limit
from crossborder.reference.service import get_registry

FILE = Path(__file__).resolve().parent / "data" / "odr.yaml"
_NAME = "redress/data/odr.yaml"
KNOWN_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain"})  # what files.sniff knows
STAGE_KEYS = ("verification_days", "seller_response_days", "negotiation_days", "facilitation_days", "final_days")


@dataclass(frozen=True)
class Deadlines:
    verification_days: int
    seller_response_days: int
    negotiation_days: int
    facilitation_days: int
    final_days: int
    source: str  # "default" or the member state whose own setting applies


@dataclass(frozen=True)
class OdrSettings:
    default: Deadlines
    by_state: dict[str, Deadlines]
    max_file_bytes: int
    max_files: int
    allowed_media_types: frozenset[str]
    text_max_chars: int
    filing_limit: Limit

    def deadlines(self, country: str) -> Deadlines:
        return self.by_state.get(country, self.default)

    def zone(self, country: str) -> ZoneInfo:
        return zone_of(country)


def zone_of(country: str, on: date | None = None) -> ZoneInfo:
    """The member state's time zone from the reference data, on `on` (default today)."""
    registry = get_registry()
    found = None
    if country in registry.member_states():
        found = registry.country(country).value_on("time_zone", on or today())
    if found is None or not isinstance(found.value, str):
        rule = "needs a time_zone in its reference file (reference/data/countries/<CODE>.yaml)"
        raise ValidationFailed("no time zone for this member state", errors=[FieldError("country", rule, country)])
    try:
        return ZoneInfo(found.value)
    except (ZoneInfoNotFoundError, ValueError):
        rule = "its reference time_zone is not an IANA time zone"
        raise ValidationFailed("unknown time zone", errors=[FieldError("country", rule, found.value)]) from None


def _deadlines(raw: dict[str, object], source: str) -> Deadlines:
    values = {key: int(str(raw[key])) for key in STAGE_KEYS}
    bad = [key for key, days in values.items() if not 1 <= days <= 365]
    if bad:
        raise ReferenceDataError(_NAME, f"deadlines.{source}.{bad[0]}", "must be 1 to 365 days")
    return Deadlines(**values, source=source)


@lru_cache(maxsize=1)
def odr_settings() -> OdrSettings:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    try:
        deadlines = raw["deadlines"]
        default = _deadlines(deadlines["default"], "default")
        # A state's entry may set only some stages; the rest come from the default.
        by_state = {
            str(code): _deadlines({**deadlines["default"], **entry}, str(code))
            for code, entry in deadlines.items()
            if code != "default"
        }
        evidence = raw["evidence"]
        found = OdrSettings(
            default=default,
            by_state=by_state,
            max_file_bytes=int(evidence["max_file_bytes"]),
            max_files=int(evidence["max_files_per_case"]),
            allowed_media_types=frozenset(str(t) for t in evidence["allowed_media_types"]),
            text_max_chars=int(raw["text_max_chars"]),
            filing_limit=Limit(
                "redress.file_complaint", int(raw["filing_limit"]["hits"]), int(raw["filing_limit"]["window_seconds"])
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReferenceDataError(_NAME, str(exc), "missing or malformed") from None
    if found.allowed_media_types - KNOWN_TYPES:
        raise ReferenceDataError(_NAME, "evidence.allowed_media_types", "contains a type files.sniff cannot recognise")
    return found
