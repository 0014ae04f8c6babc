"""Customs API: landed cost (public), declarations, officer actions, manifests, watch list."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import today
from crossborder.core.db import get_sessionmaker, write_lock
from crossborder.core.deps import DB, Authorization, Caller, principal_from_header
from crossborder.core.errors import FieldError, Forbidden, ValidationFailed
from crossborder.customs import declarations as service
from crossborder.customs import stats
from crossborder.customs.bulk import persist_batch
from crossborder.customs.declaration_input import party_key
from crossborder.customs.landed_cost import assess
from crossborder.customs.manifest import clear_file
from crossborder.customs.models import WatchListEntry
from crossborder.customs.schemas import ActionIn, DeclarationDoc, ShipmentDoc, WatchListIn, body_doc
from crossborder.customs.settings import customs_settings
from crossborder.customs.shipment import parse_shipment
from crossborder.customs.views import declaration_out, document_record

router = APIRouter(prefix="/customs", tags=["customs"])
MANIFEST_PATH = "/api/v1/customs/manifests"
DECLARANT_ROLES = frozenset({Role.business_user, Role.platform_operator, Role.logistics_operator, Role.admin})


@router.post("/landed-cost", openapi_extra=body_doc(ShipmentDoc))
def landed_cost(db: DB, body: Annotated[Any, Body()], explain: bool = True) -> dict[str, Any]:
    """Public (no sign-in): what a parcel will cost, and why, before checkout."""
    shipment = parse_shipment(body, today=today())
    book = service.rulebook_for(db, shipment.destination, shipment.on)
    return assess(shipment, book).as_dict(explain=explain)


@router.post("/declarations", status_code=201, openapi_extra=body_doc(DeclarationDoc))
def submit_declaration(body: Annotated[Any, Body()], authorization: Authorization = None) -> JSONResponse:
    # The session is opened here and the caller authenticated here, not by the `DB` and `Caller`
    # dependencies: each dependency costs FastAPI's dependency solving (and an async exit stack)
    # on every request, the largest framework cost of this, the busiest endpoint. Leaving the
    # block rolls back whatever was not committed and closes the session, as `db_session` does.
    with get_sessionmaker()() as db:
        return _submit(db, body, authorization)


def _submit(db: Session, body: Any, authorization: str | None) -> JSONResponse:
    caller = principal_from_header(db, authorization)
    if not caller.roles & DECLARANT_ROLES:
        raise Forbidden("only a business, platform, logistics operator or administrator may declare")
    try:
        row, created = service.submit(db, caller, body, today=today(), commit=True)
    except IntegrityError:
        # A concurrent request with the same reference won the unique constraint: answer with its result.
        db.rollback()
        existing = service.repeat_of(db, caller, body)
        if existing is None:
            raise
        row, created = existing, False
    # A new declaration's events are the two just written: built from the row, not read back.
    events = service.first_events(row, caller.actor) if created else service.events(db, row)
    return JSONResponse(declaration_out(row, events, caller), status_code=201 if created else 200)


@router.get("/declarations")
def list_declarations(
    db: DB,
    caller: Caller,
    status: str | None = None,
    lane: str | None = None,
    destination: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> list[dict[str, Any]]:
    rows = service.listing(
        db, caller, status=status, lane=lane, destination=destination, limit=limit, before_id=before_id
    )
    return [declaration_out(r, None, caller) for r in rows]


@router.get("/declarations/{declaration_id}")
def get_declaration(declaration_id: int, db: DB, caller: Caller) -> dict[str, Any]:
    row = service.get(db, caller, declaration_id)
    return declaration_out(row, service.events(db, row), caller)


@router.get("/declarations/{declaration_id}/documents/{kind}")
def declaration_document(
    declaration_id: int, kind: Literal["invoice", "origin"], db: DB, caller: Caller
) -> dict[str, Any]:
    """The record of a document the declaration points to, for whoever may see the declaration
    (the destination's customs among them, wherever the document was stored)."""
    return document_record(service.attached_document(db, caller, declaration_id, kind))


@router.get("/declarations/{declaration_id}/documents/{kind}/content")
def declaration_document_content(
    declaration_id: int, kind: Literal["invoice", "origin"], db: DB, caller: Caller
) -> Response:
    """The exact bytes of that document (their SHA-256 is in its record and the ETag)."""
    row = service.attached_document(db, caller, declaration_id, kind)
    name = f"{row.id}.{'json' if row.media_type == 'application/json' else 'xml'}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "ETag": f'"{row.sha256}"'}
    return Response(row.content, media_type=row.media_type, headers=headers)


@router.post("/declarations/{declaration_id}/actions")
def act_on_declaration(declaration_id: int, body: ActionIn, db: DB, caller: Caller) -> dict[str, Any]:
    with write_lock():
        row = service.act(db, caller, declaration_id, body.action, body.reason, body.lane)
        db.commit()
    return declaration_out(row, service.events(db, row), caller)


@router.get("/release-times")
def release_times(db: DB, caller: Caller, destination: str | None = None) -> dict[str, Any]:
    """Time-release figures from the platform's own records, within the caller's scope."""
    return stats.release_times(db, caller, destination)


@router.post("/watch-list", status_code=201)
def add_watch_list(body: WatchListIn, db: DB, caller: Caller) -> dict[str, Any]:
    if Role.customs_officer not in caller.roles or (not caller.is_regional and caller.country != body.destination):
        raise Forbidden(f"only a customs officer of {body.destination} may edit its watch list")
    entry = WatchListEntry(
        destination=body.destination,
        party_key=party_key(body.name, body.address, body.country),
        label=body.name,
        reason=body.reason,
    )
    db.add(entry)
    db.flush()
    audit.record(
        db,
        caller,
        "customs.watchlist.add",
        "watch_list",
        entry.id,
        country=body.destination,
        after={"label": body.name, "reason": body.reason},
    )
    db.commit()
    return {"id": entry.id, "destination": entry.destination, "label": entry.label}


@router.post(
    MANIFEST_PATH.removeprefix("/api/v1/customs"),
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            }
        }
    },
)
async def submit_manifest(request: Request, db: DB, caller: Caller, persist: bool = True) -> StreamingResponse:
    """A manifest as CSV or JSON lines (streamed in, up to the manifest size limit): every line is
    assessed (and stored unless persist=false); the response streams one JSON result per line."""
    if not caller.roles & DECLARANT_ROLES:
        raise Forbidden("only a business, platform, logistics operator or administrator may file manifests")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    suffix = {"text/csv": ".csv", "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl"}.get(kind)
    if suffix is None:
        raise ValidationFailed(
            "unsupported manifest type",
            errors=[FieldError("Content-Type", "must be text/csv or application/x-ndjson", kind)],
        )
    work = Path(tempfile.mkdtemp(prefix="manifest-"))
    source, out = work / f"in{suffix}", work / "out.jsonl"
    with source.open("wb") as handle:
        async for chunk in request.stream():
            handle.write(chunk)

    def store(batch: list[Any]) -> None:
        persist_batch(db, caller, batch)

    # The work is CPU-bound and synchronous: run it off the event loop.
    await run_in_threadpool(
        clear_file,
        db,
        source,
        out,
        checkpoint_every=customs_settings().checkpoint_every,
        persist=store if persist else None,
        today=today(),
    )

    def stream() -> Iterator[bytes]:
        with out.open("rb") as handle:
            yield from iter(lambda: handle.read(65536), b"")
        source.unlink(missing_ok=True)
        out.unlink(missing_ok=True)
        work.rmdir()

    return StreamingResponse(stream(), media_type="application/x-ndjson")
