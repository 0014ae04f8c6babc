"""The whole-row pattern of the compiled path (compiled_rows.PLAIN_ROW) recognises only rows that
the field-by-field check (csv.reader, then fastparse's tests) accepts, with the same fields: for
generated rows - quoted or not, with commas, quotes, NULs, odd whitespace, fields too long - it
either gives exactly what that check gives or defers to it."""

from __future__ import annotations

import csv
import io
import re
import sys
from typing import Literal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from crossborder.customs.compiled_rows import COLUMNS, PLAIN_ROW, PlainRows
from crossborder.customs.fastparse import members_strict

PLAIN = {
    "client_reference": "MF-1",
    "origin": "VN",
    "destination": "MY",
    "date": "2026-01-02",
    "transport_mode": "post",
    "incoterm": "DAP",
    "consignor_name": "Linh Batik",
    "consignor_address": "5 Hang Gai, Hanoi",
    "consignee_name": "Arif bin Ahmad",
    "consignee_address": "12 Jalan Ampang, Kuala Lumpur",
    "seller_business_id": "VN-BRN-1",
    "seller_registration": "",
    "hs_code": "6205.20",
    "description": "Batik shirt",
    "quantity": "2",
    "unit_value": "12.50",
    "currency": "USD",
    "origin_claim": "true",
    "shipping": "",
    "insurance": "0.5",
}
# Values each field may take: mostly valid, and what a pattern could get wrong.
ODD = [
    "",
    " ",
    "x",
    " padded",
    "padded ",
    "a,b",
    'say "hi"',
    '"',
    "x\0y",
    "\u00a0nbsp",
    "nbsp\u2003",
    "tab\t",
    "\x1c",
    "ü",
    "x" * 64,
    "x" * 65,
    "x" * 300,
    "x" * 301,
    "12.",
    "007",
    "1e3",
    "-4",
    "post",
    "DDP",
    "usd",
    "MY",
]


def _line(row: dict[str, str], quoting: Literal[0, 1, 2, 3]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=quoting).writerow([row[c] for c in COLUMNS])
    return buffer.getvalue().strip()  # as manifest._clear_file hands lines over


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    row = dict(PLAIN)
    for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=3)):
        row[column] = draw(st.one_of(st.sampled_from(ODD), st.text(max_size=6)))
    return row


@settings(max_examples=600)
@given(rows(), st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
def test_the_row_pattern_agrees_with_the_field_checks_or_defers(
    row: dict[str, str], quoting: Literal[0, 1, 2, 3]
) -> None:
    text = _line(row, quoting)
    plain = PlainRows(list(COLUMNS), members_strict())
    by_fields = PlainRows(list(COLUMNS), members_strict())
    by_fields.plain = None  # field by field only
    assert plain.fields(text) == by_fields.fields(text)
    event("matched whole" if PLAIN_ROW.fullmatch(text) else "deferred to the field checks")


def test_every_odd_value_in_every_column_is_recognised_alike() -> None:
    plain = PlainRows(list(COLUMNS), members_strict())
    by_fields = PlainRows(list(COLUMNS), members_strict())
    by_fields.plain = None
    for column in COLUMNS:
        for value in ODD:
            for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
                text = _line(dict(PLAIN, **{column: value}), quoting)
                assert plain.fields(text) == by_fields.fields(text), (column, value, quoting)


def test_plain_rows_match_the_row_pattern() -> None:
    assert PLAIN_ROW.fullmatch(_line(PLAIN, csv.QUOTE_MINIMAL)) is not None
    quoted = dict(PLAIN, description="Shirt, cotton", consignor_name="Toko, Ltd")
    assert PLAIN_ROW.fullmatch(_line(quoted, csv.QUOTE_MINIMAL)) is not None
    fields = PlainRows(list(COLUMNS), members_strict()).fields(_line(quoted, csv.QUOTE_MINIMAL))
    assert fields == tuple(quoted[c] for c in COLUMNS)


def test_another_column_order_is_read_by_name() -> None:
    header = list(reversed(COLUMNS))
    rows = PlainRows(header, members_strict())
    assert rows.usable and rows.plain is None
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([PLAIN[c] for c in header])
    assert rows.fields(buffer.getvalue().strip()) == tuple(PLAIN[c] for c in COLUMNS)


def test_the_pattern_s_whitespace_is_what_strip_removes() -> None:
    """`\\s` in the pattern stands for "a character `str.strip` would remove"."""
    space = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (space.match(char) is not None) == (char.strip() == "")
