"""Declarations as the API and pages show them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.customs.declarations import refund_due
from crossborder.customs.models import Declaration, DeclarationEvent
from crossborder.reference import get_registry

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
