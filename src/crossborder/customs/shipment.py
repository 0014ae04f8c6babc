"""The engine's input: a shipment and its lines, as plain validated values. Built from the
API's JSON, a manifest row or the CLI's file; `validate` lists every bad field at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.money import to_decimal
from crossborder.customs.tariff import normalise_hs
from crossborder.reference import get_registry

INCOTERMS = ("DDP", "DAP")
TRANSPORT_MODES = ("air", "post", "sea", "land")
TAX_CLASSES = ("standard", "luxury", "excluded_from_reduction")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_LINES = 999


@dataclass(frozen=True)
class Line:
    id: str
    hs_code: str
    description: str
    quantity: int
    unit_value: Decimal
    currency: str
    origin_claim: bool = False  # preferential origin claimed under ATIGA
    tax_class: str = "standard"


@dataclass(frozen=True)
class Shipment:
    origin: str
    destination: str
    on: date
    incoterm: str
    transport_mode: str
    lines: tuple[Line, ...]
    shipping: Decimal = Decimal(0)
    insurance: Decimal = Decimal(0)
    charges_currency: str | None = None  # defaults to the first line's currency
    seller_registration: str | None = None  # the seller's number under the destination's low-value regime
    extra: dict[str, Any] = field(default_factory=dict)


def _text(
    raw: dict[str, Any], key: str, path: str, errors: list[FieldError], *, required: bool = True, max_length: int = 300
) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            errors.append(FieldError(path, "is required", value))
        return None
    if not isinstance(value, str) or len(value) > max_length:
        errors.append(FieldError(path, f"must be text of at most {max_length} characters", value))
        return None
    return value.strip()


def _amount(
    raw: dict[str, Any],
    key: str,
    path: str,
    errors: list[FieldError],
    *,
    positive: bool,
    default: Decimal | None = None,
) -> Decimal | None:
    if raw.get(key) is None and default is not None:
        return default
    try:
        value = to_decimal(raw.get(key), path=path)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None
    if positive and value <= 0:
        errors.append(FieldError(path, "must be greater than zero", raw.get(key)))
        return None
    if value < 0:
        errors.append(FieldError(path, "must not be negative", raw.get(key)))
        return None
    return value


def _choice(
    raw: dict[str, Any],
    key: str,
    path: str,
    options: tuple[str, ...],
    errors: list[FieldError],
    default: str | None = None,
) -> str | None:
    value = raw.get(key, default)
    if value not in options:
        errors.append(FieldError(path, f"must be one of {', '.join(options)}", value))
        return None
    return str(value)


def _code(
    raw: dict[str, Any], key: str, path: str, pattern: re.Pattern[str], rule: str, errors: list[FieldError]
) -> str | None:
    value = raw.get(key)
    if not isinstance(value, str) or not pattern.match(value):
        errors.append(FieldError(path, rule, value))
        return None
    return value


def _line(raw: Any, index: int, errors: list[FieldError], seen: set[str]) -> Line | None:
    prefix = f"lines[{index}]"
    if not isinstance(raw, dict):
        errors.append(FieldError(prefix, "must be an object", raw))
        return None
    before = len(errors)
    # A line without an id is numbered by its position (1-based), as a manifest row is.
    line_id = _text(raw, "id", f"{prefix}.id", errors, required=False, max_length=64) or str(index + 1)
    if line_id in seen:
        errors.append(FieldError(f"{prefix}.id", "must be unique within the shipment", line_id))
    seen.add(line_id)
    hs_code: str | None = None
    try:
        hs_code = normalise_hs(raw.get("hs_code"), f"{prefix}.hs_code")  # type: ignore[arg-type]
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    description = _text(raw, "description", f"{prefix}.description", errors)
    quantity = raw.get("quantity", 1)
    if isinstance(quantity, str) and quantity.isascii() and quantity.isdigit():  # "²" is a digit too
        quantity = int(quantity)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 1_000_000:
        errors.append(FieldError(f"{prefix}.quantity", "must be a whole number from 1 to 1000000", quantity))
    unit_value = _amount(raw, "unit_value", f"{prefix}.unit_value", errors, positive=True)
    currency = _code(raw, "currency", f"{prefix}.currency", _CURRENCY, "must be an ISO 4217 code", errors)
    claim = raw.get("origin_claim", False)
    if not isinstance(claim, bool):
        errors.append(FieldError(f"{prefix}.origin_claim", "must be true or false", claim))
    tax_class = _choice(raw, "tax_class", f"{prefix}.tax_class", TAX_CLASSES, errors, default="standard")
    unknown = set(raw) - {
        "id",
        "hs_code",
        "description",
        "quantity",
        "unit_value",
        "currency",
        "origin_claim",
        "tax_class",
    }
    errors.extend(FieldError(f"{prefix}.{k}", "unknown field: not part of a line", raw[k]) for k in sorted(unknown))
    if len(errors) > before:
        return None
    return Line(line_id, hs_code, description, quantity, unit_value, currency, claim, tax_class)  # type: ignore[arg-type]


_MEMBERS: dict[int, tuple[frozenset[str], str]] = {}


def _members() -> tuple[frozenset[str], str]:
    """Member states and the rule text naming them, computed once per loaded registry."""
    registry = get_registry()
    found = _MEMBERS.get(id(registry))
    if found is None:
        codes = registry.member_states()
        found = frozenset(codes), f"must be a member state in the reference data: {', '.join(codes)}"
        _MEMBERS.clear()
        _MEMBERS[id(registry)] = found
    return found


SHIPMENT_FIELDS = frozenset(
    {
        "origin",
        "destination",
        "date",
        "incoterm",
        "transport_mode",
        "lines",
        "shipping",
        "insurance",
        "charges_currency",
        "seller_registration",
    }
)


def parse_shipment(raw: Any, *, extra_fields: frozenset[str] = frozenset(), today: date | None = None) -> Shipment:
    """Validate untrusted input; raise ValidationFailed listing every invalid field."""
    if not isinstance(raw, dict):
        raise ValidationFailed("not an object", errors=[FieldError("body", "must be a JSON object", raw)])
    errors: list[FieldError] = []
    members, rule = _members()
    origin = _code(raw, "origin", "origin", _COUNTRY, rule, errors)
    destination = _code(raw, "destination", "destination", _COUNTRY, rule, errors)
    for key, code in (("origin", origin), ("destination", destination)):
        if code is not None and code not in members:
            errors.append(FieldError(key, rule, code))
    on = raw.get("date", today.isoformat() if today else None)
    parsed_date: date | None = None
    try:
        parsed_date = date.fromisoformat(on) if isinstance(on, str) else None
    except ValueError:
        parsed_date = None
    if parsed_date is None:
        errors.append(FieldError("date", "must be a date YYYY-MM-DD", on))
    incoterm = _choice(raw, "incoterm", "incoterm", INCOTERMS, errors, default="DAP")
    mode = _choice(raw, "transport_mode", "transport_mode", TRANSPORT_MODES, errors, default="post")
    shipping = _amount(raw, "shipping", "shipping", errors, positive=False, default=Decimal(0))
    insurance = _amount(raw, "insurance", "insurance", errors, positive=False, default=Decimal(0))
    charges_currency = raw.get("charges_currency")
    if charges_currency is not None and (
        not isinstance(charges_currency, str) or not _CURRENCY.match(charges_currency)
    ):
        errors.append(FieldError("charges_currency", "must be an ISO 4217 code", charges_currency))
    registration = _text(raw, "seller_registration", "seller_registration", errors, required=False, max_length=64)
    raw_lines = raw.get("lines")
    lines: list[Line] = []
    if not isinstance(raw_lines, list) or not raw_lines:
        errors.append(FieldError("lines", "must be a non-empty list of goods lines", raw_lines))
    elif len(raw_lines) > MAX_LINES:
        errors.append(FieldError("lines", f"must have at most {MAX_LINES} lines", len(raw_lines)))
    else:
        seen: set[str] = set()
        for i, item in enumerate(raw_lines):
            line = _line(item, i, errors, seen)
            if line is not None:
                lines.append(line)
    unknown = set(raw) - SHIPMENT_FIELDS - extra_fields
    errors.extend(FieldError(k, "unknown field: not part of a shipment", raw[k]) for k in sorted(unknown))
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors=errors)
    # No error was found, so every field parsed (narrowing for the type checker).
    assert origin and destination and parsed_date and incoterm and mode and shipping is not None
    assert insurance is not None
    return Shipment(
        origin=origin,
        destination=destination,
        on=parsed_date,
        incoterm=incoterm,
        transport_mode=mode,
        lines=tuple(lines),
        shipping=shipping,
        insurance=insurance,
        charges_currency=charges_currency or lines[0].currency,
        seller_registration=registration,
        extra={k: raw[k] for k in extra_fields if k in raw},
    )
