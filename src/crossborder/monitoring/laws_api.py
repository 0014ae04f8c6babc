"""Monitoring API: laws (the Laws Reporting Scheme). National plans (focal points submit, the
secretariat reviews), the coverage matrix with the 2021 baseline, common gaps with workshop
proposals, and the public view of accepted laws (no sign-in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.idempotency import run_once
from crossborder.monitoring import laws as service
from crossborder.monitoring import laws_coverage as coverage
from crossborder.monitoring import laws_public as public
from crossborder.monitoring.access import require_reader
from crossborder.monitoring.law_models import LawPlan
from crossborder.monitoring.laws_check import year_range
from crossborder.monitoring.laws_reference import instruments
from crossborder.monitoring.laws_schemas import PlanIn, ReviewIn, entry_out, plan_out, revision_out

router = APIRouter(prefix="/monitoring", tags=["monitoring"])


def full_plan(db: Session, plan: LawPlan) -> dict[str, Any]:
    revisions = []
    for rev in service.revisions(db, plan):
        entries = [entry_out(e.row, e.laws, e.actions) for e in service.entries(db, rev)]
        revisions.append(revision_out(rev, entries))
    return {**plan_out(plan), "revisions": revisions}


def _year(year: int) -> int:
    first, last = year_range()
    if not first <= year <= last:
        raise ValidationFailed("year out of range", errors=[FieldError("year", f"from {first} to {last}", year)])
    return year


def _viewer(caller: Principal) -> str | None:
    require_reader(caller)
    return None if caller.is_regional else caller.country


def matrix_out(m: coverage.Matrix) -> dict[str, Any]:
    def cell(c: coverage.Cell | None) -> dict[str, Any] | None:
        return None if c is None else {"level": c.level.value, "basis": c.basis, "plan": c.plan, "revision": c.revision}

    return {
        "year": m.year,
        "baseline_year": m.baseline_year,
        "states": m.states,
        "topics": [
            {
                "topic": r.topic.id,
                "title": r.topic.title,
                "workstream": r.topic.workstream_id,
                "latest": {s: cell(c) for s, c in r.cells.items()},
                "baseline": {s: cell(c) for s, c in r.baseline.items()},
                "change": r.changes,
                "mapping_study": None
                if r.mapping_study is None
                else {
                    "summary": r.mapping_study.summary,
                    "regional_level": r.mapping_study.regional_level,
                    "source": {"document": r.mapping_study.source.document, "section": r.mapping_study.source.section},
                },
            }
            for r in m.rows
        ],
    }


def gap_out(g: coverage.Gap) -> dict[str, Any]:
    return {
        "topic": g.topic.id, "title": g.topic.title,
        "lacking": [{"state": s, "level": level.value} for s, level in g.lacking],
        "instruments": [{"id": i.id, "title": i.title} for i in g.instruments],
        "leads": g.leads,
        "workshop_activity": None if g.workshop is None else {"id": g.workshop.id, "text": g.workshop.text},
        "proposal": g.proposal,
    }  # fmt: skip


@router.post("/laws/plans", status_code=201)
def submit_plan(
    body: PlanIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None,
    draft: Annotated[bool, Query(description="Save as the open draft instead of submitting")] = False,
) -> JSONResponse:  # fmt: skip
    """Submit (or save as draft) a member state's national plan for a year. One plan per (state,
    year): a further submission is a new revision. A bad entry is refused naming its path, value and
    rule, and nothing is stored. Repeating the client reference answers the first revision (200)."""
    reference = body.client_reference or idempotency_key

    def create() -> tuple[int, dict[str, Any]]:
        plan, _rev, created = service.submit(db, caller, body, reference, draft=draft)
        return (201 if created else 200), full_plan(db, plan)

    with write_lock():
        status, answer = run_once(
            db, caller.actor, idempotency_key, body.model_dump(mode="json") | {"draft": draft}, create
        )
    return JSONResponse(answer, status_code=status)


@router.get("/laws/plans")
def list_plans(
    db: DB, caller: Caller, year: Annotated[int | None, Query()] = None,
    status: Annotated[str | None, Query(pattern="^(draft|submitted|accepted|returned)$")] = None,
) -> dict[str, Any]:  # fmt: skip
    """Plans you read: your member state's, or every state's for the secretariat."""
    return {"plans": [plan_out(p) for p in service.listing(db, caller, year=year, status=status)]}


@router.get("/laws/plans/{reference}")
def get_plan(reference: str, db: DB, caller: Caller) -> dict[str, Any]:
    """A plan with every revision, newest first, and the secretariat's comments."""
    return full_plan(db, service.get_plan(db, caller, reference))


@router.post("/laws/plans/{reference}/review")
def review_plan(reference: str, body: ReviewIn, db: DB, caller: Caller) -> dict[str, Any]:
    """The secretariat accepts the submitted revision, or returns it with comments."""
    with write_lock():
        service.review(db, caller, reference, body)
        db.commit()
    return full_plan(db, service.get_plan(db, caller, reference))


@router.get("/laws/coverage")
def get_coverage(
    db: DB, caller: Caller, year: Annotated[int, Query()], baseline: Annotated[int | None, Query()] = None
) -> dict[str, Any]:
    """Coverage levels (yes, partial, no, not_reported) per topic and member state for `year`, with
    the baseline (default 2021: the Mapping Study as the Work Plan states it, else 2021 plans)."""
    viewer = _viewer(caller)
    return matrix_out(coverage.matrix(db, _year(year), None if baseline is None else _year(baseline), viewer))


@router.get("/laws/common-gaps")
def get_common_gaps(db: DB, caller: Caller, year: Annotated[int, Query()]) -> dict[str, Any]:
    """Topics where several member states lack coverage, each with a Law Incorporation Workshop proposal."""
    viewer = _viewer(caller)
    return {"year": year, "gaps": [gap_out(g) for g in coverage.common_gaps(db, _year(year), viewer=viewer)]}


@router.get("/laws/public")
def public_laws(
    db: DB,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    topic: Annotated[str | None, Query(max_length=8)] = None,
    status: Annotated[str | None, Query(pattern="^(none|drafting|enacted|in_force)$")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Public, no sign-in: laws in national plans the secretariat accepted, like a trade repository."""
    rows = public.search(db, country=country, topic=topic, status=status, text=q)
    return {"laws": [r.as_dict() for r in rows]}


@router.get("/laws/instruments")
def list_instruments() -> dict[str, Any]:
    """Reference instruments the Work Plan names per topic, with where it names them."""
    return {
        "instruments": [
            {"id": i.id, "title": i.title, "topics": list(i.topics),
             "source": {"document": i.source.document, "section": i.source.section, "quote": i.source.quote}}
            for i in instruments().values()
        ]
    }  # fmt: skip
