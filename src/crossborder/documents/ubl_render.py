"""Human-readable HTML of a parsed invoice. `invoice_context` is the presentation data (also used by
the PDF renderer); amounts become `Money` in the document currency, formatted with two decimals."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from crossborder.core.money import Money
from crossborder.documents.ubl_model import Address, Invoice, Party, TaxCategory

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_CATEGORY_NAMES = {  # UNCL5305 names of the VAT categories EN 16931 uses
    "S": "Standard rate",
    "Z": "Zero rated",
    "E": "Exempt from tax",
    "AE": "Reverse charge",
    "K": "Intra-community supply",
    "G": "Export outside the EU",
    "O": "Not subject to VAT",
    "L": "Canary Islands IGIC",
    "M": "Ceuta and Melilla IPSI",
}


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _money(amount: Any, currency: str) -> dict[str, str] | None:
    if amount is None:
        return None
    return Money(amount, currency).rounded(2).as_dict()


def _address(a: Address | None) -> list[str]:
    if a is None:
        return []
    city = " ".join(x for x in (a.postal_zone, a.city) if x)
    return [x for x in (a.street, a.additional_street, city, a.subdivision, a.country) if x]


def _party(p: Party | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "name": p.name,
        "trading_name": p.trading_name,
        "address": _address(p.address),
        "vat_id": p.vat_id,
        "legal_id": p.legal_id,
        "endpoint": f"{p.endpoint_scheme}:{p.endpoint_id}" if p.endpoint_id else None,
        "contact": [x for x in (p.contact_name, p.contact_phone, p.contact_email) if x],
    }


def _tax(t: TaxCategory | None) -> str:
    if t is None or t.code is None:
        return ""
    name = _CATEGORY_NAMES.get(t.code, t.code)
    return name if t.percent is None else f"{name} {t.percent.normalize():f} %"


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    cur = invoice.currency or "XXX"  # ISO 4217 "no currency": the rules report the missing BT-5
    t = invoice.totals
    vat = invoice.vat_total
    return {
        "kind": "Credit note" if invoice.kind == "CreditNote" else "Invoice",
        "id": invoice.id,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "type_code": invoice.type_code,
        "currency": cur,
        "notes": list(invoice.notes),
        "buyer_reference": invoice.buyer_reference,
        "order_reference": invoice.order_reference,
        "period": (invoice.period_start, invoice.period_end) if invoice.has_period else None,
        "seller": _party(invoice.seller),
        "buyer": _party(invoice.buyer),
        "lines": [
            {
                "id": ln.id,
                "name": ln.name,
                "description": ln.description,
                "quantity": ln.quantity,
                "unit": ln.unit_code,
                "price": ln.price,
                "tax": _tax(ln.tax),
                "net": _money(ln.line_extension, cur),
            }
            for ln in invoice.lines
        ],
        "allowances_charges": [
            {
                "kind": "Charge" if ac.is_charge else "Allowance",
                "reason": ac.reason or ac.reason_code,
                "amount": _money(ac.amount, cur),
                "tax": _tax(ac.tax),
            }
            for ac in invoice.allowances_charges
        ],
        "vat_breakdown": [
            {
                "category": _tax(s.category),
                "taxable": _money(s.taxable, cur),
                "tax": _money(s.tax, cur),
                "exemption": s.category.exemption_reason or s.category.exemption_reason_code,
            }
            for s in (vat.subtotals if vat is not None else ())
        ],
        "totals": None
        if t is None
        else {
            "line_extension": _money(t.line_extension, cur),
            "allowances": _money(t.allowance_total, cur),
            "charges": _money(t.charge_total, cur),
            "tax_exclusive": _money(t.tax_exclusive, cur),
            "vat": _money(vat.amount if vat is not None else None, cur),
            "tax_inclusive": _money(t.tax_inclusive, cur),
            "prepaid": _money(t.prepaid, cur),
            "rounding": _money(t.rounding, cur),
            "payable": _money(t.payable, cur),
        },
        "payment_means": [
            {"code": pm.code, "account": pm.account_id, "account_name": pm.account_name, "reference": pm.payment_id}
            for pm in invoice.payment_means
        ],
        "payment_terms": invoice.payment_terms,
    }


def render_html(invoice: Invoice) -> str:
    return _env().get_template("ubl_invoice.html").render(inv=invoice_context(invoice))
