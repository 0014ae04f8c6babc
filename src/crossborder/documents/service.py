"""Stored trade documents: validate, store (idempotent on the client reference), read within scope,
render, and answer the customs question "does this e-Form D support an ATIGA claim?".

Storing through the API refuses an invalid document with every finding listed, so what a merchant
files is always valid; a document received from another node is kept even when invalid
(`accept_invalid=True`, valid=false), because it is evidence of what was sent."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.core.settings import get_settings
from crossborder.documents import render
from crossborder.documents.forms_form_d import DOC_TYPE as FORM_D
from crossborder.documents.forms_form_d import OriginCriterion, parse_criterion
from crossborder.documents.forms_types import JSON_TYPES
from crossborder.documents.models import StoredDocument
from crossborder.documents.validate import document_types, report

UBL_INVOICE = render.UBL_INVOICE
_NUMBER_KEYS = {"acdd": "permit_number", FORM_D: "reference_number"}
MAX_REFERENCE = 100


def media_type(doc_type: str) -> str:
    return "application/json" if doc_type in JSON_TYPES else "application/xml"


def check_size(payload: bytes) -> None:
    """The same limit as the node's request bodies, for documents that arrive another way (CLI, exchange)."""
    limit = get_settings().max_body_bytes
    if len(payload) > limit:
        raise ValidationFailed(
            "document too large", errors=[FieldError("document", f"must be at most {limit} bytes", len(payload))]
        )


def detect_type(payload: bytes) -> str:
    """JSON naming its "document_type" -> that type; XML whose root is a UBL Invoice or CreditNote -> ubl-invoice."""
    head = payload.lstrip()[:1]
    if head == b"{":
        try:
            named = json.loads(payload).get("document_type")
        except (ValueError, RecursionError):
            named = None
        if isinstance(named, str) and named in JSON_TYPES:
            return named
    elif head == b"<" or payload.startswith(b"\xef\xbb\xbf"):
        from lxml import etree

        from crossborder.documents.xmlsafe import parse_xml

        root, _ = parse_xml(payload)
        if root is not None and etree.QName(root).localname in {"Invoice", "CreditNote"}:
            return UBL_INVOICE
    raise ValidationFailed(
        "cannot tell the document type",
        errors=[FieldError("type", f"give it explicitly: one of {document_types()}; not detected from the content")],
    )


def validation_report(doc_type: str | None, payload: bytes) -> dict[str, Any]:
    check_size(payload)
    return report(doc_type or detect_type(payload), payload)


def _issue_errors(issues: list[dict[str, Any]]) -> list[FieldError]:
    return [FieldError(i["path"] or "/", f"{i['rule']}: {i['message']}") for i in issues if i["severity"] == "fatal"]


def _document_number(doc_type: str, payload: bytes) -> str | None:
    if doc_type in _NUMBER_KEYS:
        try:
            number = json.loads(payload).get(_NUMBER_KEYS[doc_type])
        except (ValueError, AttributeError, RecursionError):
            return None
        return number[:MAX_REFERENCE] if isinstance(number, str) else None
    from crossborder.documents.ubl_parse import parse_ubl

    invoice, _ = parse_ubl(payload)
    found = None if invoice is None else invoice.id
    return found[:MAX_REFERENCE] if found else None


def _owner(session: Session, principal: Principal, organisation_id: int | None) -> Organisation:
    wanted = organisation_id or principal.organisation_id
    if wanted is None:
        raise ValidationFailed(
            "no owner", errors=[FieldError("organisation_id", "required when the caller has no organisation", None)]
        )
    if wanted != principal.organisation_id and not (principal.is_regional and Role.admin in principal.roles):
        raise Forbidden("documents are stored for your own organisation only")
    org = session.get(Organisation, wanted)
    if org is None:
        raise NotFound(f"no organisation {wanted}", errors=[FieldError("organisation_id", "unknown", wanted)])
    return org


def store(
    session: Session,
    principal: Principal,
    doc_type: str | None,
    payload: bytes,
    *,
    client_reference: str | None = None,
    organisation_id: int | None = None,
    received_from: str | None = None,
    accept_invalid: bool = False,
) -> tuple[StoredDocument, bool]:
    """Validate and store; returns (row, created). A repeated client reference with the same bytes
    returns the first row; with other bytes it is a conflict. Nothing is stored unless valid, or
    `accept_invalid` (documents received from another node). The caller commits."""
    if client_reference is not None and not 1 <= len(client_reference) <= MAX_REFERENCE:
        rule = f"must be 1 to {MAX_REFERENCE} characters"
        raise ValidationFailed("bad client reference", errors=[FieldError("client_reference", rule, client_reference)])
    org = _owner(session, principal, organisation_id)
    digest = hashlib.sha256(payload).hexdigest()
    if client_reference is not None:
        existing = session.execute(
            select(StoredDocument).where(
                StoredDocument.organisation_id == org.id, StoredDocument.client_reference == client_reference
            )
        ).scalar_one_or_none()
        if existing is not None:
            if existing.sha256 != digest:
                rule = "was already used for another document"
                raise Conflict(
                    "client reference reused", errors=[FieldError("client_reference", rule, client_reference)]
                )
            return existing, False
    result = validation_report(doc_type, payload)
    if not result["valid"] and not accept_invalid:
        count = sum(1 for i in result["errors"] if i["severity"] == "fatal")
        raise ValidationFailed(
            f"the {result['document_type']} document is invalid ({count} finding(s)); nothing was stored",
            errors=_issue_errors(result["errors"]),
        )
    row = StoredDocument(
        id=str(uuid.uuid4()),
        document_type=result["document_type"],
        document_number=_document_number(result["document_type"], payload),
        client_reference=client_reference,
        organisation_id=org.id,
        country=org.country,
        received_from=received_from,
        media_type=media_type(result["document_type"]),
        sha256=digest,
        size=len(payload),
        content=payload,
        validation=result,
        valid=result["valid"],
        created_by=principal.actor,
    )
    session.add(row)
    audit.record(
        session,
        principal,
        "documents.document.store",
        "document",
        row.id,
        country=row.country,
        organisation_id=row.organisation_id,
        after={
            "document_type": row.document_type,
            "sha256": digest,
            "valid": row.valid,
            "received_from": received_from,
        },
    )
    return row, True


def store_received(
    session: Session,
    principal: Principal,
    doc_type: str,
    payload: bytes,
    result: dict[str, Any],
    *,
    country: str,
    received_from: str,
    message_id: str,
) -> StoredDocument:
    """Keep a document another node sent (valid or not, as evidence) for this member state's
    authorities: no owning organisation, scoped by `country`. `result` is the validation report
    the inbox already made, so the document is not validated twice. The caller commits."""
    row = StoredDocument(
        id=str(uuid.uuid4()),
        document_type=doc_type,
        document_number=_document_number(doc_type, payload),
        client_reference=f"message:{message_id}",
        organisation_id=None,
        country=country,
        received_from=received_from,
        media_type=media_type(doc_type),
        sha256=hashlib.sha256(payload).hexdigest(),
        size=len(payload),
        content=payload,
        validation=result,
        valid=bool(result["valid"]),
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, principal: Principal, document_id: str) -> StoredDocument:
    """A document within the caller's scope; out of scope answers exactly like absent."""
    row = session.get(StoredDocument, document_id)
    if row is None or not principal.can_see(row.country, row.organisation_id):
        raise NotFound(f"no document {document_id}", errors=[FieldError("id", "unknown", document_id)])
    return row


def list_documents(
    session: Session, principal: Principal, *, received: bool | None = None, limit: int = 50, offset: int = 0
) -> list[StoredDocument]:
    """Newest first, within scope; `received` True lists documents from other nodes, False uploads here."""
    query = select(StoredDocument).where(principal.scope_filter(StoredDocument.country, StoredDocument.organisation_id))
    if received is not None:
        sent_here = StoredDocument.received_from.is_(None)
        query = query.where(~sent_here if received else sent_here)
    query = query.order_by(StoredDocument.created_at.desc(), StoredDocument.id).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def document_out(row: StoredDocument) -> dict[str, Any]:
    return {
        "id": row.id,
        "document_type": row.document_type,
        "document_number": row.document_number,
        "client_reference": row.client_reference,
        "organisation_id": row.organisation_id,
        "country": row.country,
        "received_from": row.received_from,
        "media_type": row.media_type,
        "sha256": row.sha256,
        "size": row.size,
        "valid": row.valid,
        "validation": row.validation,
        "created_at": row.created_at.isoformat(),
    }


def render_html(row: StoredDocument) -> str:
    return render.render_html(row.document_type, row.content)


def render_pdf(row: StoredDocument) -> bytes:
    return render.render_pdf_bytes(row.document_type, row.content)


def _criterion_out(parsed: OriginCriterion | str) -> dict[str, Any] | None:
    if isinstance(parsed, str):
        return None
    return {
        "kind": parsed.kind,
        "code": parsed.code,
        "percent": None if parsed.percent is None else str(parsed.percent),
    }


def _hs_matches(claimed: str, certified: str) -> bool:
    # Both are the importing country's codes, possibly at different lengths (6-digit HS vs national 8-10).
    return claimed.startswith(certified) or certified.startswith(claimed)


def form_d_for_preference(
    session: Session,
    document_id: str,
    *,
    hs_code: str | None = None,
    importing_country: str | None = None,
    principal: Principal | None = None,
) -> dict[str, Any]:
    """Whether a stored e-Form D supports an ATIGA preference claim, and what it certifies (exporter,
    importer, items with HS codes and origin criteria). The customs capability calls this when a
    declaration line claims the ATIGA rate; `reasons` lists every reason it does not support it.
    Validation is re-run on the stored bytes, so a rule tightened since storing applies."""
    row = get(session, principal, document_id) if principal is not None else session.get(StoredDocument, document_id)
    if row is None:
        raise NotFound(f"no document {document_id}", errors=[FieldError("document_id", "unknown", document_id)])
    reasons: list[dict[str, str]] = []
    if row.document_type != FORM_D:
        reasons.append({"code": "not_form_d", "message": f"document {document_id} is a {row.document_type}"})
        return {"document_id": row.id, "document_type": row.document_type, "supports_claim": False, "reasons": reasons}
    current = report(FORM_D, row.content)
    if not current["valid"]:
        reasons.append({"code": "invalid", "message": f"the e-Form D fails {len(current['errors'])} rule(s)"})
    doc = json.loads(row.content)
    official = doc.get("official_use") if isinstance(doc.get("official_use"), dict) else None
    if official is not None and official.get("preference") == "refused":
        reasons.append({"code": "preference_refused", "message": "box 4 records that preference was refused"})
    if importing_country is not None and doc.get("importing_country") != importing_country:
        reasons.append(
            {
                "code": "importing_country_mismatch",
                "message": f"issued for import into {doc.get('importing_country')}, not {importing_country}",
            }
        )
    items = [
        {
            "item_number": it.get("item_number"),
            "hs_code": it.get("hs_code"),
            "origin_criterion": it.get("origin_criterion"),
            "criterion": _criterion_out(parse_criterion(str(it.get("origin_criterion", "")))),
        }
        for it in doc.get("items", [])
        if isinstance(it, dict)
    ]
    matched = items
    if hs_code is not None:
        matched = [it for it in items if isinstance(it["hs_code"], str) and _hs_matches(hs_code, it["hs_code"])]
        if not matched:
            reasons.append({"code": "hs_code_not_covered", "message": f"no item of the e-Form D has HS code {hs_code}"})
    return {
        "document_id": row.id,
        "document_type": FORM_D,
        "supports_claim": not reasons,
        "reasons": reasons,
        "reference_number": doc.get("reference_number"),
        "exporting_country": doc.get("exporting_country"),
        "importing_country": doc.get("importing_country"),
        "exporter": doc.get("exporter"),
        "importer": doc.get("consignee"),
        "departure_date": (doc.get("transport") or {}).get("departure_date"),
        "certified_on": (doc.get("certification") or {}).get("date"),
        "received_from": row.received_from,
        "items": items,
        "matched_items": matched,
        "validation": current,
    }
