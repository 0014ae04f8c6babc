"""Valid draft invoices for tests: fixed parties, lines from hypothesis or keyword overrides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from crossborder.documents.ubl_model import (
    Address,
    AllowanceCharge,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    TaxCategory,
    TaxSubtotal,
    TaxTotal,
)

SELLER = Party(
    name="Kopi Luwak Trading Pte Ltd",
    trading_name="Kopi Luwak",
    endpoint_id="201912345K",
    endpoint_scheme="0195",
    address=Address(street="1 Raffles Place", city="Singapore", postal_zone="048616", country="SG"),
    vat_id="SGM90312345K",
    legal_id="201912345K",
    legal_id_scheme="0195",
)
BUYER = Party(
    name="Toko Kopi Jaya <& Sons>",
    endpoint_id="0123456789",
    endpoint_scheme="0088",
    address=Address(street="Jl. Sudirman 5", city="Jakarta", country="ID"),
    contact_email="ap@tokokopi.example",
)
EXEMPT = TaxCategory("E", Decimal(0), "VATEX-EU-132", "Exempt supply")
# Exemption reasons are the issuer's to state; the builder carries them from the draft breakdown.
EXEMPTION_REASONS = TaxTotal(None, "SGD", (TaxSubtotal(None, None, EXEMPT),))


def draft(lines: tuple[Line, ...], **overrides: object) -> Invoice:
    base: dict[str, object] = {
        "id": "INV-2026-0001",
        "issue_date": date(2026, 1, 2),
        "due_date": date(2026, 2, 1),
        "currency": "SGD",
        "buyer_reference": "PO-778",
        "seller": SELLER,
        "buyer": BUYER,
        "payment_means": (PaymentMeans(code="30", account_id="SG1234567890", account_name="Kopi Luwak"),),
        "tax_totals": (EXEMPTION_REASONS,),
        "lines": lines,
    }
    base.update(overrides)
    return Invoice(**base)  # type: ignore[arg-type]


_CATEGORIES = [
    TaxCategory("S", Decimal(9)),
    TaxCategory("S", Decimal("8")),
    TaxCategory("S", Decimal("7.5")),
    TaxCategory("Z", Decimal(0)),
    EXEMPT,
]


@st.composite
def lines(draw: st.DrawFn, max_lines: int = 8) -> tuple[Line, ...]:
    count = draw(st.integers(1, max_lines))
    out = []
    for i in range(1, count + 1):
        qty = draw(st.decimals(Decimal("0.001"), Decimal(10_000), places=3))
        price = draw(st.decimals(Decimal(0), Decimal(50_000), places=draw(st.integers(0, 4))))
        cat = draw(st.sampled_from(_CATEGORIES))
        acs: tuple[AllowanceCharge, ...] = ()
        if draw(st.booleans()):
            acs = (
                AllowanceCharge(
                    is_charge=draw(st.booleans()),
                    amount=draw(st.decimals(Decimal(0), Decimal(100), places=2)),
                    reason="Volume discount",
                ),
            )
        out.append(
            Line(
                id=str(i),
                quantity=qty,
                unit_code="C62",
                name=f"Item {i} «ไทย»",
                price=price,
                tax=TaxCategory(cat.code, cat.percent),
                allowances_charges=acs,
            )
        )
    return tuple(out)


@st.composite
def document_charges(draw: st.DrawFn) -> tuple[AllowanceCharge, ...]:
    if not draw(st.booleans()):
        return ()
    return (
        AllowanceCharge(
            is_charge=True,
            amount=draw(st.decimals(Decimal(0), Decimal(500), places=2)),
            reason="Freight",
            tax=TaxCategory("S", Decimal(9)),
        ),
    )
