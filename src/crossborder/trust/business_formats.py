"""National business registration numbers checked against each member state's format, where one is
known (data/business_registration.yaml names a python-stdnum validator). Pure: a number in, the
compact number and what was checked out, or a ValidationFailed naming the field, value and rule."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from stdnum.exceptions import ValidationError

from crossborder.core.errors import FieldError, ReferenceDataError, ValidationFailed
from crossborder.trust.settings import data_document

_FILE = "trust/data/business_registration.yaml"
_VALIDATOR_NAME = re.compile(r"^stdnum(\.[a-z][a-z0-9_]*){2}$")  # only python-stdnum modules are imported
_FREE_FORM = re.compile(r"^[0-9A-Z][0-9A-Z./-]{0,39}$")  # what a number of an unknown format may hold


@dataclass(frozen=True)
class NationalFormat:
    country: str
    number: str  # what the number is called there
    validator: str | None
    checks: str | None
    source: str | None
    module: ModuleType | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "number": self.number,
            "validator": self.validator,
            "checks": self.checks,
            "source": self.source,
        }


@dataclass(frozen=True)
class CheckedNumber:
    number: str
    validator: str | None
    format_checked: bool


def _module(name: str, key: str) -> ModuleType:
    if not _VALIDATOR_NAME.match(name):
        raise ReferenceDataError(_FILE, key, f"validator must name a python-stdnum module, got {name!r}")
    try:
        module = importlib.import_module(name)
    except ImportError:
        raise ReferenceDataError(_FILE, key, f"no module {name} in the installed python-stdnum") from None
    if not callable(getattr(module, "validate", None)):
        raise ReferenceDataError(_FILE, key, f"{name} has no validate()")
    return module


@lru_cache(maxsize=1)
def national_formats() -> dict[str, NationalFormat]:
    found: dict[str, NationalFormat] = {}
    for country, raw in (data_document("business_registration.yaml").get("states") or {}).items():
        key = f"states.{country}"
        if not isinstance(raw, dict) or not raw.get("number"):
            raise ReferenceDataError(_FILE, key, "each state needs at least `number`")
        name = raw.get("validator")
        if name is not None and not (raw.get("source") or {}).get("link"):
            raise ReferenceDataError(_FILE, f"{key}.source.link", "a validator needs its source")
        found[str(country)] = NationalFormat(
            country=str(country),
            number=str(raw["number"]),
            validator=None if name is None else str(name),
            checks=None if raw.get("checks") is None else str(raw["checks"]),
            source=None if name is None else str(raw["source"]["link"]),
            module=None if name is None else _module(str(name), f"{key}.validator"),
        )
    return found


def check_national_number(country: str, value: str, path: str = "national_number") -> CheckedNumber:
    """The number as the state's validator normalises it, or as written (trimmed, upper case) when no
    format is known; anything unreadable is an error naming the rule."""
    spec = national_formats().get(country)
    text = " ".join(value.split()).upper()
    if spec is None or spec.module is None:
        compact = text.replace(" ", "")
        if not _FREE_FORM.match(compact):
            raise ValidationFailed(
                f"unreadable registration number for {country}",
                errors=[FieldError(path, "1 to 40 letters, digits, '.', '/' or '-'", value)],
            )
        return CheckedNumber(compact, None, False)
    try:
        number = str(spec.module.validate(text.replace(" ", "")))
    except ValidationError as exc:
        rule = f"must be a valid {spec.number} ({spec.validator}: {exc}); {spec.checks}"
        raise ValidationFailed(
            f"not a valid {country} registration number", errors=[FieldError(path, rule, value)]
        ) from None
    return CheckedNumber(number, spec.validator, True)
