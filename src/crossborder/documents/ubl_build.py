"""Model -> UBL 2.1 XML (Peppol BIS Billing 3.0). `compute` derives every calculated term from the
inputs (line net amounts, the VAT breakdown per category and rate, the document totals) with the
rounding the EN 16931 rules check, so a built invoice is valid by construction; `build_ubl` writes
the elements in the order the UBL 2.1 XSD sequence requires."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.documents.ubl_model import (
    Address,
    AllowanceCharge,
    Invoice,
    Line,
    Party,
    TaxCategory,
    TaxSubtotal,
    TaxTotal,
    Totals,
)
from crossborder.documents.ubl_names import NS_INVOICE, NSMAP, cac, cbc

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_ZERO = Decimal("0.00")
# Categories whose tax amount is zero by rule (BR-Z-09, BR-E-09, BR-AE-09, BR-K-09, BR-G-09, BR-O-09).
_ZERO_TAX = frozenset({"Z", "E", "AE", "K", "G", "O"})
# Default exemption reason codes from the CEF VATEX code list where EN 16931 requires one
# (BR-AE-10, BR-O-10); an exemption (E) must state its own legal reason, so it has no default.
_DEFAULT_VATEX = {"AE": ("VATEX-EU-AE", "Reverse charge"), "O": ("VATEX-EU-O", "Not subject to VAT")}


def q2(value: Decimal) -> Decimal:
    """Two decimals, half up: the most EN 16931 allows for amounts (BR-DEC-*)."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _sum(values: list[Decimal]) -> Decimal:
    return sum(values, _ZERO)


def _charge(ac: AllowanceCharge) -> AllowanceCharge:
    amount = ac.amount
    if ac.percent is not None and ac.base_amount is not None:
        amount = ac.base_amount * ac.percent / _HUNDRED  # PEPPOL-EN16931-R040
    if amount is None:
        raise ValidationFailed("allowance/charge without amount", errors=[FieldError("amount", "required", None)])
    return replace(ac, amount=q2(amount))


def _line(line: Line, index: int) -> Line:
    if line.quantity is None or line.price is None:
        raise ValidationFailed(
            "incomplete invoice line",
            errors=[FieldError(f"lines[{index}]", "quantity and price are required", None)],
        )
    acs = tuple(_charge(ac) for ac in line.allowances_charges)
    base = line.base_quantity if line.base_quantity is not None else Decimal(1)
    net = line.quantity * line.price / base
    for ac in acs:
        assert ac.amount is not None
        net += ac.amount if ac.is_charge else -ac.amount
    return replace(line, allowances_charges=acs, line_extension=q2(net))


def _key(tax: TaxCategory | None) -> tuple[str, Decimal | None]:
    if tax is None or tax.code is None:
        raise ValidationFailed("missing VAT category", errors=[FieldError("tax.code", "required (BR-CO-04)", None)])
    return tax.code, (None if tax.percent is None else tax.percent.normalize())


def compute(invoice: Invoice) -> Invoice:
    """Fill in every derived amount. Idempotent: computing a computed invoice changes nothing."""
    lines = tuple(_line(line, i) for i, line in enumerate(invoice.lines))
    doc_acs = tuple(_charge(ac) for ac in invoice.allowances_charges)
    old = {_key(s.category): s.category for t in invoice.tax_totals for s in t.subtotals}
    taxable: dict[tuple[str, Decimal | None], Decimal] = {}
    cats: dict[tuple[str, Decimal | None], TaxCategory] = {}
    for line in lines:
        k = _key(line.tax)
        assert line.line_extension is not None and line.tax is not None
        taxable[k] = taxable.get(k, _ZERO) + line.line_extension
        cats.setdefault(k, line.tax)
    for ac in doc_acs:
        k = _key(ac.tax)
        assert ac.amount is not None and ac.tax is not None
        taxable[k] = taxable.get(k, _ZERO) + (ac.amount if ac.is_charge else -ac.amount)
        cats.setdefault(k, ac.tax)
    subtotals = []
    for k, base in taxable.items():
        code, pct = k
        tax = _ZERO if code in _ZERO_TAX or pct is None else q2(base * pct / _HUNDRED)
        prev = old.get(k)
        reason_code = prev.exemption_reason_code if prev else None
        reason = prev.exemption_reason if prev else None
        if reason_code is None and reason is None and code in _DEFAULT_VATEX:
            reason_code, reason = _DEFAULT_VATEX[code]
        cat = TaxCategory(code, cats[k].percent, reason_code, reason)
        subtotals.append(TaxSubtotal(q2(base), tax, cat))
    allowances = [ac.amount for ac in doc_acs if not ac.is_charge and ac.amount is not None]
    charges = [ac.amount for ac in doc_acs if ac.is_charge and ac.amount is not None]
    line_total = _sum([ln.line_extension for ln in lines if ln.line_extension is not None])
    exclusive = line_total - _sum(allowances) + _sum(charges)
    tax_total = _sum([s.tax for s in subtotals if s.tax is not None])
    inclusive = exclusive + tax_total
    prev_totals = invoice.totals or Totals()
    prepaid = q2(prev_totals.prepaid) if prev_totals.prepaid is not None else None
    rounding = q2(prev_totals.rounding) if prev_totals.rounding is not None else None
    payable = inclusive - (prepaid or _ZERO) + (rounding or _ZERO)
    totals = Totals(
        line_extension=line_total,
        tax_exclusive=exclusive,
        tax_inclusive=inclusive,
        allowance_total=_sum(allowances) if allowances else None,
        charge_total=_sum(charges) if charges else None,
        prepaid=prepaid,
        rounding=rounding,
        payable=payable,
    )
    vat = TaxTotal(tax_total, invoice.currency, tuple(subtotals))
    extra = tuple(t for t in invoice.tax_totals if t.currency not in (None, invoice.currency))
    return replace(invoice, lines=lines, allowances_charges=doc_acs, tax_totals=(vat, *extra), totals=totals)


# ---- serialisation -------------------------------------------------------------------------------


def _text(parent: etree._Element, tag: str, value: str | None, **attrs: str | None) -> None:
    if value is None or value == "":
        return  # PEPPOL-EN16931-R008: never write an empty element
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    el.text = value


def _amount(parent: etree._Element, tag: str, value: Decimal | None, currency: str) -> None:
    if value is not None:
        _text(parent, tag, format(q2(value), "f"), currencyID=currency)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _address(parent: etree._Element, tag: str, a: Address) -> None:
    el = etree.SubElement(parent, tag)
    _text(el, cbc("StreetName"), a.street)
    _text(el, cbc("AdditionalStreetName"), a.additional_street)
    _text(el, cbc("CityName"), a.city)
    _text(el, cbc("PostalZone"), a.postal_zone)
    _text(el, cbc("CountrySubentity"), a.subdivision)
    if a.country:
        _text(etree.SubElement(el, cac("Country")), cbc("IdentificationCode"), a.country)


def _tax_scheme(parent: etree._Element, scheme: str) -> None:
    _text(etree.SubElement(parent, cac("TaxScheme")), cbc("ID"), scheme)


def _party(root: etree._Element, tag: str, p: Party) -> None:
    party = etree.SubElement(etree.SubElement(root, tag), cac("Party"))
    _text(party, cbc("EndpointID"), p.endpoint_id, schemeID=p.endpoint_scheme)
    if p.identifier:
        ident = etree.SubElement(party, cac("PartyIdentification"))
        _text(ident, cbc("ID"), p.identifier, schemeID=p.identifier_scheme)
    if p.trading_name:
        _text(etree.SubElement(party, cac("PartyName")), cbc("Name"), p.trading_name)
    if p.address:
        _address(party, cac("PostalAddress"), p.address)
    for company_id, scheme in ((p.vat_id, "VAT"), (p.tax_registration_id, "TAX")):
        if company_id:
            pts = etree.SubElement(party, cac("PartyTaxScheme"))
            _text(pts, cbc("CompanyID"), company_id)
            _tax_scheme(pts, scheme)
    if p.name or p.legal_id:
        ple = etree.SubElement(party, cac("PartyLegalEntity"))
        _text(ple, cbc("RegistrationName"), p.name)
        _text(ple, cbc("CompanyID"), p.legal_id, schemeID=p.legal_id_scheme)
    if p.contact_name or p.contact_phone or p.contact_email:
        contact = etree.SubElement(party, cac("Contact"))
        _text(contact, cbc("Name"), p.contact_name)
        _text(contact, cbc("Telephone"), p.contact_phone)
        _text(contact, cbc("ElectronicMail"), p.contact_email)


def _tax_category(parent: etree._Element, tag: str, t: TaxCategory, *, reasons: bool) -> None:
    el = etree.SubElement(parent, tag)
    _text(el, cbc("ID"), t.code)
    _text(el, cbc("Percent"), _num(t.percent))
    if reasons:
        _text(el, cbc("TaxExemptionReasonCode"), t.exemption_reason_code)
        _text(el, cbc("TaxExemptionReason"), t.exemption_reason)
    _tax_scheme(el, "VAT")


def _allowance_charge(parent: etree._Element, ac: AllowanceCharge, currency: str) -> None:
    el = etree.SubElement(parent, cac("AllowanceCharge"))
    _text(el, cbc("ChargeIndicator"), "true" if ac.is_charge else "false")
    _text(el, cbc("AllowanceChargeReasonCode"), ac.reason_code)
    _text(el, cbc("AllowanceChargeReason"), ac.reason)
    _text(el, cbc("MultiplierFactorNumeric"), _num(ac.percent))
    _amount(el, cbc("Amount"), ac.amount, currency)
    _amount(el, cbc("BaseAmount"), ac.base_amount, currency)
    if ac.tax is not None:
        _tax_category(el, cac("TaxCategory"), ac.tax, reasons=False)


def _period(parent: etree._Element, start: date | None, end: date | None) -> None:
    el = etree.SubElement(parent, cac("InvoicePeriod"))
    _text(el, cbc("StartDate"), _date(start))
    _text(el, cbc("EndDate"), _date(end))


def _line_xml(root: etree._Element, ln: Line, currency: str) -> None:
    el = etree.SubElement(root, cac("InvoiceLine"))
    _text(el, cbc("ID"), ln.id)
    _text(el, cbc("Note"), ln.note)
    _text(el, cbc("InvoicedQuantity"), _num(ln.quantity), unitCode=ln.unit_code)
    _amount(el, cbc("LineExtensionAmount"), ln.line_extension, currency)
    if ln.has_period:
        _period(el, ln.period_start, ln.period_end)
    for ac in ln.allowances_charges:
        _allowance_charge(el, ac, currency)
    item = etree.SubElement(el, cac("Item"))
    _text(item, cbc("Description"), ln.description)
    _text(item, cbc("Name"), ln.name)
    if ln.seller_item_id:
        _text(etree.SubElement(item, cac("SellersItemIdentification")), cbc("ID"), ln.seller_item_id)
    if ln.tax is not None:
        _tax_category(item, cac("ClassifiedTaxCategory"), ln.tax, reasons=False)
    price = etree.SubElement(el, cac("Price"))
    _text(price, cbc("PriceAmount"), _num(ln.price), currencyID=currency)
    _text(price, cbc("BaseQuantity"), _num(ln.base_quantity), unitCode=ln.base_quantity_unit)
    if ln.price_discount is not None:
        d = ln.price_discount
        pac = etree.SubElement(price, cac("AllowanceCharge"))
        _text(pac, cbc("ChargeIndicator"), "false")  # PEPPOL-EN16931-R044: only discounts on price level
        _text(pac, cbc("Amount"), _num(d.amount), currencyID=currency)
        _text(pac, cbc("BaseAmount"), _num(d.base_amount), currencyID=currency)


def to_xml(invoice: Invoice) -> etree._Element:
    """Serialise an already computed invoice (see `compute`)."""
    inv = invoice
    cur = inv.currency or ""
    root = etree.Element("{" + NS_INVOICE + "}Invoice", nsmap=NSMAP)
    _text(root, cbc("CustomizationID"), inv.customization_id)
    _text(root, cbc("ProfileID"), inv.profile_id)
    _text(root, cbc("ID"), inv.id)
    _text(root, cbc("IssueDate"), _date(inv.issue_date))
    _text(root, cbc("DueDate"), _date(inv.due_date))
    _text(root, cbc("InvoiceTypeCode"), inv.type_code)
    for note in inv.notes:
        _text(root, cbc("Note"), note)
    _text(root, cbc("TaxPointDate"), _date(inv.tax_point_date))
    _text(root, cbc("DocumentCurrencyCode"), inv.currency)
    _text(root, cbc("TaxCurrencyCode"), inv.tax_currency)
    _text(root, cbc("AccountingCost"), inv.accounting_cost)
    _text(root, cbc("BuyerReference"), inv.buyer_reference)
    if inv.has_period:
        _period(root, inv.period_start, inv.period_end)
    if inv.order_reference:
        _text(etree.SubElement(root, cac("OrderReference")), cbc("ID"), inv.order_reference)
    if inv.preceding_invoice:
        ref = etree.SubElement(etree.SubElement(root, cac("BillingReference")), cac("InvoiceDocumentReference"))
        _text(ref, cbc("ID"), inv.preceding_invoice)
    if inv.seller:
        _party(root, cac("AccountingSupplierParty"), inv.seller)
    if inv.buyer:
        _party(root, cac("AccountingCustomerParty"), inv.buyer)
    if inv.delivery_date or inv.delivery_country:
        delivery = etree.SubElement(root, cac("Delivery"))
        _text(delivery, cbc("ActualDeliveryDate"), _date(inv.delivery_date))
        if inv.delivery_country:
            _address(
                etree.SubElement(delivery, cac("DeliveryLocation")),
                cac("Address"),
                Address(country=inv.delivery_country),
            )
    for pm in inv.payment_means:
        el = etree.SubElement(root, cac("PaymentMeans"))
        _text(el, cbc("PaymentMeansCode"), pm.code)
        _text(el, cbc("PaymentID"), pm.payment_id)
        if pm.account_id or pm.account_name or pm.provider_id:
            acct = etree.SubElement(el, cac("PayeeFinancialAccount"))
            _text(acct, cbc("ID"), pm.account_id)
            _text(acct, cbc("Name"), pm.account_name)
            if pm.provider_id:
                _text(etree.SubElement(acct, cac("FinancialInstitutionBranch")), cbc("ID"), pm.provider_id)
    if inv.payment_terms:
        _text(etree.SubElement(root, cac("PaymentTerms")), cbc("Note"), inv.payment_terms)
    for ac in inv.allowances_charges:
        _allowance_charge(root, ac, cur)
    for tt in inv.tax_totals:
        el = etree.SubElement(root, cac("TaxTotal"))
        _amount(el, cbc("TaxAmount"), tt.amount, tt.currency or cur)
        for st in tt.subtotals:
            sub = etree.SubElement(el, cac("TaxSubtotal"))
            _amount(sub, cbc("TaxableAmount"), st.taxable, cur)
            _amount(sub, cbc("TaxAmount"), st.tax, cur)
            _tax_category(sub, cac("TaxCategory"), st.category, reasons=True)
    if inv.totals:
        t = inv.totals
        mt = etree.SubElement(root, cac("LegalMonetaryTotal"))
        for tag, value in (
            ("LineExtensionAmount", t.line_extension),
            ("TaxExclusiveAmount", t.tax_exclusive),
            ("TaxInclusiveAmount", t.tax_inclusive),
            ("AllowanceTotalAmount", t.allowance_total),
            ("ChargeTotalAmount", t.charge_total),
            ("PrepaidAmount", t.prepaid),
            ("PayableRoundingAmount", t.rounding),
            ("PayableAmount", t.payable),
        ):
            _amount(mt, cbc(tag), value, cur)
    for ln in inv.lines:
        _line_xml(root, ln, cur)
    return root


def build_ubl(invoice: Invoice) -> bytes:
    """Compute the derived amounts, then serialise as UTF-8 UBL 2.1 (`Invoice` documents only)."""
    if invoice.kind != "Invoice":
        raise ValidationFailed("only invoices are built", errors=[FieldError("kind", "must be Invoice", invoice.kind)])
    return etree.tostring(to_xml(compute(invoice)), xml_declaration=True, encoding="UTF-8")
