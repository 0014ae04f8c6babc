"""Application and audit workflow API: businesses apply and answer with evidence; the operator's
auditors review each criterion and decide. Evidence uploads go to one fixed path so the body-size
limit for them can be set apart from the API's default."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from crossborder.core.deps import DB, Caller
from crossborder.core.files import content_disposition
from crossborder.trust import applications as workflow
from crossborder.trust.application_models import TrustApplication
from crossborder.trust.application_schemas import (
    AnswerIn,
    ApplicationIn,
    CommentIn,
    DecisionIn,
    ReviewIn,
    SubmitIn,
    application_out,
    evidence_out,
    review_out,
)
from crossborder.trust.application_settings import application_settings
from crossborder.trust.schemas import StatusChangeIn

router = APIRouter(prefix="/trust", tags=["trust applications"])
EVIDENCE_PATH = "/api/v1/trust/evidence"


def _full(db: DB, row: TrustApplication) -> dict[str, Any]:
    found = workflow.detail(db, row)
    latest = workflow.latest_reviews(db, row)
    return {
        **application_out(row),
        "answers": {c: a.answer for c, a in found["answers"].items()},
        "evidence": [evidence_out(e) for e in found["evidence"]],
        "reviews": {c: review_out(r) for c, r in latest.items()},
        "review_history": [review_out(r) for r in found["reviews"]],
    }


@router.get("/operators")
def list_operators(db: DB) -> dict[str, Any]:
    """Public: the trust-mark operators a business may apply to."""
    return {"operators": [{"id": o.id, "name": o.name, "country": o.country} for o in workflow.operators(db)]}


@router.post("/applications", status_code=201)
def create_application(body: ApplicationIn, db: DB, caller: Caller) -> JSONResponse:
    """A business or platform applies (or renews); repeating a client reference returns the first."""
    row, created = workflow.create(db, caller, body)
    db.commit()
    return JSONResponse(_full(db, row), status_code=201 if created else 200)


@router.get("/applications")
def list_applications(
    db: DB,
    caller: Caller,
    status: str | None = None,
    scheme: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """The auditors' queue (their member state) or a business's own applications, newest first."""
    rows = workflow.listing(db, caller, status=status, scheme=scheme, limit=limit, before_id=before_id)
    return {"applications": [application_out(r) for r in rows], "next_before_id": rows[-1].id if rows else None}


@router.get("/applications/{reference}")
def get_application(reference: str, db: DB, caller: Caller) -> dict[str, Any]:
    return _full(db, workflow.get(db, caller, reference))


@router.put("/applications/{reference}/answers/{criterion}")
def put_answer(reference: str, criterion: str, body: AnswerIn, db: DB, caller: Caller) -> dict[str, Any]:
    row = workflow.set_answer(db, caller, reference, criterion, body.answer)
    db.commit()
    return _full(db, row)


@router.post("/evidence", status_code=201)
def upload_evidence(
    db: DB,
    caller: Caller,
    application: Annotated[str, Form(max_length=40)],
    criterion: Annotated[str, Form(max_length=60)],
    file: Annotated[UploadFile, File()],
) -> JSONResponse:
    """One evidence file for one criterion (multipart). Types are recognised from the bytes; the same
    file again for the same criterion returns the first."""
    content = file.file.read(application_settings().max_file_bytes + 1)
    stored, created = workflow.add_evidence(db, caller, application, criterion, file.filename, content)
    db.commit()
    return JSONResponse(evidence_out(stored), status_code=201 if created else 200)


@router.get("/applications/{reference}/evidence/{evidence_id}", response_class=Response)
def download_evidence(reference: str, evidence_id: int, db: DB, caller: Caller) -> Response:
    found = workflow.evidence_file(db, caller, reference, evidence_id)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
            "Digest": f"sha-256={found.sha256}",
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/applications/{reference}/submit")
def submit(reference: str, body: SubmitIn, db: DB, caller: Caller) -> dict[str, Any]:
    row = workflow.submit(db, caller, reference, body.annual_declaration)
    db.commit()
    return _full(db, row)


@router.post("/applications/{reference}/withdraw")
def withdraw(reference: str, body: StatusChangeIn, db: DB, caller: Caller) -> dict[str, Any]:
    row = workflow.withdraw(db, caller, reference, body.reason)
    db.commit()
    return _full(db, row)


@router.post("/applications/{reference}/reviews", status_code=201)
def add_review(reference: str, body: ReviewIn, db: DB, caller: Caller) -> dict[str, Any]:
    workflow.review(db, caller, reference, body.criterion, body.outcome, body.comment)
    db.commit()
    return _full(db, workflow.get(db, caller, reference))


@router.post("/applications/{reference}/request-information")
def request_information(reference: str, body: CommentIn, db: DB, caller: Caller) -> dict[str, Any]:
    row = workflow.request_information(db, caller, reference, body.comment)
    db.commit()
    return _full(db, row)


@router.post("/applications/{reference}/decision")
def decide(reference: str, body: DecisionIn, db: DB, caller: Caller) -> dict[str, Any]:
    """Grant (issues the credential; every criterion reviewed as met) or refuse, with a reason."""
    row = workflow.decide(db, caller, reference, body.decision, body.reason)
    db.commit()
    return _full(db, row)
