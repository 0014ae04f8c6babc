"""Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-Rnnn) on top of EN 16931. R051 (currencyID) and
R043 (ChargeIndicator) are checked while parsing, R008 (empty elements) on the XML tree."""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from crossborder.documents.en16931_texts import finding
from crossborder.documents.issues import Issue
from crossborder.documents.ubl_model import CUSTOMIZATION_ID, AllowanceCharge, Invoice
from crossborder.documents.ubl_paths import Paths

_PROFILE = re.compile(r"urn:fdc:peppol\.eu:2017:poacc:billing:\d\d:1\.0")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_SLACK = Decimal("0.02")  # the Peppol Schematron's u:slack tolerance for R040 and R120
_EMPTY = etree.XPath("//*[not(*) and not(normalize-space())]")
_MAX_EMPTY_REPORTED = 50


def empty_elements(root: etree._Element) -> list[Issue]:
    """PEPPOL-EN16931-R008, evaluated by libxml2 in one walk of the tree."""
    found = _EMPTY(root)
    assert isinstance(found, list)
    tree = root.getroottree()
    return [
        finding("PEPPOL-EN16931-R008", tree.getpath(el))
        for el in found[:_MAX_EMPTY_REPORTED]
        if isinstance(el, etree._Element)
    ]


def _ac_rules(ac: AllowanceCharge, path: str, out: list[Issue]) -> None:
    if ac.percent is not None and ac.base_amount is None:
        out.append(finding("PEPPOL-EN16931-R041", f"{path}/cbc:BaseAmount"))
    if ac.base_amount is not None and ac.percent is None:
        out.append(finding("PEPPOL-EN16931-R042", f"{path}/cbc:MultiplierFactorNumeric"))
    if ac.base_amount is not None and ac.percent is not None and ac.amount is not None:
        expected = ac.base_amount * ac.percent / _HUNDRED
        if abs(ac.amount - expected) > _SLACK:
            out.append(finding("PEPPOL-EN16931-R040", f"{path}/cbc:Amount", f"{ac.amount}, expected {expected}"))


def check(inv: Invoice) -> list[Issue]:
    p = Paths.of(inv)
    out: list[Issue] = []
    if inv.profile_id is None:
        out.append(finding("PEPPOL-EN16931-R001", p.at("cbc:ProfileID")))
    elif not _PROFILE.fullmatch(inv.profile_id):
        out.append(finding("PEPPOL-EN16931-R007", p.at("cbc:ProfileID"), inv.profile_id))
    if inv.customization_id is not None and not inv.customization_id.startswith(CUSTOMIZATION_ID):
        out.append(finding("PEPPOL-EN16931-R004", p.at("cbc:CustomizationID"), inv.customization_id))
    if inv.buyer_reference is None and inv.order_reference is None:
        out.append(finding("PEPPOL-EN16931-R003", p.at("cbc:BuyerReference")))
    if inv.tax_currency is not None and inv.tax_currency == inv.currency:
        out.append(finding("PEPPOL-EN16931-R005", p.at("cbc:TaxCurrencyCode"), inv.tax_currency))
    if inv.buyer is not None and inv.buyer.endpoint_id is None:
        out.append(finding("PEPPOL-EN16931-R010", p.at("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID")))
    if inv.seller is not None and inv.seller.endpoint_id is None:
        out.append(finding("PEPPOL-EN16931-R020", p.at("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID")))
    with_subtotals = sum(1 for t in inv.tax_totals if t.subtotals)
    if with_subtotals != 1:
        out.append(finding("PEPPOL-EN16931-R053", p.at("cac:TaxTotal"), f"{with_subtotals} tax totals with subtotals"))
    without = sum(1 for t in inv.tax_totals if not t.subtotals)
    if without != (1 if inv.tax_currency is not None else 0):
        out.append(finding("PEPPOL-EN16931-R054", p.at("cac:TaxTotal"), f"{without} tax totals without subtotals"))
    vat, other = inv.vat_total, inv.vat_total_in_tax_currency
    if (
        vat is not None
        and other is not None
        and vat.amount is not None
        and other.amount is not None
        and (vat.amount < _ZERO) != (other.amount < _ZERO)
    ):
        out.append(finding("PEPPOL-EN16931-R055", p.at("cac:TaxTotal/cbc:TaxAmount")))
    for i, ac in enumerate(inv.allowances_charges, 1):
        _ac_rules(ac, p.doc_ac(i), out)
    start, end = (inv.period_start, inv.period_end) if inv.has_period else (None, None)
    for i, ln in enumerate(inv.lines, 1):
        net_extra = _ZERO
        for j, ac in enumerate(ln.allowances_charges, 1):
            _ac_rules(ac, p.line(i, f"cac:AllowanceCharge[{j}]"), out)
            if ac.amount is not None and ac.is_charge is not None:
                net_extra += ac.amount if ac.is_charge else -ac.amount
        d = ln.price_discount
        if d is not None:
            if d.is_charge:
                path = p.line(i, "cac:Price/cac:AllowanceCharge/cbc:ChargeIndicator")
                out.append(finding("PEPPOL-EN16931-R044", path))
            if d.base_amount is not None and ln.price is not None and ln.price != d.base_amount - (d.amount or _ZERO):
                out.append(finding("PEPPOL-EN16931-R046", p.line(i, "cac:Price/cbc:PriceAmount"), str(ln.price)))
        if ln.base_quantity is not None:
            if ln.base_quantity <= _ZERO:
                out.append(
                    finding("PEPPOL-EN16931-R121", p.line(i, "cac:Price/cbc:BaseQuantity"), str(ln.base_quantity))
                )
            if ln.base_quantity_unit is not None and ln.base_quantity_unit != ln.unit_code:
                out.append(
                    finding(
                        "PEPPOL-EN16931-R130",
                        p.line(i, "cac:Price/cbc:BaseQuantity/@unitCode"),
                        f"{ln.base_quantity_unit} vs {ln.unit_code}",
                    )
                )
        if ln.quantity is not None and ln.price is not None and ln.line_extension is not None:
            per = ln.base_quantity if ln.base_quantity is not None and ln.base_quantity > _ZERO else Decimal(1)
            expected = ln.quantity * (ln.price / per) + net_extra
            if abs(ln.line_extension - expected) > _SLACK:
                out.append(
                    finding(
                        "PEPPOL-EN16931-R120",
                        p.line(i, "cbc:LineExtensionAmount"),
                        f"{ln.line_extension}, expected {expected}",
                    )
                )
        if ln.has_period:
            if start is not None and ln.period_start is not None and ln.period_start < start:
                out.append(finding("PEPPOL-EN16931-R110", p.line(i, "cac:InvoicePeriod/cbc:StartDate")))
            if end is not None and ln.period_end is not None and ln.period_end > end:
                out.append(finding("PEPPOL-EN16931-R111", p.line(i, "cac:InvoicePeriod/cbc:EndDate")))
    return out
