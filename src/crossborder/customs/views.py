"""Declarations as the API and pages show them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.customs.declaration_documents import NO_EVIDENCE
from crossborder.customs.declarations import refund_due
from crossborder.customs.models import Declaration, DeclarationEvent
from crossborder.reference import get_registry

if TYPE_CHECKING:
    from crossborder.documents.models import StoredDocument

_units: dict[int, dict[str, Decimal]] = {}


def _unit(currency: str) -> Decimal:
    """The currency's smallest unit (0.01 for two minor units); kept per loaded registry."""
    registry = get_registry()
    units = _units.get(id(registry))
    if units is None:
        _units.clear()
        units = _units[id(registry)] = {}
        for code in registry.member_states():
            money = registry.country(code).currency
            units.setdefault(money.code, Decimal(1).scaleb(-money.minor_units))
    return units.get(currency, Decimal("0.01"))


def _money(value: Decimal, currency: str) -> str:
    """An amount padded to its currency's minor unit, as the assessment shows it."""
    return format(Decimal(value).quantize(_unit(currency), rounding=ROUND_HALF_UP), "f")


def sees_risk(viewer: Principal, destination: str) -> bool:
    """Only the destination's customs (or its administrators) see why a lane was chosen:
    telling a trader which rule fired (a watch-list hit, random selection) would tip them off."""
    if not (viewer.roles & {Role.customs_officer, Role.admin}):
        return False
    return viewer.is_regional or viewer.country == destination


# Document kinds as declarations name them, and the document type each must be.
DOCUMENT_TYPES = {"invoice": "ubl-invoice", "origin": "form-d"}


def _claims_origin(data: dict[str, Any]) -> bool:
    lines = data.get("lines")
    return isinstance(lines, list) and any(isinstance(x, dict) and x.get("origin_claim") is True for x in lines)


def documents_out(row: Declaration) -> tuple[dict[str, Any], str | None]:
    """The documents a declaration points to (id, type, where to read it) and what backs its ATIGA claims."""
    links = row.documents
    out: dict[str, Any] = dict.fromkeys(DOCUMENT_TYPES)
    if links is not None:
        for kind, document_id in (("invoice", links.invoice_document_id), ("origin", links.origin_document_id)):
            if document_id is not None:
                href = f"/api/v1/customs/declarations/{row.id}/documents/{kind}"
                out[kind] = {"id": document_id, "type": DOCUMENT_TYPES[kind], "href": href}
        return out, links.origin_evidence
    # Manifest lines are stored in bulk with no link row; they cannot name documents, so a claim
    # there rests on paper evidence at most.
    return out, NO_EVIDENCE if _claims_origin(row.data) else None


def document_record(row: StoredDocument) -> dict[str, Any]:
    """A document a declaration points to, as the documents API shows its record."""
    from crossborder.documents.service import document_out  # imported when used: it loads the PDF renderer

    return document_out(row)


def declaration_out(row: Declaration, events: list[DeclarationEvent] | None, viewer: Principal) -> dict[str, Any]:
    risk = sees_risk(viewer, row.destination)
    out: dict[str, Any] = {
        "id": row.id,
        "client_reference": row.client_reference,
        "origin": row.origin,
        "destination": row.destination,
        "date": row.declared_on.isoformat(),
        "status": row.status,
        "lane": row.lane,
        "risk_rules": row.risk_rules if risk else None,
        "trusted_trader": row.trusted_trader,
        "consignor": row.consignor_name,
        "consignee": row.consignee_name,
        "currency": row.currency,
        "customs_value": _money(row.customs_value, row.currency),
        "duty": _money(row.duty, row.currency),
        "tax_at_border": _money(row.tax_at_border, row.currency),
        "tax_at_checkout": _money(row.tax_at_checkout, row.currency),
        "submitted_at": row.submitted_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        # Returned goods: the duty and border tax assessed are refundable (drawback).
        "refund_due": _money(refund_due(row), row.currency) if row.status == "returned" else None,
    }
    out["documents"], out["origin_evidence"] = documents_out(row)
    if events is not None:
        out["assessment"] = row.assessment if risk else {k: v for k, v in row.assessment.items() if k != "risk"}
        out["events"] = [
            {
                "at": e.at.isoformat(),
                "from": e.from_status,
                "to": e.to_status,
                "actor": e.actor,
                "reason": e.reason if risk or e.actor != "risk-engine" else "lane assigned by risk assessment",
            }
            for e in events
        ]
    return out
