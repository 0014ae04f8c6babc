"""Exchange pages for signed-in users: messages sent and received with their status and receipts, one
message with its envelope fields, attempts and verified receipt, and the form that queues a stored
document for another node. Scope and every rule stay in `exchange.outbox` (any signed-in caller may
queue, as the API allows) and `documents.service` (only a document the caller may see is sent)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Scope
from crossborder.core.db import get_sessionmaker, session_scope
from crossborder.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from crossborder.documents import service as documents
from crossborder.exchange import nodes, outbox
from crossborder.exchange.models import NodeStatus
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.documents_pages import LABELS
from crossborder.web.exchange_receipts import receipt_view, this_node
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 100
OFFERED_DOCUMENTS = 50  # the newest documents uploaded here, offered in the send form
SEND_FIELDS = {"document_id": 36, "receiver": 64, "client_reference": 100}  # field -> most characters (the columns)


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


def _sees_inbox(principal: Principal) -> bool:
    # Received messages belong to the member state: only country-scoped roles read them (exchange.outbox).
    return principal.widest_scope() is Scope.country


def _send_form(session: Session, principal: Principal, form: dict[str, str] | None) -> dict[str, Any]:
    offered = documents.list_documents(session, principal, received=False, limit=OFFERED_DOCUMENTS)
    return {
        "documents": [{"id": d.id, "type": d.document_type, "number": d.document_number} for d in offered],
        "nodes": [
            {"node_id": n.node_id, "country": n.country, "types": list(n.document_types)}
            for n in nodes.list_nodes(session)
            if n.status == NodeStatus.active.value
        ],
        "form": form or {"client_reference": "web-" + secrets.token_hex(8), "document_id": "", "receiver": ""},
    }


def _list_page(
    request: Request, session: Session, principal: Principal, direction: str, status: str | None,
    after: int | None, *, status_code: int = 200, form: dict[str, str] | None = None, problem: str | None = None,
    errors: list[FieldError] | None = None,
) -> Response:  # fmt: skip
    if direction == "in" and not _sees_inbox(principal):
        direction = "out"
    rows = outbox.list_messages(session, principal, direction=direction, status=status, limit=PAGE_SIZE,
                                after_id=after)  # fmt: skip
    return render(
        request, "exchange/messages.html", status_code=status_code, rows=rows, direction=direction, status=status,
        statuses=list(LABELS["statuses"]), sees_inbox=_sees_inbox(principal),
        next_after=rows[-1]["seq"] if len(rows) == PAGE_SIZE else None, send=_send_form(session, principal, form),
        problem=problem, errors=errors or [], node_id=this_node(), labels=LABELS,
    )  # fmt: skip


@router.get("/exchange/messages")
def message_list(
    request: Request, direction: str = "out", status: str | None = None, after: int | None = None,
    document: str | None = None,
) -> Response:  # fmt: skip
    user = _user(request)
    if user is None:
        return signin_redirect(request)
    chosen = direction if direction in outbox.DIRECTIONS else "out"
    wanted = status if status in LABELS["statuses"] else None
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        form = None
        if document:  # "Send to another node" on a document's page chooses it here
            form = {"client_reference": "web-" + secrets.token_hex(8), "document_id": document[:36], "receiver": ""}
        return _list_page(request, session, principal, chosen, wanted, after if after and after > 0 else None,
                          form=form)  # fmt: skip


def _queue(session: Session, principal: Principal, form: dict[str, str]) -> str:
    """Queue the chosen document for the chosen node; returns the message id (the first one's, when the
    hidden client reference repeats a submit)."""
    errors = [FieldError(k, "required", "") for k in SEND_FIELDS if not form[k]]
    errors += [FieldError(k, f"at most {SEND_FIELDS[k]} characters", form[k]) for k in SEND_FIELDS
               if len(form[k]) > SEND_FIELDS[k]]  # fmt: skip
    if errors:
        raise ValidationFailed("the send form is incomplete", errors=errors)
    try:
        row = documents.get(session, principal, form["document_id"])
    except NotFound:
        wrong = FieldError("document_id", "a stored document you may see", form["document_id"])
        raise ValidationFailed("unknown document", errors=[wrong]) from None
    message, _created = outbox.queue(
        session, principal, receiver=form["receiver"], document_type=row.document_type, payload=row.content,
        client_reference=form["client_reference"],
    )  # fmt: skip
    return message.message_id


@router.post("/exchange/outbox")
async def queue_document(request: Request) -> Response:
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, "/exchange/messages")
    raw = await request.form()
    form = {k: str(raw.get(k, "")).strip() for k in SEND_FIELDS}
    try:
        with session_scope() as session:
            principal = principal_of(session, user)
            try:
                message_id = _queue(session, principal, form)
            except (ValidationFailed, Conflict) as exc:
                session.rollback()
                return _list_page(request, session, principal, "out", None, None, status_code=exc.status, form=form,
                                  problem=exc.detail, errors=exc.errors)  # fmt: skip
    except IntegrityError:
        # A concurrent submit with the same client reference committed first: its message is the answer.
        with get_sessionmaker()() as session:
            message_id = _queue(session, principal_of(session, user), form)
    return RedirectResponse(f"/exchange/messages/{message_id}?done=queued", status_code=303)


@router.get("/exchange/messages/{message_id}")
@signed_in_page
def message_page(request: Request, message_id: str, session: Session, principal: Principal) -> Response:
    message = outbox.get_message(session, principal, message_id[:36])  # out of scope: NotFound, the 404 page
    receipt = receipt_view(session, message)
    return render(
        request, "exchange/message.html", m=message, receipt=receipt, done=request.query_params.get("done"),
        labels=LABELS,
    )  # fmt: skip
