"""Documents API, mounted under /api/v1/documents: validate (public), store, read, download, render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from crossborder.core.access.principal import Principal
from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.documents import service
from crossborder.documents.schemas import RAW_BODY_DOC, DocumentList, DocumentOut, ReportOut

router = APIRouter(prefix="/documents", tags=["documents"])

_KINDS = {"application/json", "application/xml", "text/xml"}
DocType = Annotated[
    str | None,
    Query(alias="type", description="acdd, form-d or ubl-invoice; default: detected from the content", max_length=40),
]
# Rendered documents hold untrusted text: escaped by the templates, and no script may run even so.
_HTML_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}


async def _body(request: Request) -> bytes:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in _KINDS:
        rule = "must be application/json (ACDD, e-Form D) or application/xml (UBL invoice)"
        raise ValidationFailed("unsupported body", errors=[FieldError("Content-Type", rule, kind)])
    return await request.body()  # the node's body limit was enforced before this point


@router.post("/validate", response_model=ReportOut, openapi_extra=RAW_BODY_DOC)
async def validate(request: Request, doc_type: DocType = None) -> dict[str, Any]:
    """Public: validate a document against its schema and business rules. Answers `{valid, errors:
    [{rule, path, message, severity}]}`; an invalid document is still a 200 with valid=false."""
    payload = await _body(request)
    return await run_in_threadpool(service.validation_report, doc_type, payload)


def _store(db: Session, caller: Principal, doc_type: str | None, payload: bytes, reference: str | None) -> JSONResponse:
    try:
        with write_lock():
            row, created = service.store(db, caller, doc_type, payload, client_reference=reference)
            out = service.document_out(row)
            db.commit()
    except IntegrityError:
        db.rollback()  # a concurrent request with the same client reference won: answer with its document
        row, created = service.store(db, caller, doc_type, payload, client_reference=reference)
        out = service.document_out(row)
    return JSONResponse(out, status_code=201 if created else 200)


@router.post("", status_code=201, response_model=DocumentOut, openapi_extra=RAW_BODY_DOC)
async def store_document(
    request: Request,
    db: DB,
    caller: Caller,
    idempotency_key: IdempotencyKey = None,
    doc_type: DocType = None,
    client_reference: Annotated[str | None, Query(max_length=100, description="Default: Idempotency-Key")] = None,
) -> JSONResponse:
    """Store a document for your organisation. It must be valid: an invalid one is refused (422)
    with every finding listed as `{path, rule}`, and nothing is stored. Repeating a client reference
    with the same bytes answers the first document (200); with other bytes, 409."""
    payload = await _body(request)
    return await run_in_threadpool(_store, db, caller, doc_type, payload, client_reference or idempotency_key)


@router.get("", response_model=DocumentList)
def list_documents(
    db: DB,
    caller: Caller,
    received: Annotated[bool | None, Query(description="true: from other nodes; false: uploaded here")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Documents within your scope, newest first."""
    rows = service.list_documents(db, caller, received=received, limit=limit, offset=offset)
    return {"documents": [service.document_out(r) for r in rows]}


@router.get("/{document_id}", response_model=DocumentOut)
def get_document(document_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    """One document's record and validation result (404 when out of your scope)."""
    return service.document_out(service.get(db, caller, document_id))


@router.get("/{document_id}/content")
def document_content(document_id: str, db: DB, caller: Caller) -> Response:
    """The exact bytes stored, as an attachment (their SHA-256 is in the record and the ETag)."""
    row = service.get(db, caller, document_id)
    name = f"{row.id}.{'json' if row.media_type == 'application/json' else 'xml'}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "ETag": f'"{row.sha256}"'}
    return Response(row.content, media_type=row.media_type, headers=headers)


@router.get("/{document_id}/render.html", response_class=HTMLResponse)
def document_html(document_id: str, db: DB, caller: Caller) -> HTMLResponse:
    """The document for people to read, with its validation findings."""
    return HTMLResponse(service.render_html(service.get(db, caller, document_id)), headers=_HTML_HEADERS)


@router.get("/{document_id}/render.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def document_pdf(document_id: str, db: DB, caller: Caller) -> Response:
    """The same as a PDF (A4, Unicode fonts for every member state's script)."""
    row = service.get(db, caller, document_id)
    headers = {"Content-Disposition": f'inline; filename="{row.id}.pdf"'}
    return Response(service.render_pdf(row), media_type="application/pdf", headers=headers)
