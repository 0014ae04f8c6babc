"""UBL invoice validation throughput and scaling (prints figures, never passes or fails).

    .venv/bin/python bench/documents_validate.py [--invoices 1000] [--baseline 100] [--seed 20260102]

Generates seeded Peppol BIS 3.0 invoices of 1-50 lines with our builder, then measures
(a) the XSD stage: ours (hardened lxml parse + the OASIS UBL 2.1 XSD compiled once in libxml2)
    against `xmlschema` (pure Python) validating the same bytes against the same XSD files;
(b) full validation (parse + XSD + EN 16931 + Peppol rules), invoices/s;
(c) scaling: full validation of one 50-, 500- and 5,000-line invoice, time per line.
The official CEN/Peppol Schematron (XSLT 2.0, run by saxonche) is not measured: no package registry
ships those artefacts, so there is nothing to run (see src/crossborder/documents/README.md)."""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from crossborder.documents.issues import is_valid
from crossborder.documents.ubl_build import build_ubl
from crossborder.documents.ubl_model import (
    Address,
    AllowanceCharge,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    TaxCategory,
)
from crossborder.documents.ubl_validate import validate_ubl
from crossborder.documents.ubl_xsd import schema_dir, validate_xsd, warm_up
from crossborder.documents.xmlsafe import parse_xml

SELLER = Party(name="Seller Pte Ltd", endpoint_id="201912345K", endpoint_scheme="0195", vat_id="SGM90312345K",
               address=Address(street="1 Raffles Place", city="Singapore", postal_zone="048616", country="SG"))
BUYER = Party(name="Buyer PT", endpoint_id="0123456789", endpoint_scheme="0088",
              address=Address(street="Jl. Sudirman 5", city="Jakarta", country="ID"))
RATES = [TaxCategory("S", Decimal(9)), TaxCategory("S", Decimal(8)), TaxCategory("Z", Decimal(0))]


def make_invoice(rng: random.Random, n_lines: int, number: int) -> bytes:
    lines = tuple(
        Line(
            id=str(i), quantity=Decimal(rng.randint(1, 100_000)) / 100, unit_code="C62",
            name=f"Article {rng.randint(1, 99_999)}", description="Batik sarong, hand-drawn",
            price=Decimal(rng.randint(1, 5_000_000)) / 1000, tax=rng.choice(RATES),
            allowances_charges=(AllowanceCharge(False, Decimal(rng.randint(0, 500)) / 100, reason="Discount"),)
            if rng.random() < 0.2 else (),
        )
        for i in range(1, n_lines + 1)
    )
    inv = Invoice(
        id=f"INV-{number:06d}", issue_date=date(2026, 1, 2) + timedelta(days=number % 300),
        due_date=date(2026, 3, 1), currency="SGD", buyer_reference="PO-1", seller=SELLER, buyer=BUYER,
        payment_means=(PaymentMeans(code="30", account_id="SG1234567890"),), lines=lines,
    )
    return build_ubl(inv)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({seconds / count * 1000:.2f} ms each)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--invoices", type=int, default=1000)
    ap.add_argument("--baseline", type=int, default=100, help="invoices given to xmlschema (it is slow)")
    ap.add_argument("--seed", type=int, default=20260102)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    docs = [make_invoice(rng, rng.randint(1, 50), i) for i in range(args.invoices)]
    n_lines = sum(d.count(b"<cac:InvoiceLine>") for d in docs)
    print(f"generated {len(docs)} invoices, {n_lines} lines, {sum(map(len, docs)) / 1e6:.1f} MB (seed {args.seed})")

    t = time.perf_counter()
    warm_up()
    print(f"compile UBL 2.1 XSD (lxml, once per process): {time.perf_counter() - t:.2f} s")

    # (a) XSD stage
    t = time.perf_counter()
    for d in docs:
        root, _ = parse_xml(d)
        assert root is not None and not validate_xsd(root)
    ours = time.perf_counter() - t
    print(f"(a) XSD stage, ours (hardened parse + lxml XSD): {rate(len(docs), ours)}")
    try:
        import xmlschema
    except ImportError:
        print("(a) baseline: xmlschema not installed (pip install -c constraints.txt xmlschema)")
    else:
        t = time.perf_counter()
        xs = xmlschema.XMLSchema(str(schema_dir() / "maindoc" / "UBL-Invoice-2.1.xsd"))
        print(f"    xmlschema compile: {time.perf_counter() - t:.2f} s")
        sample = docs[: args.baseline]
        t = time.perf_counter()
        for d in sample:
            assert xs.is_valid(d.decode())
        base = time.perf_counter() - t
        ratio = (base / len(sample)) / (ours / len(docs))
        print(f"(a) XSD stage, xmlschema {xmlschema.__version__} on the first {len(sample)}: {rate(len(sample), base)}")
        print(f"(a) speed-up vs xmlschema: {ratio:,.0f}x   (target >= 20x)")
    print("(a) official Schematron via saxonche: not run - no registry package ships the CEN/Peppol XSLT")

    # (b) full validation
    t = time.perf_counter()
    for d in docs:
        assert is_valid(validate_ubl(d))
    full = time.perf_counter() - t
    print(f"(b) full validation (parse + XSD + EN 16931 + Peppol rules): {rate(len(docs), full)}, "
          f"{n_lines / full:,.0f} lines/s")

    # (c) scaling
    for size in (50, 500, 5000):
        doc = make_invoice(random.Random(size), size, size)
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            issues = validate_ubl(doc)
            best = min(best, time.perf_counter() - t)
        assert issues == [], issues[:3]
        target = "   (target <= 2 s)" if size == 5000 else ""
        print(f"(c) {size:>5}-line invoice ({len(doc) / 1e6:.2f} MB): {best:.3f} s, "
              f"{best / size * 1e6:.0f} us/line{target}")


if __name__ == "__main__":
    main()
