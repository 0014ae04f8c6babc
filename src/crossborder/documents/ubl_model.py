"""The EN 16931 invoice as plain data (the subset of business terms this platform reads and writes).

Every value is optional because a parsed document may lack it: the business rules, not the model,
decide what is mandatory. Amounts are Decimal in the document currency (`Invoice.currency`, BT-5),
exactly as written (the scale is kept: BR-DEC rules look at the decimals); dates are `datetime.date`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

DocumentKind = Literal["Invoice", "CreditNote"]

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"  # BT-24, BIS 3.0
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23, Peppol billing process 01


@dataclass(frozen=True)
class Address:  # BG-5 / BG-8
    street: str | None = None  # BT-35 / BT-50
    additional_street: str | None = None  # BT-36 / BT-51
    city: str | None = None  # BT-37 / BT-52
    postal_zone: str | None = None  # BT-38 / BT-53
    subdivision: str | None = None  # BT-39 / BT-54
    country: str | None = None  # BT-40 / BT-55, ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Party:  # BG-4 seller / BG-7 buyer
    name: str | None = None  # BT-27 / BT-44 (PartyLegalEntity/RegistrationName)
    trading_name: str | None = None  # BT-28 / BT-45
    endpoint_id: str | None = None  # BT-34 / BT-49
    endpoint_scheme: str | None = None  # EAS code
    identifier: str | None = None  # BT-29 / BT-46
    identifier_scheme: str | None = None
    address: Address | None = None
    vat_id: str | None = None  # BT-31 / BT-48
    tax_registration_id: str | None = None  # BT-32 (PartyTaxScheme with a scheme other than VAT)
    legal_id: str | None = None  # BT-30 / BT-47
    legal_id_scheme: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class TaxCategory:
    code: str | None = None  # UNCL5305 subset: S, Z, E, AE, K, G, O, L, M
    percent: Decimal | None = None
    exemption_reason_code: str | None = None  # BT-121
    exemption_reason: str | None = None  # BT-120


@dataclass(frozen=True)
class AllowanceCharge:  # BG-20/21 (document), BG-27/28 (line), price discount
    is_charge: bool | None
    amount: Decimal | None = None
    base_amount: Decimal | None = None
    percent: Decimal | None = None  # MultiplierFactorNumeric
    reason: str | None = None
    reason_code: str | None = None
    tax: TaxCategory | None = None  # document level only


@dataclass(frozen=True)
class Line:  # BG-25
    id: str | None = None  # BT-126
    quantity: Decimal | None = None  # BT-129
    unit_code: str | None = None  # BT-130, UN/ECE Rec 20
    line_extension: Decimal | None = None  # BT-131
    name: str | None = None  # BT-153
    description: str | None = None  # BT-154
    seller_item_id: str | None = None  # BT-155
    note: str | None = None  # BT-127
    period_start: date | None = None  # BT-134
    period_end: date | None = None  # BT-135
    has_period: bool = False
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    tax: TaxCategory | None = None  # BT-151/152
    price: Decimal | None = None  # BT-146
    base_quantity: Decimal | None = None  # BT-149
    base_quantity_unit: str | None = None  # BT-150
    price_discount: AllowanceCharge | None = None  # BT-147 with gross price BT-148 as base_amount


@dataclass(frozen=True)
class TaxSubtotal:  # BG-23
    taxable: Decimal | None
    tax: Decimal | None
    category: TaxCategory


@dataclass(frozen=True)
class Totals:  # BG-22
    line_extension: Decimal | None = None  # BT-106
    tax_exclusive: Decimal | None = None  # BT-109
    tax_inclusive: Decimal | None = None  # BT-112
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    payable: Decimal | None = None  # BT-115


@dataclass(frozen=True)
class PaymentMeans:  # BG-16
    code: str | None = None  # BT-81, UNCL4461
    payment_id: str | None = None  # BT-83
    account_id: str | None = None  # BT-84
    account_name: str | None = None  # BT-85
    provider_id: str | None = None  # BT-86


@dataclass(frozen=True)
class TaxTotal:
    amount: Decimal | None
    currency: str | None
    subtotals: tuple[TaxSubtotal, ...] = ()


@dataclass(frozen=True)
class Invoice:
    kind: DocumentKind = "Invoice"
    customization_id: str | None = CUSTOMIZATION_ID
    profile_id: str | None = PROFILE_ID
    id: str | None = None  # BT-1
    issue_date: date | None = None  # BT-2
    due_date: date | None = None  # BT-9
    type_code: str | None = "380"  # BT-3, UNCL1001 (380 commercial invoice, 381 credit note)
    notes: tuple[str, ...] = ()  # BT-22
    tax_point_date: date | None = None  # BT-7
    currency: str | None = None  # BT-5, ISO 4217
    tax_currency: str | None = None  # BT-6
    accounting_cost: str | None = None  # BT-19
    buyer_reference: str | None = None  # BT-10
    order_reference: str | None = None  # BT-13
    period_start: date | None = None  # BT-73
    period_end: date | None = None  # BT-74
    has_period: bool = False
    preceding_invoice: str | None = None  # BT-25
    seller: Party | None = None
    buyer: Party | None = None
    delivery_date: date | None = None  # BT-72
    delivery_country: str | None = None  # BT-80
    payment_means: tuple[PaymentMeans, ...] = ()
    payment_terms: str | None = None  # BT-20
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    tax_totals: tuple[TaxTotal, ...] = ()
    totals: Totals | None = None
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def vat_total(self) -> TaxTotal | None:
        """The TaxTotal in the document currency (BT-110 with its BG-23 breakdown)."""
        for t in self.tax_totals:
            if t.currency == self.currency or t.currency is None:
                return t
        return None

    @property
    def vat_total_in_tax_currency(self) -> TaxTotal | None:  # BT-111
        if self.tax_currency is None or self.tax_currency == self.currency:
            return None
        return next((t for t in self.tax_totals if t.currency == self.tax_currency), None)
