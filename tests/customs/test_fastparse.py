"""The fast path of the declaration parser agrees with the thorough one: for generated valid and
invalid inputs it either builds exactly the DeclarationInput that `parse_declaration` builds
(same values, same types, same decimal representation) or defers (None)."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.core.errors import ValidationFailed
from crossborder.customs.declaration_input import parse_declaration
from crossborder.customs.fastparse import fast_declaration
from crossborder.customs.manifest import CSV_COLUMNS, csv_row_to_declaration, split_csv_line

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 2)


def strict(value: Any) -> Any:
    """A comparable form that also tells 1 from True and Decimal('2.0') from Decimal('2.00')."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((f.name, strict(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), strict(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(strict(v) for v in value))
    return (type(value).__name__, repr(value))


def agrees(raw: Any, today: date | None = TODAY) -> bool:
    """Asserts the agreement; True when the fast path answered (did not defer)."""
    fast = fast_declaration(raw, today=today)
    if fast is None:
        return False
    try:
        thorough = parse_declaration(raw, today=today)
    except ValidationFailed as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"fast path accepted what the thorough parser refuses: {exc.errors}") from None
    assert strict(fast) == strict(thorough)
    return True


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**8),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
countries = st.sampled_from(
    ["MY", "SG", "TH", "VN", "ID", "PH", "BN", "KH", "LA", "MM", "XX", "my", " MY", "MY\n", "M"]
)
texts = st.one_of(
    st.sampled_from(["Linh Batik", "5 Hang Gai, Hanoi", "", " ", " padded ", "x" * 300, "x" * 301, "Ánh\u00a0", "ส"]),
    st.text(max_size=12),
)
decimals = st.one_of(
    st.sampled_from(["20.00", "0", "0.00", "1", "-4", "1e3", "1_000", " 5 ", "NaN", "Infinity", "", "12.", ".5", "٣"]),
    st.decimals(min_value=0, max_value=10**6, places=2).map(str),
    st.integers(-3, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1, max_value=1e6),
)
hs_codes = st.sampled_from(["620520", "6205.20", "6205 20 00", "62052000", "12", "99999999999", "62052a", "٦٢٠٥٢٠", ""])
references = st.one_of(
    st.sampled_from(["P00001", "MF-2026/01:x.y", "", "a" * 100, "a" * 101, "bad ref", "abc\n", "é"]),
    st.text(max_size=6),
)
quantities = st.one_of(
    st.sampled_from([1, 2, 1_000_000, 1_000_001, 0, -1, True, "1", "3", "0", "00012", " 2", "2.0", "10000000", "²"]),
    st.integers(-2, 2_000_000),
)


def pick(draw: st.DrawFn, valid: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> Any:
    """Mostly a valid value (so that whole valid declarations are common), sometimes anything."""
    return draw(valid) if draw(st.integers(0, 39)) < 38 else draw(other)


def maybe(draw: st.DrawFn, raw: dict[str, Any], key: str, valid: st.SearchStrategy[Any], other: Any) -> None:
    """Set KEY (mostly to a valid value) or leave it out."""
    if draw(st.booleans()):
        raw[key] = pick(draw, valid, other)


VALID_COUNTRIES = st.sampled_from(["MY", "SG", "TH", "VN", "ID", "PH", "BN", "KH", "LA", "MM"])
VALID_DECIMALS = st.one_of(st.sampled_from(["20.00", "1", "0.5"]), st.decimals(0, 10**5, places=2).map(str))


@st.composite
def parties(draw: st.DrawFn, country: str) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(junk)
    party: dict[str, Any] = {
        "name": pick(draw, st.sampled_from(["Arif bin Ahmad", "Ánh Nguyễn", "x" * 300]), texts),
        "address": pick(draw, st.sampled_from(["12 Jalan Ampang", "5 Hang Gai, Hanoi"]), texts),
        "country": pick(draw, st.just(country), countries),
    }
    if draw(st.integers(0, 19)) == 0:
        party.pop(draw(st.sampled_from(["name", "address", "country"])))
    if draw(st.integers(0, 19)) == 0:
        party["x"] = draw(junk)
    return party


@st.composite
def goods_lines(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 29)) == 0:
        return draw(junk)
    line: dict[str, Any] = {
        "hs_code": pick(draw, st.sampled_from(["620520", "6205.20", "6205 20 00", "62052000"]), hs_codes),
        "description": pick(draw, st.sampled_from(["Batik shirt", "x" * 300, "ผ้า"]), texts),
        "unit_value": pick(draw, VALID_DECIMALS.filter(lambda v: Decimal(v) > 0), decimals),
        "currency": pick(draw, st.sampled_from(["USD", "MYR"]), st.sampled_from(["usd", "US", "USDX", "USD\n", ""])),
    }
    maybe(
        draw, line, "id", st.sampled_from(["1", "2", "a" * 64, ""]), st.one_of(st.sampled_from([" 1", "a" * 65]), junk)
    )
    maybe(draw, line, "quantity", st.sampled_from([1, 2, 1_000_000, "1", "3", "00012"]), quantities)
    maybe(draw, line, "origin_claim", st.booleans(), junk)
    maybe(draw, line, "tax_class", st.sampled_from(["standard", "luxury", "excluded_from_reduction"]), texts)
    if draw(st.integers(0, 19)) == 0:
        line["colour"] = draw(junk)
    return line


@st.composite
def declarations(draw: st.DrawFn) -> Any:
    origin = pick(draw, VALID_COUNTRIES, countries)
    destination = pick(draw, VALID_COUNTRIES, countries)
    raw: dict[str, Any] = {
        "client_reference": pick(draw, st.sampled_from(["P00001", "MF-2026/01:x.y", "a" * 100]), references),
        "origin": origin,
        "destination": destination,
        "consignor": draw(parties(origin)),
        "consignee": draw(parties(destination)),
        "lines": pick(draw, st.lists(goods_lines(), min_size=1, max_size=3), junk),
    }
    maybe(
        draw, raw, "date", st.sampled_from(["2026-01-02", "20260102"]), st.sampled_from(["2026-02-30", "", "x", None])
    )
    maybe(draw, raw, "incoterm", st.sampled_from(["DAP", "DDP"]), st.sampled_from(["EXW", "", None, 1]))
    maybe(draw, raw, "transport_mode", st.sampled_from(["post", "air", "sea", "land"]), st.sampled_from(["rail", None]))
    maybe(draw, raw, "shipping", st.one_of(VALID_DECIMALS, st.none()), decimals)
    maybe(draw, raw, "insurance", st.one_of(VALID_DECIMALS, st.none()), decimals)
    maybe(draw, raw, "charges_currency", st.sampled_from(["USD", "MYR", None]), st.sampled_from(["usd", "", 3]))
    maybe(
        draw, raw, "seller_registration", st.sampled_from(["LVG-1", "", None]), st.sampled_from([" ", " a", "x" * 65])
    )
    for key in ("seller_business_id", "carrier", "tracking_number"):
        maybe(
            draw, raw, key, st.sampled_from(["MY-BRN-1", "", None, "x" * 64]), st.sampled_from(["  ", " a ", "x" * 65])
        )
    if draw(st.integers(0, 19)) == 0:
        raw["surprise"] = draw(junk)
    if draw(st.integers(0, 19)) == 0:
        raw.pop(draw(st.sampled_from(sorted(raw))))
    return raw


@settings(max_examples=800, deadline=None)
@given(declarations(), st.sampled_from([TODAY, None]))
def test_fast_path_agrees_with_the_thorough_parser_or_defers(raw: Any, today: date | None) -> None:
    agrees(raw, today)


@settings(max_examples=300, deadline=None)
@given(st.one_of(junk, st.dictionaries(st.text(max_size=20), junk)))
def test_fast_path_defers_on_junk(raw: Any) -> None:
    agrees(raw)


csv_cells = st.one_of(st.text(max_size=6), st.sampled_from(["", "1", "true", "MY", "VN", "20.00", "620520"]))


@settings(max_examples=500, deadline=None)
@given(st.fixed_dictionaries(dict.fromkeys(CSV_COLUMNS, csv_cells)))
def test_fast_path_agrees_on_junk_manifest_rows(row: dict[str, str]) -> None:
    try:
        raw = csv_row_to_declaration(row)
    except ValueError:  # e.g. "²".isdigit(): the manifest row mapper's own refusal, before any parser
        return
    agrees(raw)


def test_fast_path_takes_the_common_valid_case(tmp_path: Path) -> None:
    """On a realistic manifest every good row takes the fast path, and agrees; bad rows defer."""
    source = tmp_path / "m.csv"
    spec = importlib.util.spec_from_file_location("gen_manifest", ROOT / "bench" / "gen_manifest.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules["gen_manifest"] = generator  # its dataclasses look their module up
    spec.loader.exec_module(generator)
    generator.generate(600, source)
    with source.open(newline="") as handle:
        rows = [csv_row_to_declaration(r) for r in csv.DictReader(handle)]
    fast = 0
    for raw in rows:
        taken = agrees(raw)
        fast += taken
        if not taken:
            try:
                parse_declaration(raw, today=TODAY)
            except ValidationFailed:
                continue
            raise AssertionError(f"a valid row missed the fast path: {raw}")
    assert fast > 500


def test_fast_path_keeps_the_decimal_as_written() -> None:
    raw = {
        "client_reference": "R1",
        "origin": "VN",
        "destination": "MY",
        "date": "2026-01-02",
        "consignor": {"name": "A", "address": "B", "country": "VN"},
        "consignee": {"name": "C", "address": "D", "country": "MY"},
        "shipping": "2.50",
        "lines": [{"hs_code": "6205.20", "description": "x", "unit_value": "20.00", "currency": "USD"}],
    }
    assert agrees(raw)
    fast = fast_declaration(raw)
    assert fast is not None
    assert str(fast.shipment.lines[0].unit_value) == "20.00" and str(fast.shipment.shipping) == "2.50"
    assert fast.shipment.insurance == Decimal(0) and fast.shipment.lines[0].hs_code == "620520"


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(list('ab ,"\r\n\0\t;\\é')), min_size=1, max_size=30),
        st.text(min_size=1, max_size=30),
    )
)
def test_csv_line_split_agrees_with_the_csv_module(text: str) -> None:
    try:
        expected = next(csv.reader([text]), [])
    except csv.Error:
        expected = None
    if expected is None:  # only lines the fast split never takes: it defers them to the csv module
        assert '"' in text or "\r" in text or "\n" in text or "\0" in text
        return
    assert split_csv_line(text) == expected
