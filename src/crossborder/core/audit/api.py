"""Audit log API: read entries within the caller's scope."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from crossborder.core.access.roles import Permission
from crossborder.core.audit import service
from crossborder.core.deps import DB, Caller

router = APIRouter(tags=["audit"])


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    country: str | None
    before_digest: str | None
    after_digest: str | None
    hash: str


@router.get("/audit", response_model=list[AuditEntryOut])
def list_audit(
    db: DB,
    caller: Caller,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
    action: str | None = None,
) -> Any:
    caller.require(Permission.audit_read)
    return service.list_entries(db, caller, limit=limit, before_seq=before_seq, action=action)
