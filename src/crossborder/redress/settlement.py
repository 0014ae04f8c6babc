"""Closing a case by settlement: the terms are recorded and signed with the e-signature key of the
handling member state's consumer-protection authority (trust capability), so either party can later
prove what was agreed. The signed document is the canonical JSON below; its SHA-256 is what is signed."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.redress.models import CaseEvent, RedressCase
from crossborder.trust import esign


def document(case: RedressCase, offer: CaseEvent, settled_at: datetime) -> bytes:
    """The settlement as signed: stable key order, no whitespace, UTF-8."""
    record = {
        "type": "crossborder.redress.settlement",
        "case": case.reference,
        "consumer_country": case.consumer_country,
        "seller": {"name": case.seller_name, "country": case.seller_country, "business_id": case.seller_business_id},
        "terms": offer.body,
        "amount": None if offer.amount is None else {"value": str(offer.amount), "currency": offer.currency},
        "offered_by": offer.actor_kind,
        "settled_at": settled_at.isoformat(),
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def document_of(case: RedressCase) -> bytes:
    """The settlement exactly as it was signed."""
    if case.settlement_document is None:
        raise ValueError(f"case {case.reference} has no settlement")
    return case.settlement_document.encode()


def authority_org(session: Session, country: str) -> Organisation | None:
    return session.execute(
        select(Organisation)
        .where(Organisation.kind == OrgKind.consumer_protection_authority.value, Organisation.country == country)
        .order_by(Organisation.id)
        .limit(1)
    ).scalar_one_or_none()


def sign(session: Session, case: RedressCase, content: bytes) -> bool:
    """Keep the document and sign it for the handling authority; False when that state has no
    consumer-protection authority on this node to sign (the document is kept unsigned)."""
    case.settlement_document = content.decode()
    org = authority_org(session, case.handling_country)
    if org is None:
        return False
    signer = Principal(actor="system", organisation_id=org.id, country=org.country, roles=frozenset({Role.admin}))
    doc = esign.document(esign.sha256_hex(content), "application/json", f"settlement-{case.reference}.json")
    row, _ = esign.sign(session, signer, org.id, doc, client_reference=f"redress-settlement:{case.reference}")
    case.settlement_signature_id, case.settlement_signature = row.signature_id, row.token
    return True
