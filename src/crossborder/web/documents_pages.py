"""Paperless-trade document pages: the caller's stored and received documents, one document with its
rendering, validation findings and the messages that carried it, downloads, and the public
validation form. Scope and every rule stay in `documents.service`; out of scope answers 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from crossborder.core.access.principal import Principal
from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.settings import get_settings
from crossborder.documents import service
from crossborder.documents.models import StoredDocument
from crossborder.documents.validate import document_types
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.exchange_receipts import messages_for_payload
from crossborder.web.labels import DOCUMENT_TYPES, MESSAGE_STATUSES, RECEIPT_REASONS, SEVERITIES
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
TABS = {"all": None, "sent": False, "received": True}  # tab -> `received` filter of the service
LABELS: dict[str, dict[str, str]] = {
    "types": DOCUMENT_TYPES,
    "severities": SEVERITIES,
    "statuses": MESSAGE_STATUSES,
    "reasons": RECEIPT_REASONS,
}
# Downloads hold untrusted bytes: never sniffed into something runnable, never cached by the way.
_DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


def fatal_count(report: dict[str, Any]) -> int:
    return sum(1 for issue in report.get("errors", []) if issue.get("severity") == "fatal")


def _row(row: StoredDocument) -> dict[str, Any]:
    return {
        "id": row.id,
        "type": row.document_type,
        "number": row.document_number,
        "valid": row.valid,
        "errors": fatal_count(row.validation),
        "received_from": row.received_from,
        "created_at": row.created_at,
    }


@router.get("/documents")
def document_list(request: Request, tab: str = "all", page: int = 1) -> Response:
    user = _user(request)
    if user is None:
        return signin_redirect(request)
    chosen = tab if tab in TABS else "all"
    page = max(1, min(page, 10_000))
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        # One more than a page tells whether there is a next page without counting.
        found = service.list_documents(
            session, principal, received=TABS[chosen], limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
        )
        rows = [_row(r) for r in found[:PAGE_SIZE]]
    return render(
        request, "documents/list.html", rows=rows, tab=chosen, tabs=list(TABS), page=page,
        has_next=len(found) > PAGE_SIZE, labels=LABELS,
    )  # fmt: skip


# ---- the public validation form (declared before /documents/{id} so "validate" is never an id) -------


def _validate_form(
    request: Request, *, status_code: int = 200, report: dict[str, Any] | None = None, chosen: str = "",
    filename: str = "", problem: str | None = None, errors: list[FieldError] | None = None,
) -> Response:  # fmt: skip
    return render(
        request, "documents/validate.html", status_code=status_code, types=document_types(), chosen=chosen,
        report=report, fatal=fatal_count(report) if report else 0, filename=filename, problem=problem,
        errors=errors or [], max_kib=get_settings().max_body_bytes // 1024, labels=LABELS,
    )  # fmt: skip


@router.get("/documents/validate")
def validate_form(request: Request) -> Response:
    return _validate_form(request)


@router.post("/documents/validate")
async def validate_upload(request: Request) -> Response:
    """Validate an uploaded file and show the report; nothing is stored. The node's body limit has
    already bounded the whole request; the service checks the document's own size again."""
    await check_csrf(request)
    form = await request.form()
    chosen = form.get("type")
    chosen = chosen if isinstance(chosen, str) else ""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = [FieldError("file", "choose a document file to validate", None)]
        return _validate_form(request, status_code=422, chosen=chosen, problem="no file", errors=errors)
    filename = upload.filename[:200]
    payload = await upload.read(get_settings().max_body_bytes + 1)
    if not payload:
        errors = [FieldError("file", "must not be empty", filename)]
        return _validate_form(request, status_code=422, chosen=chosen, filename=filename, problem="empty file",
                              errors=errors)  # fmt: skip
    try:
        report = await run_in_threadpool(service.validation_report, chosen or None, payload)
    except ValidationFailed as exc:
        return _validate_form(request, status_code=422, chosen=chosen, filename=filename, problem=exc.detail,
                              errors=exc.errors)  # fmt: skip
    return _validate_form(request, report=report, chosen=chosen, filename=filename)


# ---- one stored document ---------------------------------------------------------------------------------


def _rendering(row: StoredDocument) -> tuple[str | None, list[FieldError]]:
    """The document's HTML from our own templates (its text escaped there), or why it cannot be shown:
    a received document may be too broken to render, and is kept as evidence all the same."""
    try:
        return service.render_html(row), []
    except ValidationFailed as exc:
        return None, exc.errors


@router.get("/documents/{document_id}")
@signed_in_page
def document_page(request: Request, document_id: str, session: Session, principal: Principal) -> Response:
    row = service.get(session, principal, document_id)  # out of scope: NotFound, the 404 page
    html, unrenderable = _rendering(row)
    messages = messages_for_payload(session, principal, row.content, sender=row.received_from)
    return render(
        request, "documents/detail.html", d=_row(row), sha256=row.sha256, size=row.size,
        client_reference=row.client_reference, report=row.validation, html=html, unrenderable=unrenderable,
        messages=messages, labels=LABELS,
    )  # fmt: skip


@router.get("/documents/{document_id}/original")
@signed_in_page
def document_original(request: Request, document_id: str, session: Session, principal: Principal) -> Response:
    row = service.get(session, principal, document_id)
    extension = "json" if row.media_type == "application/json" else "xml"
    headers = {"Content-Disposition": f'attachment; filename="{row.id}.{extension}"', "ETag": f'"{row.sha256}"'}
    return Response(row.content, media_type=row.media_type, headers={**headers, **_DOWNLOAD_HEADERS})


@router.get("/documents/{document_id}/document.pdf")
@signed_in_page
def document_pdf(request: Request, document_id: str, session: Session, principal: Principal) -> Response:
    row = service.get(session, principal, document_id)
    pdf = service.render_pdf(row)  # a document that cannot be rendered: ValidationFailed, the error page
    headers = {"Content-Disposition": f'inline; filename="{row.id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers={**headers, **_DOWNLOAD_HEADERS})
