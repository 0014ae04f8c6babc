"""All business rules over a parsed invoice: EN 16931 (core, calculations, VAT categories) then
Peppol BIS Billing 3.0. Each family makes one pass over the lines."""

from __future__ import annotations

from crossborder.documents import en16931_calc, en16931_core, en16931_vat, ubl_peppol_rules
from crossborder.documents.issues import Issue
from crossborder.documents.ubl_model import Invoice


def check_rules(invoice: Invoice) -> list[Issue]:
    return [
        *en16931_core.check(invoice),
        *en16931_calc.check(invoice),
        *en16931_vat.check(invoice),
        *ubl_peppol_rules.check(invoice),
    ]
