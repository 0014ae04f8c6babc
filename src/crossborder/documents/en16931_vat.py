"""EN 16931 rules per VAT category: BR-S-* (standard rated), BR-Z-* (zero rated), BR-E-* (exempt),
BR-AE-* (reverse charge), BR-O-* (not subject to VAT). One pass over lines and document level
allowances/charges accumulates the taxable base per (category, rate); the breakdown is then checked
against those sums, so the cost stays linear however long the invoice is."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from crossborder.documents.en16931_calc import r2
from crossborder.documents.en16931_texts import finding
from crossborder.documents.issues import Issue
from crossborder.documents.ubl_model import Invoice, TaxCategory
from crossborder.documents.ubl_paths import Paths

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_CODES = ("S", "Z", "E", "AE", "O")
_ZERO_RATED = frozenset({"Z", "E", "AE"})  # rate must be 0 (-05/-06/-07)
_NEEDS_REASON = frozenset({"E", "AE", "O"})  # -10: exemption reason required
_NO_REASON = frozenset({"S", "Z"})  # -10: exemption reason forbidden
_SELLER_VAT = frozenset({"S", "Z", "E", "AE"})  # -02: seller VAT id or tax registration id required


def _rate_ok(code: str, percent: Decimal | None) -> bool:
    if code == "S":
        return percent is not None and percent > _ZERO
    if code in _ZERO_RATED:
        return percent is not None and percent == _ZERO
    return percent is None  # "O": no rate at all


def _key(tax: TaxCategory) -> tuple[str, Decimal | None]:
    return tax.code or "", None if tax.percent is None else tax.percent.normalize()


def check(inv: Invoice) -> list[Issue]:
    p = Paths.of(inv)
    out: list[Issue] = []
    base: dict[tuple[str, Decimal | None], Decimal] = {}
    used: set[str] = set()
    line_codes: set[str] = set()
    for i, ln in enumerate(inv.lines, 1):
        if ln.tax is None or ln.tax.code is None:
            continue
        code = ln.tax.code
        used.add(code)
        line_codes.add(code)
        k = _key(ln.tax)
        base[k] = base.get(k, _ZERO) + (ln.line_extension or _ZERO)
        if code in _CODES and not _rate_ok(code, ln.tax.percent):
            out.append(
                finding(
                    f"BR-{code}-05", p.line(i, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"), str(ln.tax.percent)
                )
            )
    for i, ac in enumerate(inv.allowances_charges, 1):
        if ac.tax is None or ac.tax.code is None or ac.is_charge is None:
            continue
        code = ac.tax.code
        used.add(code)
        k = _key(ac.tax)
        amount = ac.amount or _ZERO
        base[k] = base.get(k, _ZERO) + (amount if ac.is_charge else -amount)
        if code in _CODES and not _rate_ok(code, ac.tax.percent):
            rule = f"BR-{code}-07" if ac.is_charge else f"BR-{code}-06"
            out.append(finding(rule, p.doc_ac(i, "cac:TaxCategory/cbc:Percent"), str(ac.tax.percent)))
    vat = inv.vat_total
    subtotals = vat.subtotals if vat is not None else ()
    per_code = Counter(st.category.code for st in subtotals)
    for code in _CODES:
        if code in used and (per_code[code] == 0 if code == "S" else per_code[code] != 1):
            out.append(finding(f"BR-{code}-01", p.at("cac:TaxTotal"), f"{per_code[code]} breakdown(s) with {code}"))
    seller, buyer = inv.seller, inv.buyer
    seller_vat = seller is not None and (seller.vat_id is not None or seller.tax_registration_id is not None)
    for code in sorted(line_codes & _SELLER_VAT):
        buyer_ok = buyer is not None and (buyer.vat_id is not None or buyer.legal_id is not None)
        if not seller_vat or (code == "AE" and not buyer_ok):
            out.append(finding(f"BR-{code}-02", p.at("cac:AccountingSupplierParty")))
    if "O" in line_codes and (
        (seller is not None and seller.vat_id is not None) or (buyer is not None and buyer.vat_id is not None)
    ):
        out.append(finding("BR-O-02", p.at("cac:AccountingSupplierParty")))
    for i, st in enumerate(subtotals, 1):
        if st.category.code not in _CODES:
            continue
        code = st.category.code
        expected = base.get(_key(st.category), _ZERO)
        if st.taxable is not None:
            # BR-S-08 keeps the CEN Schematron's tolerance of one currency unit; the others compare exactly.
            off = abs(st.taxable - r2(expected)) >= _ONE if code == "S" else st.taxable != r2(expected)
            if off:
                out.append(
                    finding(
                        f"BR-{code}-08", p.subtotal(i, "cbc:TaxableAmount"), f"{st.taxable}, expected {r2(expected)}"
                    )
                )
        if st.tax is not None:
            if code == "S":
                pct = st.category.percent
                if st.taxable is not None and pct is not None:
                    exp_tax = r2(abs(st.taxable) * pct / _HUNDRED)
                    if not (abs(st.tax) - _ONE < exp_tax < abs(st.tax) + _ONE):
                        out.append(finding("BR-S-09", p.subtotal(i, "cbc:TaxAmount"), f"{st.tax}, expected {exp_tax}"))
            elif st.tax != _ZERO:
                out.append(finding(f"BR-{code}-09", p.subtotal(i, "cbc:TaxAmount"), str(st.tax)))
        has_reason = st.category.exemption_reason is not None or st.category.exemption_reason_code is not None
        if (code in _NO_REASON and has_reason) or (code in _NEEDS_REASON and not has_reason):
            out.append(finding(f"BR-{code}-10", p.subtotal(i, "cac:TaxCategory")))
    if per_code["O"]:
        if len(subtotals) > 1:
            out.append(finding("BR-O-11", p.at("cac:TaxTotal"), f"{len(subtotals)} breakdowns"))
        if line_codes - {"O"}:
            out.append(finding("BR-O-12", p.at(p.line_name), ", ".join(sorted(line_codes - {"O"}))))
    return out
