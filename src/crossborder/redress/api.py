"""Redress API. Filing and confirming a complaint need no account; a party without an account acts
with the token of its e-mailed link in the `X-Party-Token` header; sellers' users, neutrals and
consumer-protection officers use API keys. Every step answers with the case as it now stands."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session

from crossborder.core import ratelimit
from crossborder.core.access.principal import Principal
from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, principal_from_header
from crossborder.core.files import content_disposition
from crossborder.core.problems import problem
from crossborder.core.ratelimit import RateLimited
from crossborder.redress import authority, cases, complaints, odr
from crossborder.redress import dashboard as board
from crossborder.redress.access import Actor, act_as, locked, party_of, roles_on, visible
from crossborder.redress.models import RedressCase
from crossborder.redress.schemas import (
    AppointIn,
    ComplaintIn,
    MessageIn,
    OfferIn,
    ReasonIn,
    TransferIn,
    VerifyIn,
    case_out,
    event_out,
)
from crossborder.redress.settings import odr_settings
from crossborder.redress.worker import RedressWorker
from crossborder.redress.worker import enabled as worker_enabled


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    running = RedressWorker() if worker_enabled() else None
    if running is not None:
        running.start()
    try:
        yield
    finally:
        if running is not None:
            running.stop()


router = APIRouter(prefix="/redress", tags=["redress"], lifespan=_lifespan)
EVIDENCE_PATH = "/api/v1/redress/evidence"  # one fixed path, so its body limit is set apart (app.py)
PartyToken = Annotated[str | None, Header(alias="X-Party-Token")]


def optional_principal(db: DB, authorization: Annotated[str | None, Header()] = None) -> Principal | None:
    return principal_from_header(db, authorization) if authorization else None


MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]


def _full(db: Session, case: RedressCase, principal: Principal | None, token: str | None) -> dict[str, Any]:
    held = roles_on(case, principal, party_of(db, case, token))
    return {
        **case_out(case),
        "your_roles": sorted(held),
        "events": [event_out(e) for e in cases.events(db, case, held)],
        "evidence": [
            {"id": e.id, "filename": e.filename, "media_type": e.media_type, "size": e.size, "sha256": e.sha256,
             "uploaded_by": e.uploaded_by, "uploaded_at": e.uploaded_at.isoformat()}
            for e in cases.evidence(db, case)
        ],
    }  # fmt: skip


def _step(
    db: Session, reference: str, principal: Principal | None, token: str | None, kinds: tuple[str, ...],
    action: Callable[[RedressCase, Actor], object],
) -> dict[str, Any]:  # fmt: skip
    """Run one step as the first capacity in `kinds` the caller holds, on the locked case; commit;
    answer the case."""
    with write_lock():
        case = locked(db, visible(db, reference, principal, token))
        held = roles_on(case, principal, party_of(db, case, token))
        kind = next((k for k in kinds if k in held), kinds[0])
        action(case, act_as(db, case, kind, principal, token))
        db.commit()
    return _full(db, case, principal, token)


@router.post("/complaints", status_code=202)
def file_complaint(body: ComplaintIn, db: DB, request: Request) -> Response:
    """Public. The complaint waits for the consumer to open the e-mailed link; filing again with the
    same e-mail address and client reference returns the first case. Rate-limited per client address
    (429 with Retry-After)."""
    try:
        ratelimit.hit(db, odr_settings().filing_limit, request.client.host if request.client else "unknown")
    except RateLimited as exc:
        db.commit()  # the refused request counts too
        return problem(exc.status, exc.title, exc.detail, instance=request.url.path,
                       headers={"Retry-After": str(exc.retry_after)})  # fmt: skip
    case, created = complaints.file(db, body)
    db.commit()
    out = {"reference": case.reference, "stage": case.stage, "created": created,
           "next": "open the link e-mailed to consumer_email to confirm the complaint"}  # fmt: skip
    return JSONResponse(out, status_code=202 if created else 200)


@router.post("/complaints/verify")
def verify_complaint(body: VerifyIn, db: DB) -> dict[str, Any]:
    """Public: the token of the e-mailed link confirms the complaint (the first time) and opens it."""
    with write_lock():
        case, _confirmed = complaints.verify(db, body.token)
        db.commit()
    return _full(db, case, None, body.token)


@router.get("/cases")
def list_cases(
    db: DB, caller: Caller, stage: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:  # fmt: skip
    rows = cases.listing(db, caller, stage=stage, limit=limit, before_id=before_id)
    return {"cases": [case_out(r, full=False) for r in rows], "next_before_id": rows[-1].id if rows else None}


@router.get("/cases/{reference}")
def get_case(reference: str, db: DB, caller: MaybeCaller, token: PartyToken = None) -> dict[str, Any]:
    return _full(db, visible(db, reference, caller, token), caller, token)


@router.post("/cases/{reference}/messages")
def post_message(reference: str, body: MessageIn, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    return _step(db, reference, caller, token, ("consumer", "seller", "neutral"),
                 lambda c, a: odr.message(db, c, a, body.body))  # fmt: skip


@router.post("/cases/{reference}/offers")
def post_offer(reference: str, body: OfferIn, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    return _step(
        db, reference, caller, token, ("seller", "consumer", "neutral"), lambda c, a: odr.offer(db, c, a, body)
    )


@router.post("/cases/{reference}/offers/{offer_id}/accept")
def accept_offer(reference: str, offer_id: int, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    return _step(db, reference, caller, token, ("consumer", "seller"), lambda c, a: odr.accept(db, c, a, offer_id))


@router.post("/cases/{reference}/escalate")
def escalate(reference: str, body: ReasonIn, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    """A party asks for facilitated settlement before the negotiation deadline."""
    return _step(db, reference, caller, token, ("consumer", "seller"), lambda c, a: odr.escalate(db, c, a, body.reason))


@router.post("/cases/{reference}/withdraw")
def withdraw(reference: str, body: ReasonIn, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    return _step(db, reference, caller, token, ("consumer",), lambda c, a: odr.withdraw(db, c, a, body.reason))


@router.post("/cases/{reference}/objections")
def object_to_neutral(reference: str, body: ReasonIn, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    return _step(db, reference, caller, token, ("consumer", "seller"),
                 lambda c, a: odr.object_to_neutral(db, c, a, body.reason))  # fmt: skip


@router.post("/cases/{reference}/not-honoured")
def not_honoured(reference: str, body: ReasonIn, db: DB, caller: MaybeCaller, token: PartyToken = None) -> Any:
    """The consumer reports that the settlement or recommendation was not honoured."""
    return _step(db, reference, caller, token, ("consumer",),
                 lambda c, a: odr.report_not_honoured(db, c, a, body.reason))  # fmt: skip


@router.post("/cases/{reference}/final")
def move_to_final(reference: str, body: ReasonIn, db: DB, caller: Caller) -> Any:
    return _step(db, reference, caller, None, ("neutral",), lambda c, a: odr.move_to_final(db, c, a, body.reason))


@router.post("/cases/{reference}/recommendation")
def recommend(reference: str, body: ReasonIn, db: DB, caller: Caller) -> Any:
    return _step(db, reference, caller, None, ("neutral",), lambda c, a: odr.recommend(db, c, a, body.reason))


@router.post("/cases/{reference}/neutral")
def appoint_neutral(reference: str, body: AppointIn, db: DB, caller: Caller) -> Any:
    return _step(db, reference, caller, None, ("authority",),
                 lambda c, a: authority.appoint_neutral(db, c, a, body))  # fmt: skip


@router.post("/cases/{reference}/notes")
def add_note(reference: str, body: MessageIn, db: DB, caller: Caller) -> Any:
    """A note only the consumer-protection authorities see."""
    return _step(db, reference, caller, None, ("authority",), lambda c, a: authority.note(db, c, a, body.body))


@router.post("/cases/{reference}/cooperation-requests")
def request_cooperation(reference: str, body: ReasonIn, db: DB, caller: Caller) -> Any:
    return _step(db, reference, caller, None, ("authority",),
                 lambda c, a: authority.request_cooperation(db, c, a, body.reason))  # fmt: skip


@router.post("/cases/{reference}/transfer")
def transfer(reference: str, body: TransferIn, db: DB, caller: Caller) -> Any:
    return _step(db, reference, caller, None, ("authority",), lambda c, a: authority.transfer(db, c, a, body))


@router.post("/cases/{reference}/close")
def close_case(reference: str, body: ReasonIn, db: DB, caller: Caller) -> Any:
    """The authority closes the case without pursuing it (outcome not_pursued), with the reason."""
    return _step(db, reference, caller, None, ("authority",),
                 lambda c, a: authority.close_case(db, c, a, body.reason))  # fmt: skip


@router.post("/evidence")
def upload_evidence(
    db: DB,
    caller: MaybeCaller,
    reference: Annotated[str, Form(max_length=24)],
    file: Annotated[UploadFile, File()],
    token: PartyToken = None,
) -> Any:
    """Attach a file to case `reference` (PDF, PNG, JPEG or text, recognised from its bytes)."""
    content = file.file.read(odr_settings().max_file_bytes + 1)
    return _step(db, reference, caller, token, ("consumer", "seller", "neutral", "authority"),
                 lambda c, a: cases.add_evidence(db, c, a, file.filename, content))  # fmt: skip


@router.get("/cases/{reference}/evidence/{evidence_id}")
def download_evidence(
    reference: str, evidence_id: int, db: DB, caller: MaybeCaller, token: PartyToken = None
) -> Response:
    row = cases.evidence_file(db, visible(db, reference, caller, token), evidence_id)
    return Response(
        row.content, media_type=row.media_type,
        headers={"Content-Disposition": content_disposition(row.filename), "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "private, no-store"},
    )  # fmt: skip


@router.get("/dashboard")
def dashboard(db: DB, caller: Caller, since: date | None = None, until: date | None = None) -> dict[str, Any]:
    """Counts by category, member-state pair, stage and outcome; median and 90th-percentile
    resolution time in days; filings and closures by month (UTC days, filing date in the window)."""
    return asdict(board.build(db, caller, since, until))


@router.get("/dashboard.csv", response_class=PlainTextResponse)
def dashboard_csv(db: DB, caller: Caller, since: date | None = None, until: date | None = None) -> Response:
    text = board.as_csv(board.build(db, caller, since, until))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="complaints-dashboard.csv"'})  # fmt: skip


@router.get("/notifications")
def my_notifications(db: DB, caller: Caller, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    rows = cases.notifications(db, caller, limit)
    return {"notifications": [{"id": n.id, "case": ref, "kind": n.kind, "created_at": n.created_at.isoformat(),
                               "read": n.read_at is not None} for n, ref in rows]}  # fmt: skip
