"""The compiled manifest path gives exactly the thorough path's results: for generated CSV manifests
(all ten destinations, ATIGA claims or not, DDP/DAP, invoice currencies, values around each
threshold, trusted traders, watched parties, repeat consignees, bad fields) the results file is
byte for byte the one the thorough path writes, and plainly valid rows do take the compiled path."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from crossborder.customs import risk
from crossborder.customs.compiled_csv import CsvFastPath, party_key
from crossborder.customs.declaration_input import Party
from crossborder.customs.declarations import rulebook_for, simplified_route_limit
from crossborder.customs.manifest import CSV_COLUMNS, clear_file
from crossborder.customs.models import WatchListEntry
from crossborder.customs.trusted import flag_trusted_trader
from crossborder.reference import get_registry

pytestmark = pytest.mark.usefixtures("customs_data")

ON = date(2026, 1, 2)
MEMBERS = ("BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN")
TARIFF = ("620520", "610910", "420222", "330499", "851713", "640399", "950300", "090121")
TRUSTED = "VN-BRN-TRUSTED"
WATCHED = ("Watched Buyer", "1 Watch Street")
_references = itertools.count()


@given(st.text(max_size=20), st.text(max_size=20), st.sampled_from(MEMBERS))
def test_party_key_is_the_party_s_key(name: str, address: str, country: str) -> None:
    assert party_key(name, address, country) == Party(name, address, country).key()


@given(
    st.text(max_size=12),
    st.sampled_from(["default", "", "seed-x"]),
    st.decimals(min_value=Decimal("-1"), max_value=Decimal("101"), places=3),
)
def test_the_draw_cutoff_decides_as_the_draw_does(reference: str, seed: str, percent: Decimal) -> None:
    cutoff = risk.draw_cutoff(percent)
    assert (risk.draw(reference, seed) < percent) == (risk.draw_number(reference, seed) < cutoff)
    # At the cutoff itself the draw is no longer below the percentage, just before it still is.
    if 0 < cutoff < 2**64:
        assert risk._draw_of(cutoff) >= percent > risk._draw_of(cutoff - 1)


# --- generated manifests --------------------------------------------------------------------------------------


def _currency(code: str) -> str:
    return get_registry().country(code).currency.code


def _interesting(db: Session, destination: str, currency: str) -> list[Decimal]:
    """Amounts in CURRENCY at each of the destination's thresholds on the day."""
    book = rulebook_for(db, destination, ON)
    found: list[tuple[Decimal, str]] = [(simplified_route_limit(book), book.currency)]
    for rule in (book.duty_de_minimis, book.tax_de_minimis, book.point_of_sale and book.point_of_sale.threshold):
        if rule is not None and rule.amount is not None:
            found.append((rule.amount, rule.currency or book.currency))
    if book.flat_duty is not None:
        found += [book.flat_duty.above[:2], book.flat_duty.up_to[:2]]
    out = []
    for amount, unit in found:
        try:
            out.append(amount * book.fx.conversion(unit, currency, ON).factor)
        except Exception:  # noqa: S112 - no rate for that currency: nothing to aim at
            continue
    return out


def _amount(data: st.DataObject, db: Session, destination: str, currency: str) -> str:
    places = 0 if currency in ("VND", "IDR", "KHR", "LAK", "MMK") else data.draw(st.sampled_from([0, 1, 2]))
    targets = _interesting(db, destination, currency)  # the first is the simplified-route limit
    if not targets:
        value = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900000"), places=2))
    elif data.draw(st.booleans()):  # close to a threshold, either side
        base = data.draw(st.sampled_from(targets))
        nudge = data.draw(st.sampled_from(["0.3", "0.97", "0.999", "1", "1.001", "1.03", "4"]))
        value = base * Decimal(nudge)
    else:  # anywhere under the simplified-route limit, and a little over
        value = targets[0] * data.draw(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1.1"), places=4))
    value = value.quantize(Decimal(1).scaleb(-places))
    if not value > 0:
        value = Decimal(1)
    return format(value, "f")


BAD = {  # a value per field that the thorough path refuses (or the compiled path must not take)
    "client_reference": ["bad ref", ""],
    "origin": ["XX", "my"],
    "date": ["", "2026-13-01"],
    "transport_mode": ["rail"],
    "incoterm": ["CIF"],
    "consignor_name": [" x", ""],
    "consignee_name": ["", " Padded"],
    "consignee_address": ["x" * 301],
    "seller_business_id": [" padded", "x" * 65],
    "seller_registration": ["x" * 65],
    "hs_code": ["999999", "6109", "12AB34"],
    "description": ["", "x" * 301],
    "quantity": ["0", "1.5", "-1", "1000001"],
    "unit_value": ["-4", "1e3", "", "0", "12."],
    "currency": ["XYZ", "usd"],
    "shipping": ["-1", "1e2"],
    "insurance": ["abc"],
}


def _row(data: st.DataObject, db: Session, tag: str) -> dict[str, str]:
    """A plainly valid row, or (one time in three) one with a bad field."""
    destination = data.draw(st.sampled_from(MEMBERS))
    origin = data.draw(st.sampled_from(MEMBERS))
    currency = data.draw(st.sampled_from([_currency(destination)] * 4 + ["USD", "USD", "XDR", _currency(origin)]))
    hs = data.draw(st.sampled_from(TARIFF))
    consignee = data.draw(
        st.sampled_from(
            [("Arif bin Ahmad", "12 Jalan Ampang"), ("arif  BIN ahmad", "12 jalan ampang"), WATCHED]
            + [(f"Buyer {tag}", f"{tag} Main Road, unit 3")] * 3
        )
    )
    row = {
        "client_reference": f"R{tag}",
        "origin": origin,
        "destination": destination,
        "date": data.draw(st.sampled_from(["2026-01-02"] * 6 + ["2026-01-03", "20260102"])),
        "transport_mode": data.draw(st.sampled_from(["post", "air", "sea", "land", ""])),
        "incoterm": data.draw(st.sampled_from(["DAP", "DDP", ""])),
        "consignor_name": data.draw(st.sampled_from(["Linh Batik", "Toko, Ltd"])),
        "consignor_address": "5 Hang Gai, Hanoi",
        "consignee_name": consignee[0],
        "consignee_address": consignee[1],
        "seller_business_id": data.draw(st.sampled_from(["", TRUSTED, "OTHER-2"])),
        "seller_registration": data.draw(st.sampled_from(["", "", "LVG-000001"])),
        "hs_code": data.draw(st.sampled_from([hs, f"{hs[:4]}.{hs[4:]}", f"{hs[:4]} {hs[4:]}", f"{hs}00"])),
        "description": data.draw(st.sampled_from(["Shirt", "Shirt, cotton", 'Toy "deluxe"'])),
        "quantity": data.draw(st.sampled_from(["1", "1", "2", "5", "", "007"])),
        "unit_value": _amount(data, db, destination, currency),
        "currency": currency,
        "origin_claim": data.draw(st.sampled_from(["true", "false", "", "yes", "1", "TRUE"])),
        "shipping": data.draw(st.sampled_from(["", "0", "2.50", "17"])),
        "insurance": data.draw(st.sampled_from(["", "", "0", "1.25"])),
    }
    if data.draw(st.integers(0, 2)) == 0:
        bad = data.draw(st.sampled_from(sorted(BAD)))
        row[bad] = data.draw(st.sampled_from(BAD[bad]))
    return row


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())


@pytest.fixture
def watched_and_trusted(db: Session) -> None:
    for destination in ("MY", "SG", "TH", "ID", "VN"):
        flag_trusted_trader(db, TRUSTED, destination, date(2025, 1, 1))
    db.add(WatchListEntry(destination="MY", party_key=party_key(*WATCHED, "MY"), label="known", reason="test"))
    db.commit()


class Spy:
    """Counts the rows the compiled path answered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answered = 0
        line = CsvFastPath.line

        def counting(path: CsvFastPath, number: int, text: str) -> Any:
            done = line(path, number, text)
            self.answered += done is not None
            return done

        monkeypatch.setattr(CsvFastPath, "line", counting)


def both_paths(db: Session, rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "m.csv"
        _write(source, rows)
        results = []
        for compiled in (True, False):
            out = Path(folder) / f"out-{compiled}.jsonl"
            clear_file(db, source, out, checkpoint_every=3, today=ON, compiled=compiled)
            results.append(out.read_text().splitlines())
    return results[0], results[1]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_compiled_results_are_the_thorough_results(
    db: Session, watched_and_trusted: None, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    tag = next(_references)
    count = data.draw(st.integers(1, 6))
    rows = [_row(data, db, f"{tag}-{i}") for i in range(count)]
    spy = Spy(monkeypatch)
    compiled, thorough = both_paths(db, rows)
    assert compiled == thorough
    event(f"rows on the compiled path: {'none' if not spy.answered else 'all' if spy.answered == count else 'some'}")


def plain_rows(tag: str) -> Iterator[dict[str, str]]:
    """Plainly valid rows to every destination: each one must take the compiled path."""
    for i, destination in enumerate(MEMBERS):
        origin = MEMBERS[(i + 1) % len(MEMBERS)]
        for j, (currency, value) in enumerate(((_currency(destination), "95"), ("USD", "12.40"), ("USD", "300"))):
            yield {
                "client_reference": f"PLAIN-{tag}-{destination}-{j}",
                "origin": origin,
                "destination": destination,
                "date": "2026-01-02",
                "transport_mode": ("post", "air", "land")[j],
                "incoterm": ("DAP", "DDP")[j % 2],
                "consignor_name": "Linh Batik",
                "consignor_address": "5 Hang Gai, Hanoi",
                "consignee_name": "Arif bin Ahmad",
                "consignee_address": f"{j} Jalan Ampang, Kuala Lumpur",
                "seller_business_id": TRUSTED if j == 1 else "",
                "seller_registration": "LVG-000001" if j == 2 else "",
                "hs_code": ("6205.20", "95030000", "090121")[j],
                "description": "Batik shirt",
                "quantity": str(j + 1),
                "unit_value": value,
                "currency": currency,
                "origin_claim": ("true", "false", "")[j],
                "shipping": ("", "2.50", "0")[j],
                "insurance": "",
            }


def test_plain_rows_take_the_compiled_path(
    db: Session, watched_and_trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = list(plain_rows("a"))
    spy = Spy(monkeypatch)
    compiled, thorough = both_paths(db, rows)
    assert compiled == thorough
    assert spy.answered == len(rows)  # every plain row, to every destination


def test_bad_rows_take_the_thorough_path(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = list(plain_rows("b"))[:4]
    rows[0]["hs_code"] = "999999"  # unlisted: only the thorough path names the error
    rows[1]["unit_value"] = "-4"
    rows[2]["currency"] = "XYZ"
    rows[3]["consignee_name"] = ""
    spy = Spy(monkeypatch)
    compiled, thorough = both_paths(db, rows)
    assert compiled == thorough
    assert spy.answered == 0
    assert all('"ok":false' in line for line in compiled)


BUSY_PROFILE = """
description: a profile where every rule fires now and then (test)
random: {yellow_percent: "12", red_percent: "6", seed: busy}
value_bands: [{above: "150", lane: yellow}, {above: "2000", lane: red}]
hs_chapters_of_interest: {"62": yellow, "95": red, "33": yellow}
undervaluation:
  ratio: "0.5"
  reference_prices: {"6109": "60", "0901": "900", "8517": "30000"}
split_shipment: {window_hours: 72, min_parcels: 2, threshold_parameter: de_minimis.indirect_tax, lane: red}
trusted_trader: {random_factor: "0.5", relieved_rules: [value_band, hs_chapter_yellow, watch_list, undervaluation]}
"""


@pytest.fixture
def busy_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "risk").mkdir()
    (tmp_path / "risk" / "default.yaml").write_text(BUSY_PROFILE)
    monkeypatch.setenv("CROSSBORDER_RISK_DIR", str(tmp_path / "risk"))
    risk.load_profile.cache_clear()
    yield
    risk.load_profile.cache_clear()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_compiled_lanes_are_the_thorough_lanes_when_rules_fire(
    db: Session, watched_and_trusted: None, busy_profile: None, data: st.DataObject
) -> None:
    tag = next(_references)
    rows = [_row(data, db, f"{tag}-{i}") for i in range(data.draw(st.integers(1, 6)))]
    compiled, thorough = both_paths(db, rows)
    assert compiled == thorough
    for line in compiled:
        event("lane " + line.split('"lane":"')[-1][:3] if '"lane"' in line else "rejected")
