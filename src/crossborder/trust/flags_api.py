"""Flags raised to trust-mark operators (for example by the redress capability): the operator's
review queue and marking a flag reviewed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from crossborder.core.deps import DB, Caller
from crossborder.trust import flags
from crossborder.trust.flag_models import TrustFlag

router = APIRouter(prefix="/trust", tags=["trust"])


class ReviewNoteIn(BaseModel):
    model_config = {"extra": "forbid"}
    note: str = Field(min_length=1, max_length=5000)


def flag_out(row: TrustFlag) -> dict[str, Any]:
    return {
        "id": row.id, "issuer_org_id": row.issuer_org_id, "country": row.country, "credential_id": row.credential_id,
        "subject_id": row.subject_id, "subject_name": row.subject_name, "source": row.source,
        "source_ref": row.source_ref, "reason": row.reason, "detail": row.detail,
        "raised_at": row.raised_at.isoformat(),
        "reviewed_at": row.reviewed_at.isoformat() if row.reviewed_at else None, "review_note": row.review_note,
    }  # fmt: skip


@router.get("/flags")
def list_flags(db: DB, caller: Caller, include_reviewed: bool = False) -> dict[str, Any]:
    """The operator's review queue: flags about holders of its marks, newest first."""
    return {"flags": [flag_out(r) for r in flags.queue(db, caller, open_only=not include_reviewed)]}


@router.post("/flags/{flag_id}/review")
def review_flag(flag_id: int, body: ReviewNoteIn, db: DB, caller: Caller) -> dict[str, Any]:
    row = flags.mark_reviewed(db, caller, flag_id, body.note)
    db.commit()
    return flag_out(row)
