"""XPaths of the business terms, for the `path` of a finding (built only when a rule fires)."""

from __future__ import annotations

from dataclasses import dataclass

from crossborder.documents.ubl_model import Invoice


@dataclass(frozen=True)
class Paths:
    top: str
    line_name: str

    @classmethod
    def of(cls, invoice: Invoice) -> Paths:
        if invoice.kind == "CreditNote":
            return cls("/CreditNote", "cac:CreditNoteLine")
        return cls("/Invoice", "cac:InvoiceLine")

    def at(self, tail: str) -> str:
        return f"{self.top}/{tail}" if tail else self.top

    def line(self, i: int, tail: str = "") -> str:
        base = f"{self.top}/{self.line_name}[{i}]"
        return f"{base}/{tail}" if tail else base

    def total(self, tag: str) -> str:
        return f"{self.top}/cac:LegalMonetaryTotal/cbc:{tag}"

    def doc_ac(self, i: int, tail: str = "") -> str:
        base = f"{self.top}/cac:AllowanceCharge[{i}]"
        return f"{base}/{tail}" if tail else base

    def subtotal(self, i: int, tail: str = "") -> str:
        base = f"{self.top}/cac:TaxTotal/cac:TaxSubtotal[{i}]"
        return f"{base}/{tail}" if tail else base
