"""Generate a realistic, deterministic customs manifest CSV for benchmarks.

    .venv/bin/python bench/gen_manifest.py N OUT.csv [--seed 20260102] [--date 2026-01-02]

One parcel (one goods line) per row, columns = crossborder.customs.manifest.CSV_COLUMNS:

* all ten member states as destinations (uniform), origin always another member state;
* HS codes present in the sample tariff for that destination, written as the trade writes
  them (``610910``, ``6109.10``, ``61091000``);
* values spread around each destination's de minimis (read from the reference data for the
  date): roughly 45 % of parcels under the duty threshold, 55 % above, all under the SDR 1,000
  simplified-route ceiling; destinations without a de minimis get a log-uniform USD 2-900;
* line currency: the destination's 75 %, USD 20 %, the origin's 5 % (converted with the
  sample rates, so the amounts stay realistic);
* about 5 % deliberately bad lines, spread evenly over: malformed/unknown HS code, negative
  value, unknown currency, missing consignee;
* about 15 % of parcels go to consignees drawn from a small per-destination pool (repeat
  buyers and split shipments), the rest to distinct consignees.

Deterministic: the same N, seed and date give byte-identical files. Streams rows, so memory
stays flat whatever N. Only reads packaged data; touches no database."""

from __future__ import annotations

import argparse
import atexit
import csv
import math
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

# Reading the reference registry builds the platform settings: keep anything it might write
# (the generated secret key) in a throw-away folder, never in the working tree.
if "CROSSBORDER_VAR_DIR" not in os.environ:
    _VAR = tempfile.mkdtemp(prefix="crossborder-genmanifest-")
    os.environ["CROSSBORDER_VAR_DIR"] = _VAR
    atexit.register(shutil.rmtree, _VAR, ignore_errors=True)

from crossborder.customs.fx import FxTable, Rate
from crossborder.customs.manifest import CSV_COLUMNS
from crossborder.customs.rulebook import build_rulebook
from crossborder.customs.settings import DATA_DIR
from crossborder.customs.tariff import TariffIndex
from crossborder.reference import get_registry

BAD_SHARE = 0.05
REPEAT_SHARE = 0.15
SDR_CEILING_USD = Decimal("1300")  # a little under SDR 1,000 (about USD 1,369 early 2026)

GIVEN = [
    "Aung",
    "Budi",
    "Chanthy",
    "Dara",
    "Putri",
    "Siti",
    "Nur",
    "Ahmad",
    "Wei",
    "Ling",
    "Mei",
    "Hui",
    "Anh",
    "Linh",
    "Minh",
    "Thao",
    "Somchai",
    "Niran",
    "Maria",
    "Jose",
    "Ana",
    "Juan",
    "Kyaw",
    "Thida",
    "Sok",
    "Vanna",
    "Bounmy",
    "Khamla",
    "Hasan",
    "Farah",
    "Rizal",
    "Dewi",
    "Arif",
    "Intan",
    "Joel",
    "Grace",
    "Mark",
    "Liza",
    "Tan",
    "Lim",
    "Ong",
    "Nguyen",
    "Tran",
    "Pham",
    "Suda",
    "Malee",
    "Chai",
    "Ploy",
]
FAMILY = [
    "Tan",
    "Lim",
    "Wong",
    "Lee",
    "Ng",
    "Abdullah",
    "Rahman",
    "Ismail",
    "Santos",
    "Reyes",
    "Cruz",
    "Garcia",
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Hoang",
    "Vo",
    "Srisuk",
    "Wongsa",
    "Chaiyaporn",
    "Suwan",
    "Kyaw",
    "Htun",
    "Win",
    "Oo",
    "Sok",
    "Chan",
    "Keo",
    "Phommachanh",
    "Vongsa",
    "Hidayat",
    "Saputra",
    "Wijaya",
    "Siregar",
    "Bakar",
    "Yusof",
    "Salleh",
    "Ramos",
    "Bautista",
    "Dela-Cruz",
]
STREETS = [
    "Jalan Ampang",
    "Jalan Bukit Bintang",
    "Orchard Road",
    "Jalan Sudirman",
    "Sukhumvit Road",
    "Ayala Avenue",
    "Nguyen Hue",
    "Le Loi",
    "Norodom Blvd",
    "Lane Xang Avenue",
    "Anawrahta Road",
    "Jalan Tutong",
    "Rama IV Road",
    "Jalan Thamrin",
    "Tanjong Pagar Road",
    "Jalan Gaya",
    "Taft Avenue",
    "Bogyoke Road",
    "Monivong Blvd",
]
CITY = {
    "BN": "Bandar Seri Begawan",
    "ID": "Jakarta",
    "KH": "Phnom Penh",
    "LA": "Vientiane",
    "MM": "Yangon",
    "MY": "Kuala Lumpur",
    "PH": "Manila",
    "SG": "Singapore",
    "TH": "Bangkok",
    "VN": "Ho Chi Minh City",
}
GOODS = {  # shop-style descriptions per 6-digit code of the sample tariff
    "620520": ("Men's cotton shirt", "Batik cotton shirt, long sleeve", "Woven cotton shirt"),
    "610910": ("Cotton T-shirt", "Printed T-shirt, knitted cotton", "Singlet, cotton"),
    "420222": ("Tote bag, canvas", "Handbag, textile", "Shoulder bag, nylon"),
    "330499": ("Face serum 30 ml", "Skin-care set", "Sunscreen lotion"),
    "851713": ("Smartphone 128 GB", "Mobile phone", "Smartphone, refurbished"),
    "640399": ("Leather sandals", "Leather ankle boots", "Leather loafers"),
    "950300": ("Building blocks set", "Plush toy", "Kick scooter, child"),
    "090121": ("Roasted coffee beans 500 g", "Ground coffee 250 g", "Coffee beans, arabica 1 kg"),
}
BAD_KINDS = ("bad_hs_code", "negative_value", "unknown_currency", "missing_consignee")
BAD_HS = ("12AB34", "6109", "999999", "61-09-10", "0101.99.99")  # malformed, too short, unknown


@dataclass(frozen=True)
class Destination:
    code: str
    currency: str
    decimals: int
    hs_codes: tuple[str, ...]
    threshold: Decimal | None  # duty (else tax) de minimis, in the destination currency
    ceiling: Decimal  # keep under the simplified-route limit, destination currency
    usd_rate: Decimal  # destination currency units per USD


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def destinations(on: date) -> tuple[list[Destination], dict[str, Decimal]]:
    """Destination facts for the day, from the packaged sample data and the reference data."""
    rates = [
        Rate(date.fromisoformat(r["rate_date"]), r["base"], r["quote"], Decimal(r["rate"]), r["source"])
        for name in ("sample_rates.csv", "sdr_rates.csv")
        for r in _read_csv(DATA_DIR / name)
    ]
    fx = FxTable(rates, max_age_days=7)
    tariff: dict[str, list[str]] = {}
    for row in _read_csv(DATA_DIR / "sample_tariff.csv"):
        tariff.setdefault(row["destination"], []).append(row["hs_code"])
    registry = get_registry()
    out: list[Destination] = []
    per_usd: dict[str, Decimal] = {"USD": Decimal(1)}
    for code in registry.member_states():
        book = build_rulebook(code, on, TariffIndex(code, []), fx)
        usd = fx.conversion("USD", book.currency, on).factor
        per_usd[book.currency] = usd
        threshold = None
        for rule in (book.duty_de_minimis, book.tax_de_minimis):
            if rule is not None and rule.amount is not None:
                factor = fx.conversion(rule.currency or book.currency, book.currency, on).factor
                threshold = rule.amount * factor
                break
        decimals = 0 if book.currency in ("VND", "IDR", "KHR", "LAK", "MMK") else 2
        out.append(
            Destination(
                code,
                book.currency,
                decimals,
                tuple(sorted(tariff.get(code, ()))),
                threshold,
                SDR_CEILING_USD * usd,
                usd,
            )
        )
    return out, per_usd


def _money(value: Decimal, decimals: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _consignee(rng: random.Random, dest: str, tag: str) -> tuple[str, str]:
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    address = f"{rng.randint(1, 999)} {rng.choice(STREETS)}, unit {tag}, {CITY[dest]}"
    return name, address


def generate(n: int, out: Path, *, seed: int = 20260102, on: date = date(2026, 1, 2)) -> dict[str, int]:
    """Write N rows to OUT; return counts by kind (for the caller to print)."""
    rng = random.Random(seed)
    dests, per_usd = destinations(on)
    codes = [d.code for d in dests]
    by_code = {d.code: d for d in dests}
    pool_size = max(20, n // 400)  # repeat consignees per destination
    pools = {
        d.code: [_consignee(random.Random(f"{seed}:{d.code}:{i}"), d.code, f"R{i}") for i in range(pool_size)]
        for d in dests
    }
    sellers = {
        origin: [
            (
                f"{rng.choice(FAMILY)} {rng.choice(('Trading', 'Store', 'Online', 'Crafts', 'Supplies'))} "
                f"{origin}-{i:03d}",
                f"{i + 1} {rng.choice(STREETS)}, {CITY[origin]}",
                f"{origin}-BRN-{i:06d}",
                f"LVG-{origin}{i:06d}" if i % 2 == 0 else "",
            )
            for i in range(120)
        ]
        for origin in codes
    }
    counts = dict.fromkeys(("rows", "bad", "repeat_consignee", "under_threshold", "above_threshold"), 0)
    counts.update(dict.fromkeys(BAD_KINDS, 0))
    stamp = on.strftime("%Y%m%d")
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for i in range(n):
            dest = by_code[rng.choice(codes)]
            origin = rng.choice([c for c in codes if c != dest.code])
            seller_name, seller_address, seller_id, seller_lvg = rng.choice(sellers[origin])
            # value of the consignment in the destination currency
            if dest.threshold is not None:
                t = float(dest.threshold)
                under = rng.random() < 0.45
                low, high = (
                    (0.3 * t, 0.97 * t)
                    if under
                    else (1.03 * t, min(float(dest.ceiling), max(5 * t, 150 * float(dest.usd_rate))))
                )
                counts["under_threshold" if under else "above_threshold"] += 1
            else:
                low, high = 2 * float(dest.usd_rate), 900 * float(dest.usd_rate)
            total = Decimal(repr(_log_uniform(rng, low, high)))
            shipping_share = Decimal(rng.choice(("0", "0.05", "0.08", "0.12")))
            shipping = total * shipping_share
            goods = total - shipping
            # currency the seller invoiced in
            roll = rng.random()
            currency = dest.currency if roll < 0.75 else "USD" if roll < 0.95 else by_code[origin].currency
            decimals = 0 if currency in ("VND", "IDR", "KHR", "LAK", "MMK") else 2
            factor = per_usd[currency] / dest.usd_rate  # destination currency -> invoice currency
            quantity = 1 if rng.random() < 0.7 else rng.randint(2, 5)
            unit_value = _money(goods * factor / quantity, decimals)
            if Decimal(unit_value) <= 0:
                unit_value = "1" if decimals == 0 else "0.01"
            hs = rng.choice(dest.hs_codes)
            style = rng.random()
            hs_written = hs if style < 0.6 else f"{hs[:4]}.{hs[4:]}" if style < 0.8 else f"{hs}00"
            if rng.random() < REPEAT_SHARE:
                consignee_name, consignee_address = rng.choice(pools[dest.code])
                counts["repeat_consignee"] += 1
            else:
                consignee_name, consignee_address = _consignee(rng, dest.code, f"{i:07d}")
            row = {
                "client_reference": f"MF{stamp}-{i:09d}",
                "origin": origin,
                "destination": dest.code,
                "date": on.isoformat(),
                "transport_mode": rng.choices(("post", "air", "land", "sea"), (55, 35, 5, 5))[0],
                "incoterm": "DDP" if rng.random() < 0.2 else "DAP",
                "consignor_name": seller_name,
                "consignor_address": seller_address,
                "consignee_name": consignee_name,
                "consignee_address": consignee_address,
                "seller_business_id": seller_id if rng.random() < 0.6 else "",
                "seller_registration": seller_lvg if dest.code in ("MY", "SG") else "",
                "hs_code": hs_written,
                "description": rng.choice(GOODS.get(hs, ("Merchandise",))),
                "quantity": str(quantity),
                "unit_value": unit_value,
                "currency": currency,
                "origin_claim": "true" if rng.random() < 0.3 else "false",
                "shipping": _money(shipping * factor, decimals) if shipping else "",
                "insurance": "",
            }
            if rng.random() < BAD_SHARE:
                kind = rng.choice(BAD_KINDS)
                counts["bad"] += 1
                counts[kind] += 1
                if kind == "bad_hs_code":
                    row["hs_code"] = rng.choice(BAD_HS)
                elif kind == "negative_value":
                    row["unit_value"] = "-" + row["unit_value"]
                elif kind == "unknown_currency":
                    row["currency"] = rng.choice(("XYZ", "ABC", "EUR1", "usd"))
                else:
                    row["consignee_name"] = ""
                    row["consignee_address"] = ""
            writer.writerow([row[c] for c in CSV_COLUMNS])
            counts["rows"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of parcels (rows)")
    parser.add_argument("out", type=Path, help="output CSV path")
    parser.add_argument("--seed", type=int, default=20260102)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 1, 2))
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.n, args.out, seed=args.seed, on=args.date)
    elapsed = time.perf_counter() - started
    size = args.out.stat().st_size
    print(
        f"wrote {counts['rows']} rows to {args.out} ({size / 1e6:.1f} MB) in {elapsed:.1f} s; "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "rows"),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
