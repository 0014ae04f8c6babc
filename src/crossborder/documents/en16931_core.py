"""EN 16931 presence rules (BR-01..BR-63), the non-arithmetic BR-CO rules and the decimals rules
(BR-DEC-*). One pass over the lines; each rule fires only where its official context exists
(BR-09 only when the seller has a postal address, ...), as the CEN Schematron does."""

from __future__ import annotations

from decimal import Decimal

from crossborder.documents.en16931_texts import finding
from crossborder.documents.issues import Issue
from crossborder.documents.ubl_model import AllowanceCharge, Invoice
from crossborder.documents.ubl_paths import Paths

_CREDIT_TRANSFER = frozenset({"30", "58"})  # UNCL4461: credit transfer, SEPA credit transfer (BR-61)
_ZERO = Decimal(0)


def too_many_decimals(value: Decimal | None) -> bool:
    """BR-DEC: at most two decimals as written (the Schematron counts characters after the point)."""
    if value is None:
        return False
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent < -2


def _header(inv: Invoice, p: Paths, out: list[Issue]) -> None:
    for rule, value, tail in (
        ("BR-01", inv.customization_id, "cbc:CustomizationID"),
        ("BR-02", inv.id, "cbc:ID"),
        ("BR-03", inv.issue_date, "cbc:IssueDate"),
        ("BR-04", inv.type_code, "cbc:InvoiceTypeCode" if inv.kind == "Invoice" else "cbc:CreditNoteTypeCode"),
        ("BR-05", inv.currency, "cbc:DocumentCurrencyCode"),
    ):
        if value is None:
            out.append(finding(rule, p.at(tail)))
    seller, buyer = inv.seller, inv.buyer
    if seller is None or seller.name is None:
        out.append(finding("BR-06", p.at("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity")))
    if buyer is None or buyer.name is None:
        out.append(finding("BR-07", p.at("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity")))
    if seller is None or seller.address is None:
        out.append(finding("BR-08", p.at("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")))
    elif seller.address.country is None:
        out.append(finding("BR-09", p.at("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country")))
    if buyer is None or buyer.address is None:
        out.append(finding("BR-10", p.at("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")))
    elif buyer.address.country is None:
        out.append(finding("BR-11", p.at("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country")))
    if seller is not None:
        if seller.endpoint_id is not None and not seller.endpoint_scheme:
            out.append(finding("BR-62", p.at("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID/@schemeID")))
        if seller.identifier is None and seller.legal_id is None and seller.vat_id is None:
            out.append(finding("BR-CO-26", p.at("cac:AccountingSupplierParty")))
    if buyer is not None and buyer.endpoint_id is not None and not buyer.endpoint_scheme:
        out.append(finding("BR-63", p.at("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID")))
    if inv.has_period:
        if inv.period_start is None and inv.period_end is None:
            out.append(finding("BR-CO-19", p.at("cac:InvoicePeriod")))
        elif inv.period_start and inv.period_end and inv.period_end < inv.period_start:
            out.append(finding("BR-29", p.at("cac:InvoicePeriod/cbc:EndDate"), f"{inv.period_start}..{inv.period_end}"))
    for i, pm in enumerate(inv.payment_means, 1):
        if pm.code is None:
            out.append(finding("BR-49", p.at(f"cac:PaymentMeans[{i}]/cbc:PaymentMeansCode")))
        elif pm.code in _CREDIT_TRANSFER and pm.account_id is None:
            out.append(finding("BR-61", p.at(f"cac:PaymentMeans[{i}]/cac:PayeeFinancialAccount/cbc:ID")))
    if inv.tax_currency is not None and inv.vat_total_in_tax_currency is None:
        out.append(finding("BR-53", p.at("cac:TaxTotal")))


def _totals(inv: Invoice, p: Paths, out: list[Issue]) -> None:
    t = inv.totals
    if t is None:
        return  # the XSD reports a missing LegalMonetaryTotal
    for rule, value, tag in (
        ("BR-12", t.line_extension, "LineExtensionAmount"),
        ("BR-13", t.tax_exclusive, "TaxExclusiveAmount"),
        ("BR-14", t.tax_inclusive, "TaxInclusiveAmount"),
        ("BR-15", t.payable, "PayableAmount"),
    ):
        if value is None:
            out.append(finding(rule, p.total(tag)))
    for rule, value, tag in (
        ("BR-DEC-09", t.line_extension, "LineExtensionAmount"),
        ("BR-DEC-10", t.allowance_total, "AllowanceTotalAmount"),
        ("BR-DEC-11", t.charge_total, "ChargeTotalAmount"),
        ("BR-DEC-12", t.tax_exclusive, "TaxExclusiveAmount"),
        ("BR-DEC-14", t.tax_inclusive, "TaxInclusiveAmount"),
        ("BR-DEC-16", t.prepaid, "PrepaidAmount"),
        ("BR-DEC-17", t.rounding, "PayableRoundingAmount"),
        ("BR-DEC-18", t.payable, "PayableAmount"),
    ):
        if too_many_decimals(value):
            out.append(finding(rule, p.total(tag), str(value)))
    if t.payable is not None and t.payable > _ZERO and inv.due_date is None and inv.payment_terms is None:
        out.append(finding("BR-CO-25", p.at("cbc:DueDate")))


def _tax(inv: Invoice, p: Paths, out: list[Issue]) -> None:
    vat = inv.vat_total
    if vat is not None and too_many_decimals(vat.amount):
        out.append(finding("BR-DEC-13", p.at("cac:TaxTotal/cbc:TaxAmount"), str(vat.amount)))
    other = inv.vat_total_in_tax_currency
    if other is not None and too_many_decimals(other.amount):
        out.append(finding("BR-DEC-15", p.at("cac:TaxTotal/cbc:TaxAmount"), str(other.amount)))
    subtotals = vat.subtotals if vat is not None else ()
    if not subtotals:
        out.append(finding("BR-CO-18", p.at("cac:TaxTotal/cac:TaxSubtotal")))
    for i, st in enumerate(subtotals, 1):
        if st.taxable is None:
            out.append(finding("BR-45", p.subtotal(i, "cbc:TaxableAmount")))
        elif too_many_decimals(st.taxable):
            out.append(finding("BR-DEC-19", p.subtotal(i, "cbc:TaxableAmount"), str(st.taxable)))
        if st.tax is None:
            out.append(finding("BR-46", p.subtotal(i, "cbc:TaxAmount")))
        elif too_many_decimals(st.tax):
            out.append(finding("BR-DEC-20", p.subtotal(i, "cbc:TaxAmount"), str(st.tax)))
        if st.category.code is None:
            out.append(finding("BR-47", p.subtotal(i, "cac:TaxCategory/cbc:ID")))
        elif st.category.percent is None and st.category.code != "O":
            out.append(finding("BR-48", p.subtotal(i, "cac:TaxCategory/cbc:Percent")))


# rule ids per kind: (amount missing, reason missing, reason or code (BR-CO), amount decimals, base decimals)
_DOC_AC = {
    True: ("BR-36", "BR-38", "BR-CO-22", "BR-DEC-05", "BR-DEC-06"),
    False: ("BR-31", "BR-33", "BR-CO-21", "BR-DEC-01", "BR-DEC-02"),
}
_LINE_AC = {
    True: ("BR-43", "BR-44", "BR-CO-24", "BR-DEC-27", "BR-DEC-28"),
    False: ("BR-41", "BR-42", "BR-CO-23", "BR-DEC-24", "BR-DEC-25"),
}


def _allowance_charge(ac: AllowanceCharge, path: str, rules: tuple[str, ...], out: list[Issue]) -> None:
    missing_amount, missing_reason, reason_co, dec_amount, dec_base = rules
    if ac.amount is None:
        out.append(finding(missing_amount, f"{path}/cbc:Amount"))
    elif too_many_decimals(ac.amount):
        out.append(finding(dec_amount, f"{path}/cbc:Amount", str(ac.amount)))
    if too_many_decimals(ac.base_amount):
        out.append(finding(dec_base, f"{path}/cbc:BaseAmount", str(ac.base_amount)))
    if ac.reason is None and ac.reason_code is None:
        out.append(finding(missing_reason, f"{path}/cbc:AllowanceChargeReason"))
        out.append(finding(reason_co, f"{path}/cbc:AllowanceChargeReason"))


def check(inv: Invoice) -> list[Issue]:
    p = Paths.of(inv)
    out: list[Issue] = []
    _header(inv, p, out)
    _totals(inv, p, out)
    _tax(inv, p, out)
    for i, ac in enumerate(inv.allowances_charges, 1):
        if ac.is_charge is None:
            continue  # PEPPOL-EN16931-R043 already reported it
        _allowance_charge(ac, p.doc_ac(i), _DOC_AC[ac.is_charge], out)
        if ac.tax is None or ac.tax.code is None:
            out.append(finding("BR-37" if ac.is_charge else "BR-32", p.doc_ac(i, "cac:TaxCategory/cbc:ID")))
    if not inv.lines:
        out.append(finding("BR-16", p.line(1)))
    for i, ln in enumerate(inv.lines, 1):
        if ln.id is None:
            out.append(finding("BR-21", p.line(i, "cbc:ID")))
        if ln.quantity is None:
            out.append(finding("BR-22", p.line(i)))
        elif ln.unit_code is None:
            out.append(finding("BR-23", p.line(i)))
        if ln.line_extension is None:
            out.append(finding("BR-24", p.line(i, "cbc:LineExtensionAmount")))
        elif too_many_decimals(ln.line_extension):
            out.append(finding("BR-DEC-23", p.line(i, "cbc:LineExtensionAmount"), str(ln.line_extension)))
        if ln.name is None:
            out.append(finding("BR-25", p.line(i, "cac:Item/cbc:Name")))
        if ln.price is None:
            out.append(finding("BR-26", p.line(i, "cac:Price/cbc:PriceAmount")))
        elif ln.price < _ZERO:
            out.append(finding("BR-27", p.line(i, "cac:Price/cbc:PriceAmount"), str(ln.price)))
        gross = ln.price_discount.base_amount if ln.price_discount is not None else None
        if gross is not None and gross < _ZERO:
            out.append(finding("BR-28", p.line(i, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount"), str(gross)))
        if ln.has_period:
            if ln.period_start is None and ln.period_end is None:
                out.append(finding("BR-CO-20", p.line(i, "cac:InvoicePeriod")))
            elif ln.period_start and ln.period_end and ln.period_end < ln.period_start:
                out.append(finding("BR-30", p.line(i, "cac:InvoicePeriod/cbc:EndDate")))
        if ln.tax is None or ln.tax.code is None:
            out.append(finding("BR-CO-04", p.line(i, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID")))
        for j, ac in enumerate(ln.allowances_charges, 1):
            if ac.is_charge is not None:
                _allowance_charge(ac, p.line(i, f"cac:AllowanceCharge[{j}]"), _LINE_AC[ac.is_charge], out)
    return out
