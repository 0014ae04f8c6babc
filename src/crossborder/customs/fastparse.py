"""A fast path for the common case of `declaration_input.parse_declaration`: a declaration whose
every field is plainly valid (exact types, no surrounding spaces to strip, plain decimal numbers,
no unknown fields) is built directly, without the thorough parser's per-field error bookkeeping.

It holds no rule of its own: it only recognises inputs that are *sufficient* to be valid and
otherwise answers None, and the caller then runs the thorough parser, which lists every bad field
with its path. tests/customs/test_fastparse.py proves, for generated valid and invalid inputs,
that whenever this answers, `parse_declaration` gives exactly the same DeclarationInput."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from crossborder.customs.declaration_input import DECLARATION_FIELDS, PARTY_FIELDS, DeclarationInput, Party
from crossborder.customs.shipment import (
    INCOTERMS,
    MAX_LINES,
    SHIPMENT_FIELDS,
    TAX_CLASSES,
    TRANSPORT_MODES,
    Line,
    Shipment,
    _members,
)

_FIELDS = SHIPMENT_FIELDS | DECLARATION_FIELDS
_LINE_FIELDS = frozenset(
    {"id", "hs_code", "description", "quantity", "unit_value", "currency", "origin_claim", "tax_class"}
)
_PARTY_FIELDS = frozenset(PARTY_FIELDS)
# Stricter than the thorough parser's patterns (full match, ASCII only, no trailing newline); the
# compiled manifest path (compiled_csv.py) recognises its fields with the same ones.
REFERENCE = re.compile(r"[A-Za-z0-9._:/-]{1,100}")
CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
PLAIN_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,10})?")
HS = re.compile(r"[0-9]{6,10}")
QUANTITY = re.compile(r"[0-9]{1,7}")
_ZERO = Decimal(0)

_dates: dict[str, date] = {}
_parties: dict[tuple[str, str, str], Party] = {}
_PARTIES_MAX = 16_384
_member_codes: dict[int, frozenset[str]] = {}


def members_strict() -> frozenset[str]:
    members, _ = _members()
    found = _member_codes.get(id(members))
    if found is None:
        found = frozenset(c for c in members if type(c) is str and _COUNTRY.fullmatch(c))
        _member_codes.clear()
        _member_codes[id(members)] = found
    return found


def parse_date(value: Any) -> date | None:
    if type(value) is not str:
        return None
    found = _dates.get(value)
    if found is None:
        try:
            found = date.fromisoformat(value)
        except ValueError:
            return None
        if len(_dates) > 4096:
            _dates.clear()
        _dates[value] = found
    return found


def _plain(value: Any) -> Decimal | None:
    """A non-negative decimal written plainly as text ("12", "12.50")."""
    if type(value) is str and PLAIN_DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


def _party(raw: Any, country: str) -> Party | None:
    if type(raw) is not dict or not raw.keys() <= _PARTY_FIELDS:
        return None
    name, address, code = raw.get("name"), raw.get("address"), raw.get("country")
    if (
        type(name) is not str
        or type(address) is not str
        or code != country
        or not 0 < len(name) <= 300
        or not 0 < len(address) <= 300
        or name.strip() != name
        or address.strip() != address
    ):
        return None
    # Parties repeat (a seller's many parcels, split shipments): one immutable object each, so
    # its key is hashed once.
    key = (name, address, country)
    party = _parties.get(key)
    if party is None:
        if len(_parties) >= _PARTIES_MAX:
            _parties.clear()
        party = _parties[key] = Party(name, address, country)
    return party


def _optional(value: Any, limit: int) -> tuple[bool, str | None]:
    """(ok, value) for an optional short text field: None or "" give None."""
    if value is None or value == "":
        return True, None
    if type(value) is not str or len(value) > limit or not value or value.strip() != value:
        return False, None
    return True, value


def _line(raw: Any, index: int, seen: set[str]) -> Line | None:
    if type(raw) is not dict or not raw.keys() <= _LINE_FIELDS:
        return None
    line_id = raw.get("id")
    if line_id is None or line_id == "":
        line_id = str(index + 1)
    elif type(line_id) is not str or len(line_id) > 64 or line_id.strip() != line_id:
        return None
    if line_id in seen:
        return None
    seen.add(line_id)
    hs_code = raw.get("hs_code")
    if type(hs_code) is not str or not HS.fullmatch(hs_code):
        if type(hs_code) is not str:
            return None
        hs_code = hs_code.replace(".", "").replace(" ", "")
        if not HS.fullmatch(hs_code):
            return None
    description = raw.get("description")
    if type(description) is not str or not 0 < len(description) <= 300 or description.strip() != description:
        return None
    quantity = raw.get("quantity", 1)
    if type(quantity) is str and QUANTITY.fullmatch(quantity):
        quantity = int(quantity)
    if type(quantity) is not int or not 1 <= quantity <= 1_000_000:
        return None
    unit_value = _plain(raw.get("unit_value"))
    if unit_value is None or not unit_value > 0:
        return None
    currency = raw.get("currency")
    if type(currency) is not str or not CURRENCY.fullmatch(currency):
        return None
    claim = raw.get("origin_claim", False)
    if type(claim) is not bool:
        return None
    tax_class = raw.get("tax_class", "standard")
    if type(tax_class) is not str or tax_class not in TAX_CLASSES:
        return None
    return Line(line_id, hs_code, description, quantity, unit_value, currency, claim, tax_class)


def fast_declaration(raw: Any, *, today: date | None = None) -> DeclarationInput | None:
    """The declaration if RAW is plainly valid, else None (then use `parse_declaration`)."""
    if type(raw) is not dict or not raw.keys() <= _FIELDS:
        return None
    members = members_strict()
    origin, destination = raw.get("origin"), raw.get("destination")
    if type(origin) is not str or type(destination) is not str or origin not in members or destination not in members:
        return None
    on = parse_date(raw.get("date", today.isoformat() if today else None))
    if on is None:
        return None
    incoterm = raw.get("incoterm", "DAP")
    mode = raw.get("transport_mode", "post")
    if type(incoterm) is not str or incoterm not in INCOTERMS or type(mode) is not str or mode not in TRANSPORT_MODES:
        return None
    shipping, insurance = raw.get("shipping"), raw.get("insurance")
    shipping = _ZERO if shipping is None else _plain(shipping)
    insurance = _ZERO if insurance is None else _plain(insurance)
    if shipping is None or insurance is None:
        return None
    charges_currency = raw.get("charges_currency")
    if charges_currency is not None and (type(charges_currency) is not str or not CURRENCY.fullmatch(charges_currency)):
        return None
    ok, registration = _optional(raw.get("seller_registration"), 64)
    if not ok:
        return None
    raw_lines = raw.get("lines")
    if type(raw_lines) is not list or not 0 < len(raw_lines) <= MAX_LINES:
        return None
    seen: set[str] = set()
    lines = []
    for i, item in enumerate(raw_lines):
        line = _line(item, i, seen)
        if line is None:
            return None
        lines.append(line)
    reference = raw.get("client_reference")
    if type(reference) is not str or not REFERENCE.fullmatch(reference):
        return None
    consignor = _party(raw.get("consignor"), origin)
    consignee = _party(raw.get("consignee"), destination)
    if consignor is None or consignee is None:
        return None
    optional = []
    for key in ("seller_business_id", "carrier", "tracking_number"):
        ok, value = _optional(raw.get(key), 64)
        if not ok:
            return None
        optional.append(value)
    shipment = Shipment(
        origin=origin,
        destination=destination,
        on=on,
        incoterm=incoterm,
        transport_mode=mode,
        lines=tuple(lines),
        shipping=shipping,
        insurance=insurance,
        charges_currency=charges_currency or lines[0].currency,
        seller_registration=registration,
        extra={k: raw[k] for k in DECLARATION_FIELDS if k in raw},
    )
    return DeclarationInput(reference, shipment, consignor, consignee, optional[0], optional[1], optional[2])
