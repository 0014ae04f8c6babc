"""UBL 2.1 XML -> `Invoice` (Invoice and CreditNote documents). Tolerant: unknown elements are
skipped, a missing element becomes None (the business rules judge presence), and a value that is not
of its UBL datatype becomes None plus an Issue naming its XPath. One pass over the lines, each line
read from its own children only, so the cost is linear in the document size."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from crossborder.documents.issues import Issue
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
    Totals,
)
from crossborder.documents.ubl_names import NS_CREDIT_NOTE, NS_INVOICE, cac, cbc
from crossborder.documents.xmlsafe import parse_xml

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")  # xsd:decimal: no exponent, no NaN/Infinity
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")  # xsd:date, time zone ignored
_ROOTS = {"{" + NS_INVOICE + "}Invoice": "Invoice", "{" + NS_CREDIT_NOTE + "}CreditNote": "CreditNote"}
_VAT_TOTAL_IN_TAX_CURRENCY = "TaxTotal/TaxAmount"  # BT-111 may carry the VAT accounting currency


def _text_of(el: etree._Element | None) -> str | None:
    return None if el is None else el.text


def _strip(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


class _Reader:
    """Reads typed values and collects the issues met on the way."""

    def __init__(self, currency: str | None) -> None:
        self.currency = currency
        self.issues: list[Issue] = []
        self._kids: dict[etree._Element, dict[object, etree._Element]] = {}

    def child(self, el: etree._Element | None, tag: str) -> etree._Element | None:
        """First child with this tag. Each element's children are indexed once, in one walk:
        lxml's `find` goes through its Python ElementPath on every call, ten times slower."""
        if el is None:
            return None
        kids = self._kids.get(el)
        if kids is None:
            kids = {}
            for c in el:  # forward only: lxml indexes children by walking a linked list
                kids.setdefault(c.tag, c)
            self._kids[el] = kids
        return kids.get(tag)

    def text(self, el: etree._Element | None, tag: str) -> str | None:
        return None if el is None else _strip(_text_of(self.child(el, tag)))

    def decimal(self, el: etree._Element | None, tag: str, where: str) -> Decimal | None:
        raw = self.text(el, tag)
        if raw is None:
            return None
        if not _DECIMAL.fullmatch(raw):
            self.issues.append(Issue("UBL-XSD", f"{where}/{_short(tag)}", f"{raw!r} is not a decimal number"))
            return None
        return Decimal(raw)

    def amount(self, el: etree._Element | None, tag: str, where: str) -> Decimal | None:
        value = self.decimal(el, tag, where)
        if value is not None and el is not None:
            found = self.child(el, tag)
            cur = None if found is None else found.get("currencyID")
            if cur != self.currency and not (where.endswith("cac:TaxTotal") and tag == cbc("TaxAmount")):
                self.issues.append(
                    Issue(
                        "PEPPOL-EN16931-R051",
                        f"{where}/{_short(tag)}/@currencyID",
                        f"All currencyID attributes must have the same value as the invoice currency code (BT-5), "
                        f"except for the invoice total VAT amount in accounting currency (BT-111): found {cur!r}, "
                        f"invoice currency {self.currency!r}",
                    )
                )
        return value

    def date(self, el: etree._Element | None, tag: str, where: str) -> date | None:
        raw = self.text(el, tag)
        if raw is None:
            return None
        m = _DATE.fullmatch(raw)
        try:
            if m is None:
                raise ValueError
            return date.fromisoformat(m.group(1))
        except ValueError:
            self.issues.append(Issue("UBL-XSD", f"{where}/{_short(tag)}", f"{raw!r} is not a date (YYYY-MM-DD)"))
            return None

    def flag(self, el: etree._Element, where: str) -> bool | None:
        raw = self.text(el, cbc("ChargeIndicator"))
        if raw in ("true", "false"):
            return raw == "true"
        self.issues.append(
            Issue(
                "PEPPOL-EN16931-R043",
                f"{where}/cbc:ChargeIndicator",
                f"Allowance/charge ChargeIndicator value MUST equal 'true' or 'false' (found {raw!r})",
            )
        )
        return None


def _short(tag: str) -> str:
    ns, _, local = tag[1:].partition("}")
    return ("cac:" if ns.endswith("AggregateComponents-2") else "cbc:") + local


def _address(r: _Reader, el: etree._Element | None) -> Address | None:
    if el is None:
        return None
    return Address(
        street=r.text(el, cbc("StreetName")),
        additional_street=r.text(el, cbc("AdditionalStreetName")),
        city=r.text(el, cbc("CityName")),
        postal_zone=r.text(el, cbc("PostalZone")),
        subdivision=r.text(el, cbc("CountrySubentity")),
        country=r.text(r.child(el, cac("Country")), cbc("IdentificationCode")),
    )


def _party(r: _Reader, wrapper: etree._Element | None) -> Party | None:
    el = r.child(wrapper, cac("Party"))
    if el is None:
        return None
    endpoint = r.child(el, cbc("EndpointID"))
    ident = r.child(r.child(el, cac("PartyIdentification")), cbc("ID"))
    legal = r.child(el, cac("PartyLegalEntity"))
    legal_id = r.child(legal, cbc("CompanyID"))
    vat_id = tax_id = None
    for pts in el.iterchildren(cac("PartyTaxScheme")):
        scheme = r.text(r.child(pts, cac("TaxScheme")), cbc("ID"))
        if scheme == "VAT":
            vat_id = r.text(pts, cbc("CompanyID"))
        else:
            tax_id = r.text(pts, cbc("CompanyID"))
    contact = r.child(el, cac("Contact"))
    return Party(
        name=r.text(legal, cbc("RegistrationName")),
        trading_name=r.text(r.child(el, cac("PartyName")), cbc("Name")),
        endpoint_id=None if endpoint is None else _strip(endpoint.text),
        endpoint_scheme=None if endpoint is None else endpoint.get("schemeID"),
        identifier=None if ident is None else _strip(ident.text),
        identifier_scheme=None if ident is None else ident.get("schemeID"),
        address=_address(r, r.child(el, cac("PostalAddress"))),
        vat_id=vat_id,
        tax_registration_id=tax_id,
        legal_id=None if legal_id is None else _strip(legal_id.text),
        legal_id_scheme=None if legal_id is None else legal_id.get("schemeID"),
        contact_name=r.text(contact, cbc("Name")),
        contact_phone=r.text(contact, cbc("Telephone")),
        contact_email=r.text(contact, cbc("ElectronicMail")),
    )


def _tax_category(r: _Reader, el: etree._Element | None, where: str) -> TaxCategory | None:
    if el is None:
        return None
    return TaxCategory(
        code=r.text(el, cbc("ID")),
        percent=r.decimal(el, cbc("Percent"), where),
        exemption_reason_code=r.text(el, cbc("TaxExemptionReasonCode")),
        exemption_reason=r.text(el, cbc("TaxExemptionReason")),
    )


def _allowance_charge(r: _Reader, el: etree._Element, where: str) -> AllowanceCharge:
    return AllowanceCharge(
        is_charge=r.flag(el, where),
        amount=r.amount(el, cbc("Amount"), where),
        base_amount=r.amount(el, cbc("BaseAmount"), where),
        percent=r.decimal(el, cbc("MultiplierFactorNumeric"), where),
        reason=r.text(el, cbc("AllowanceChargeReason")),
        reason_code=r.text(el, cbc("AllowanceChargeReasonCode")),
        tax=_tax_category(r, r.child(el, cac("TaxCategory")), f"{where}/cac:TaxCategory"),
    )


def _line(r: _Reader, el: etree._Element, where: str, qty_tag: str) -> Line:
    qty = r.child(el, qty_tag)
    period = r.child(el, cac("InvoicePeriod"))
    item = r.child(el, cac("Item"))
    price = r.child(el, cac("Price"))
    base_qty = r.child(price, cbc("BaseQuantity"))
    discount_el = r.child(price, cac("AllowanceCharge"))
    acs = tuple(
        _allowance_charge(r, ac, f"{where}/cac:AllowanceCharge[{i}]")
        for i, ac in enumerate(el.iterchildren(cac("AllowanceCharge")), 1)
    )
    return Line(
        id=r.text(el, cbc("ID")),
        quantity=r.decimal(el, qty_tag, where),
        unit_code=None if qty is None else qty.get("unitCode"),
        line_extension=r.amount(el, cbc("LineExtensionAmount"), where),
        name=r.text(item, cbc("Name")),
        description=r.text(item, cbc("Description")),
        seller_item_id=r.text(r.child(item, cac("SellersItemIdentification")), cbc("ID")),
        note=r.text(el, cbc("Note")),
        period_start=r.date(period, cbc("StartDate"), f"{where}/cac:InvoicePeriod"),
        period_end=r.date(period, cbc("EndDate"), f"{where}/cac:InvoicePeriod"),
        has_period=period is not None,
        allowances_charges=acs,
        tax=_tax_category(r, r.child(item, cac("ClassifiedTaxCategory")), f"{where}/cac:Item"),
        price=r.amount(price, cbc("PriceAmount"), f"{where}/cac:Price"),
        base_quantity=r.decimal(price, cbc("BaseQuantity"), f"{where}/cac:Price"),
        base_quantity_unit=None if base_qty is None else base_qty.get("unitCode"),
        price_discount=None
        if discount_el is None
        else _allowance_charge(r, discount_el, f"{where}/cac:Price/cac:AllowanceCharge"),
    )


def parse_ubl_tree(root: etree._Element) -> tuple[Invoice | None, list[Issue]]:
    kind = _ROOTS.get(str(root.tag))
    if kind is None:
        return None, [Issue("UBL-XSD", "/", f"root element {root.tag!r} is not a UBL 2.1 Invoice or CreditNote")]
    top = "/" + kind
    currency = root.findtext(cbc("DocumentCurrencyCode"))
    r = _Reader(_strip(currency))
    period = r.child(root, cac("InvoicePeriod"))
    totals_el = r.child(root, cac("LegalMonetaryTotal"))
    mt = f"{top}/cac:LegalMonetaryTotal"
    delivery = r.child(root, cac("Delivery"))
    tax_totals = []
    for i, tt in enumerate(root.iterchildren(cac("TaxTotal")), 1):
        where = f"{top}/cac:TaxTotal[{i}]"
        amount_el = r.child(tt, cbc("TaxAmount"))
        subs = tuple(
            TaxSubtotal(
                taxable=r.amount(st, cbc("TaxableAmount"), f"{where}/cac:TaxSubtotal[{j}]"),
                tax=r.amount(st, cbc("TaxAmount"), f"{where}/cac:TaxSubtotal[{j}]"),
                category=_tax_category(r, r.child(st, cac("TaxCategory")), f"{where}/cac:TaxSubtotal[{j}]")
                or TaxCategory(),
            )
            for j, st in enumerate(tt.iterchildren(cac("TaxSubtotal")), 1)
        )
        tax_totals.append(
            TaxTotal(
                amount=r.amount(tt, cbc("TaxAmount"), f"{top}/cac:TaxTotal"),
                currency=None if amount_el is None else amount_el.get("currencyID"),
                subtotals=subs,
            )
        )
    line_tag, qty_tag = (
        (cac("InvoiceLine"), cbc("InvoicedQuantity"))
        if kind == "Invoice"
        else (cac("CreditNoteLine"), cbc("CreditedQuantity"))
    )
    line_name = _short(line_tag)
    lines = tuple(
        _line(r, el, f"{top}/{line_name}[{i}]", qty_tag) for i, el in enumerate(root.iterchildren(line_tag), 1)
    )
    payment_means = tuple(
        PaymentMeans(
            code=r.text(pm, cbc("PaymentMeansCode")),
            payment_id=r.text(pm, cbc("PaymentID")),
            account_id=r.text(r.child(pm, cac("PayeeFinancialAccount")), cbc("ID")),
            account_name=r.text(r.child(pm, cac("PayeeFinancialAccount")), cbc("Name")),
            provider_id=r.text(
                r.child(r.child(pm, cac("PayeeFinancialAccount")), cac("FinancialInstitutionBranch")), cbc("ID")
            ),
        )
        for pm in root.iterchildren(cac("PaymentMeans"))
    )
    invoice = Invoice(
        kind=kind,  # type: ignore[arg-type]
        customization_id=r.text(root, cbc("CustomizationID")),
        profile_id=r.text(root, cbc("ProfileID")),
        id=r.text(root, cbc("ID")),
        issue_date=r.date(root, cbc("IssueDate"), top),
        due_date=r.date(root, cbc("DueDate"), top),
        type_code=r.text(root, cbc("InvoiceTypeCode" if kind == "Invoice" else "CreditNoteTypeCode")),
        notes=tuple(n for n in (_strip(e.text) for e in root.iterchildren(cbc("Note"))) if n),
        tax_point_date=r.date(root, cbc("TaxPointDate"), top),
        currency=r.currency,
        tax_currency=r.text(root, cbc("TaxCurrencyCode")),
        accounting_cost=r.text(root, cbc("AccountingCost")),
        buyer_reference=r.text(root, cbc("BuyerReference")),
        order_reference=r.text(r.child(root, cac("OrderReference")), cbc("ID")),
        period_start=r.date(period, cbc("StartDate"), f"{top}/cac:InvoicePeriod"),
        period_end=r.date(period, cbc("EndDate"), f"{top}/cac:InvoicePeriod"),
        has_period=period is not None,
        preceding_invoice=r.text(
            r.child(r.child(root, cac("BillingReference")), cac("InvoiceDocumentReference")), cbc("ID")
        ),
        seller=_party(r, r.child(root, cac("AccountingSupplierParty"))),
        buyer=_party(r, r.child(root, cac("AccountingCustomerParty"))),
        delivery_date=r.date(delivery, cbc("ActualDeliveryDate"), f"{top}/cac:Delivery"),
        delivery_country=r.text(
            r.child(r.child(r.child(delivery, cac("DeliveryLocation")), cac("Address")), cac("Country")),
            cbc("IdentificationCode"),
        ),
        payment_means=payment_means,
        payment_terms=r.text(r.child(root, cac("PaymentTerms")), cbc("Note")),
        allowances_charges=tuple(
            _allowance_charge(r, el, f"{top}/cac:AllowanceCharge[{i}]")
            for i, el in enumerate(root.iterchildren(cac("AllowanceCharge")), 1)
        ),
        tax_totals=tuple(tax_totals),
        totals=None
        if totals_el is None
        else Totals(
            line_extension=r.amount(totals_el, cbc("LineExtensionAmount"), mt),
            tax_exclusive=r.amount(totals_el, cbc("TaxExclusiveAmount"), mt),
            tax_inclusive=r.amount(totals_el, cbc("TaxInclusiveAmount"), mt),
            allowance_total=r.amount(totals_el, cbc("AllowanceTotalAmount"), mt),
            charge_total=r.amount(totals_el, cbc("ChargeTotalAmount"), mt),
            prepaid=r.amount(totals_el, cbc("PrepaidAmount"), mt),
            rounding=r.amount(totals_el, cbc("PayableRoundingAmount"), mt),
            payable=r.amount(totals_el, cbc("PayableAmount"), mt),
        ),
        lines=lines,
    )
    return invoice, r.issues


def parse_ubl(data: bytes) -> tuple[Invoice | None, list[Issue]]:
    """Hardened parse of untrusted bytes, then the tolerant read above."""
    root, issues = parse_xml(data)
    if root is None:
        return None, issues
    return parse_ubl_tree(root)
