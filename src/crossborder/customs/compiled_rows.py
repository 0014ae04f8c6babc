"""Plainly valid rows of a CSV manifest, recognised for the compiled path (compiled_csv.py): each
field present, short enough, with nothing `strip` would remove, and of the shape fastparse.py's
patterns accept - the shapes whose thorough parse is proven to give the same declaration. A row
that is not plainly valid is None here and takes the thorough path (manifest.Assessor).
tests/customs/test_compiled.py checks both recognisers against csv.reader and each other."""

from __future__ import annotations

import csv
import re
from typing import Any

from crossborder.customs.fastparse import CURRENCY, PLAIN_DECIMAL, REFERENCE
from crossborder.customs.shipment import INCOTERMS, TRANSPORT_MODES

# The manifest CSV's columns (manifest.CSV_COLUMNS is this tuple), in file order.
COLUMNS = (
    "client_reference",
    "origin",
    "destination",
    "date",
    "transport_mode",
    "incoterm",
    "consignor_name",
    "consignor_address",
    "consignee_name",
    "consignee_address",
    "seller_business_id",
    "seller_registration",
    "hs_code",
    "description",
    "quantity",
    "unit_value",
    "currency",
    "origin_claim",
    "shipping",
    "insurance",
)


def _text(limit: int) -> str:
    """A free-text field `strip` leaves alone, 1 to LIMIT characters, quoted or bare: two groups."""
    body = rf"[^\s{{0}}\0][^{{0}}\0\r\n]{{{{0,{limit - 1}}}}}(?<!\s)"
    return f'(?:"({body.format(chr(34))})"|({body.format(chr(34) + ",")}))'


_AMOUNT = PLAIN_DECIMAL.pattern
_ANY = r'([^",\0]*)'  # a field read as written (the date, HS code, claim: checked or looked up after)
# A whole row of COLUMNS in file order, every field plainly valid as `PlainRows._checked` checks it
# (but the member states): one C call instead of splitting and a dozen tests. Its fields are what
# csv.reader gives - a row it matches has no quote inside a field, no NUL, no line break - and a
# row it refuses is still split and checked field by field (QUOTE_ALL files, say).
PLAIN_ROW = re.compile(
    ",".join(
        (
            f"({REFERENCE.pattern})",
            "([A-Z]{2})",
            "([A-Z]{2})",
            _ANY,
            "(" + "|".join(("", *TRANSPORT_MODES)) + ")",
            "(" + "|".join(("", *INCOTERMS)) + ")",
            _text(300),
            _text(300),
            _text(300),
            _text(300),
            r'((?:[^\s",\0][^",\0\r\n]{0,63}(?<!\s))?)',  # seller business id: up to 64, optional
            r'((?:[^\s",\0][^",\0\r\n]{0,63}(?<!\s))?)',  # seller registration
            _ANY,
            _text(300),
            "([0-9]{0,7})",
            f"({_AMOUNT})",
            f"({CURRENCY.pattern})",
            _ANY,
            f"((?:{_AMOUNT})?)",
            f"((?:{_AMOUNT})?)",
        )
    )
)


class PlainRows:
    """Recognises plainly valid rows of one CSV manifest with this header."""

    def __init__(self, header: list[str], members: frozenset[str]) -> None:
        where = {name: i for i, name in enumerate(header)}  # a repeated column: the last wins, as in dict(zip())
        self.usable = all(c in where for c in COLUMNS)
        self.index = tuple(where.get(c, 0) for c in COLUMNS)
        self.width = len(header)
        # A header of exactly COLUMNS (the usual file): rows can be matched whole by PLAIN_ROW.
        self.plain = PLAIN_ROW.fullmatch if tuple(header) == COLUMNS else None
        self.members = members
        self._box: list[str] = []
        self._reader = self._new_reader()

    def fields(self, text: str) -> tuple[str, ...] | None:
        """The row's fields in COLUMNS order if each is plainly valid, else None."""
        match = self.plain(text) if self.plain is not None else None
        if match is None:
            return self._checked(text)
        (
            reference,
            origin,
            destination,
            day_text,
            mode,
            incoterm,
            consignor_name,
            consignor_name_bare,
            consignor_address,
            consignor_address_bare,
            consignee_name,
            consignee_name_bare,
            consignee_address,
            consignee_address_bare,
            business_id,
            registration,
            hs_raw,
            description,
            description_bare,
            quantity_text,
            unit_text,
            currency,
            claim_text,
            shipping_text,
            insurance_text,
        ) = match.groups()
        if origin not in self.members or destination not in self.members:
            return None
        # A free-text field is quoted or bare: one of its two groups, never empty.
        return (
            reference,
            origin,
            destination,
            day_text,
            mode,
            incoterm,
            consignor_name or consignor_name_bare,
            consignor_address or consignor_address_bare,
            consignee_name or consignee_name_bare,
            consignee_address or consignee_address_bare,
            business_id,
            registration,
            hs_raw,
            description or description_bare,
            quantity_text,
            unit_text,
            currency,
            claim_text,
            shipping_text,
            insurance_text,
        )

    def _checked(self, text: str) -> tuple[str, ...] | None:
        """The row's fields in COLUMNS order if each is plainly valid (fastparse's tests, in line:
        present, short enough, nothing `strip` would remove), else None."""
        split = self._split(text)
        if split is None or len(split) != self.width:
            return None
        fields = tuple([split[i] for i in self.index])
        (
            reference,
            origin,
            destination,
            _,
            mode,
            incoterm,
            consignor_name,
            consignor_address,
            consignee_name,
            consignee_address,
            business_id,
            registration,
            _,
            description,
            _,
            unit_text,
            currency,
            _,
            shipping_text,
            insurance_text,
        ) = fields
        if (
            origin not in self.members
            or destination not in self.members
            or not REFERENCE.fullmatch(reference)
            or (mode or "post") not in TRANSPORT_MODES
            or (incoterm or "DAP") not in INCOTERMS
            or not 0 < len(consignor_name) <= 300
            or consignor_name.strip() != consignor_name
            or not 0 < len(consignor_address) <= 300
            or consignor_address.strip() != consignor_address
            or not 0 < len(consignee_name) <= 300
            or consignee_name.strip() != consignee_name
            or not 0 < len(consignee_address) <= 300
            or consignee_address.strip() != consignee_address
            or not 0 < len(description) <= 300
            or description.strip() != description
            or (business_id and (len(business_id) > 64 or business_id.strip() != business_id))
            or (registration and (len(registration) > 64 or registration.strip() != registration))
            or not CURRENCY.fullmatch(currency)
            or not PLAIN_DECIMAL.fullmatch(unit_text)
            or (shipping_text and not PLAIN_DECIMAL.fullmatch(shipping_text))
            or (insurance_text and not PLAIN_DECIMAL.fullmatch(insurance_text))
        ):
            return None
        return fields

    def _new_reader(self) -> Any:
        # One reader fed a line at a time (C calls only): a line that ends inside quotes makes it
        # ask for more, which raises IndexError, and the row takes the thorough path.
        return csv.reader(iter(self._box.pop, None))

    def _split(self, text: str) -> list[str] | None:
        """The fields as `manifest.split_csv_line` finds them, or None for a line it might not."""
        if "\r" in text or "\n" in text or "\0" in text:
            return None
        if '"' not in text:
            return text.split(",")
        self._box.append(text)
        try:
            return next(self._reader)  # type: ignore[no-any-return]
        except (csv.Error, IndexError, StopIteration):
            self._box.clear()
            self._reader = self._new_reader()
            return None
