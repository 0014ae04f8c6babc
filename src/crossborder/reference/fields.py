"""Field types of the reference file format, each with a validator whose message says what was
expected and what was found (the loader turns it into file + key path + reason)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator

from crossborder.core.errors import ValidationFailed
from crossborder.core.money import to_decimal

Confidence = Literal["high", "medium", "low"]
Unit = Literal["percent", "amount", "threshold", "text", "flag", "mapping"]
ValuationBasis = Literal["CIF", "FOB", "FCA", "sale_price"]
Per = Literal["consignment", "item", "order"]

_AS_OF = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be an http or https URL, found {value!r}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http or https URL where the value can be read, found {value!r}")
    return value.strip()


def _as_of(value: object) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and _AS_OF.match(value.strip()):
        text = value.strip()
        if len(text) == 10:
            date.fromisoformat(text)  # rejects 2025-02-30
        return text
    raise ValueError(f"must be a date written YYYY, YYYY-MM or YYYY-MM-DD (quoted), found {value!r}")


def _legal_date(value: object) -> date:
    # Pydantic's lax date parsing would turn an integer into a Unix timestamp; accept only real dates.
    if isinstance(value, datetime):
        raise ValueError(f"must be a date YYYY-MM-DD without a time, found {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"is not a valid calendar date: {value!r}") from None
    raise ValueError(f"must be a date YYYY-MM-DD, found {value!r}")


def _decimal(value: object) -> Decimal:
    try:
        return to_decimal(value, path="value")
    except ValidationFailed as exc:
        rule = exc.errors[0].rule if exc.errors else exc.detail
        raise ValueError(f"{rule}, found {value!r}") from None


def _percent(value: object) -> Decimal:
    number = _decimal(value)
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError(f"a percentage must be between 0 and 100, found {value!r}")
    return number


def _currency(value: object) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise ValueError(f"must be an ISO 4217 code (three capital letters), found {value!r}")
    return value


def _in_force(value: object) -> bool | str | None:
    # One validator instead of a Union so errors point at `in_force`, not at a union branch.
    if value is None or isinstance(value, bool) or value in ("partial", "pending"):
        return value
    raise ValueError(f"must be true, false, partial, pending or null, found {value!r}")


Url = Annotated[str, BeforeValidator(_url)]
AsOf = Annotated[str, BeforeValidator(_as_of)]
LegalDate = Annotated[date, BeforeValidator(_legal_date)]
Dec = Annotated[Decimal, BeforeValidator(_decimal)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
CurrencyCode = Annotated[str, BeforeValidator(_currency)]
InForce = Annotated[bool | str | None, BeforeValidator(_in_force)]
