"""EN 16931 calculation rules BR-CO-10..BR-CO-17: the totals must add up. Sums are rounded to two
decimals before comparing, as the CEN Schematron does; BR-CO-17 keeps the Schematron's tolerance of
one currency unit. One pass over the lines."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from crossborder.documents.en16931_texts import finding
from crossborder.documents.issues import Issue
from crossborder.documents.ubl_model import Invoice
from crossborder.documents.ubl_paths import Paths

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def r2(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _differs(found: Decimal, expected: Decimal) -> str:
    return f"{found}, expected {r2(expected)}"


def check(inv: Invoice) -> list[Issue]:
    p = Paths.of(inv)
    out: list[Issue] = []
    t = inv.totals
    line_sum = _ZERO
    for ln in inv.lines:
        if ln.line_extension is not None:
            line_sum += ln.line_extension
    allowances = [ac.amount for ac in inv.allowances_charges if ac.is_charge is False and ac.amount is not None]
    charges = [ac.amount for ac in inv.allowances_charges if ac.is_charge is True and ac.amount is not None]
    vat = inv.vat_total
    if t is not None:
        if t.line_extension is not None and t.line_extension != r2(line_sum):
            out.append(finding("BR-CO-10", p.total("LineExtensionAmount"), _differs(t.line_extension, line_sum)))
        for rule, total, parts, tag in (
            ("BR-CO-11", t.allowance_total, allowances, "AllowanceTotalAmount"),
            ("BR-CO-12", t.charge_total, charges, "ChargeTotalAmount"),
        ):
            expected = sum(parts, _ZERO)
            if (total is None and parts) or (total is not None and total != r2(expected)):
                out.append(finding(rule, p.total(tag), _differs(total, expected) if total is not None else "absent"))
        if t.tax_exclusive is not None:
            expected = line_sum - (t.allowance_total or _ZERO) + (t.charge_total or _ZERO)
            if t.tax_exclusive != r2(expected):
                out.append(finding("BR-CO-13", p.total("TaxExclusiveAmount"), _differs(t.tax_exclusive, expected)))
        if t.tax_inclusive is not None and t.tax_exclusive is not None:
            vat_amount = vat.amount if vat is not None and vat.amount is not None else _ZERO
            expected = t.tax_exclusive + vat_amount
            if t.tax_inclusive != r2(expected):
                out.append(finding("BR-CO-15", p.total("TaxInclusiveAmount"), _differs(t.tax_inclusive, expected)))
        if t.payable is not None and t.tax_inclusive is not None:
            expected = t.tax_inclusive - (t.prepaid or _ZERO) + (t.rounding or _ZERO)
            if t.payable != r2(expected):
                out.append(finding("BR-CO-16", p.total("PayableAmount"), _differs(t.payable, expected)))
    if vat is not None and vat.subtotals and vat.amount is not None:
        expected = sum((st.tax for st in vat.subtotals if st.tax is not None), _ZERO)
        if vat.amount != r2(expected):
            out.append(finding("BR-CO-14", p.at("cac:TaxTotal/cbc:TaxAmount"), _differs(vat.amount, expected)))
    for i, st in enumerate(vat.subtotals if vat is not None else (), 1):
        pct = st.category.percent
        if st.taxable is None or st.tax is None or pct is None:
            continue
        expected = r2(abs(st.taxable) * pct / _HUNDRED)
        if not (abs(st.tax) - _ONE < expected < abs(st.tax) + _ONE):
            out.append(finding("BR-CO-17", p.subtotal(i, "cbc:TaxAmount"), _differs(st.tax, expected)))
    return out
