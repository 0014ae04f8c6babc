"""Monitoring API: tracking (activity statuses, progress, timeline) and the plan's versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.idempotency import run_once
from crossborder.monitoring import plan_versions, tracking
from crossborder.monitoring.plan_versions_diff import diff
from crossborder.monitoring.tracking_progress import Progress, Share, progress_for
from crossborder.monitoring.tracking_schemas import AmendmentIn, StatusIn, status_out, version_out
from crossborder.monitoring.tracking_timeline import timeline_for

router = APIRouter(prefix="/monitoring", tags=["monitoring"])
Country = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="A member state; omit for overall")]


@router.post("/tracking/statuses", status_code=201)
def report_status(body: StatusIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Report where an activity stands, overall (country null: secretariat only) or for a member state
    (its focal point, or the secretariat). Repeating the client reference (or Idempotency-Key) with
    the same report answers the first (200); with another report, 409."""
    with write_lock():
        row, created = tracking.report(db, caller, body, body.client_reference or idempotency_key)
        db.commit()
    return JSONResponse(status_out(row), status_code=201 if created else 200)


@router.get("/tracking/statuses")
def list_statuses(
    db: DB, caller: Caller, country: Country = None,
    topic: Annotated[str | None, Query(max_length=8, examples=["A.1"])] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> dict[str, Any]:  # fmt: skip
    """The current status of every activity that has a report: overall and your member state (the
    secretariat: every state), or one state."""
    rows = tracking.current_statuses(db, caller, topic=topic, country=country, status=status)
    return {"statuses": [status_out(r) for r in rows]}


@router.get("/tracking/activities/{activity_id}/history")
def status_history(activity_id: str, db: DB, caller: Caller, country: Country = None) -> dict[str, Any]:
    """Every report on one activity you may read, newest first."""
    return {"activity_id": activity_id,
            "history": [status_out(r) for r in tracking.history(db, caller, activity_id, country)]}  # fmt: skip


def _share(s: Share) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "percent": str(s.percent) if s.percent is not None else None,
            "percent_display": s.shown, "credits": str(s.credits), "counted": s.counted, "dropped": s.dropped,
            "by_status": dict(s.by_status)}  # fmt: skip


def progress_out(p: Progress) -> dict[str, Any]:
    return {
        "country": p.country,
        "overall": _share(p.overall),
        "workstreams": [_share(s) for s in p.workstreams],
        "topics": [_share(s) for s in p.topics],
        "weighting": {"credits": {k: None if v is None else str(v) for k, v in p.weighting.credits.items()},
                      "rollup": p.weighting.rollup, "rationale": p.weighting.rationale,
                      "source": p.weighting.source_note},
    }  # fmt: skip


@router.get("/tracking/progress")
def get_progress(db: DB, caller: Caller, country: Country = None) -> dict[str, Any]:
    """Percentage of implementation per topic, workstream and overall (exact decimal strings, and
    rounded half-even to one decimal for display), with the weighting used."""
    return progress_out(progress_for(db, caller, country))


@router.get("/tracking/timeline")
def get_timeline(db: DB, caller: Caller, country: Country = None) -> dict[str, Any]:
    """Each activity with its target date (31 December of its due year), current status and a late flag."""
    return {"country": country, "topics": [
        {"id": t.topic_id, "title": t.title, "activities": [
            {"id": r.activity.id, "target": r.target.isoformat() if r.target else None,
             "target_timeline": r.activity.target_timeline, "status": r.status, "late": r.late}
            for r in t.rows]}
        for t in timeline_for(db, caller, country)]}  # fmt: skip


@router.get("/plan/versions")
def list_versions(
    db: DB, caller: Caller, document: Annotated[str | None, Query(max_length=24)] = None
) -> dict[str, Any]:
    """Stored versions of the plans, newest first (version 1 is the shipped file, once imported)."""
    return {"versions": [version_out(v) for v in plan_versions.versions(db, caller, document)]}


@router.get("/plan/versions/{document}/diff")
def version_diff(
    document: str, db: DB, caller: Caller,
    from_: Annotated[int, Query(alias="from", ge=1)], to: Annotated[int, Query(ge=1)],
) -> dict[str, Any]:  # fmt: skip
    """Every key path that differs between two versions, with its old and new value."""
    old = plan_versions.get(db, caller, document, from_)
    new = plan_versions.get(db, caller, document, to)
    changes = [{"path": c.path, "old": c.old, "new": c.new} for c in diff(old.content, new.content)]
    return {"document": document, "from": from_, "to": to, "changes": changes}


@router.get("/plan/versions/{document}/{version}")
def get_version(document: str, version: int, db: DB, caller: Caller) -> dict[str, Any]:
    return version_out(plan_versions.get(db, caller, document, version), content=True)


@router.post("/plan/versions", status_code=201)
def amend_plan(body: AmendmentIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Secretariat: amend one activity or add one to an objective; a new version of the Work Plan,
    validated as the shipped file is, recording the old value of every changed key path."""

    def create() -> tuple[int, dict[str, Any]]:
        return 201, version_out(plan_versions.amend(db, caller, body))

    with write_lock():
        status, payload = run_once(db, caller.actor, idempotency_key, body.model_dump(mode="json"), create)
    return JSONResponse(payload, status_code=status)
