"""Declarations as the API and pages show them."""

from __future__ import annotations

from typing import Any

from crossborder.customs.models import Declaration, DeclarationEvent


def declaration_out(row: Declaration, events: list[DeclarationEvent] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "client_reference": row.client_reference,
        "origin": row.origin,
        "destination": row.destination,
        "date": row.declared_on.isoformat(),
        "status": row.status,
        "lane": row.lane,
        "risk_rules": row.risk_rules,
        "trusted_trader": row.trusted_trader,
        "consignor": row.consignor_name,
        "consignee": row.consignee_name,
        "currency": row.currency,
        "customs_value": format(row.customs_value, "f"),
        "duty": format(row.duty, "f"),
        "tax_at_border": format(row.tax_at_border, "f"),
        "tax_at_checkout": format(row.tax_at_checkout, "f"),
        "submitted_at": row.submitted_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }
    if events is not None:
        out["assessment"] = row.assessment
        out["events"] = [
            {"at": e.at.isoformat(), "from": e.from_status, "to": e.to_status, "actor": e.actor, "reason": e.reason}
            for e in events
        ]
    return out
