"""Fraud-incident sharing API: consumer-protection authorities report incidents and read the reports
and alerts the sharing rules let them see; anyone may run the coarse, rate-limited public check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.problems import problem
from crossborder.core.ratelimit import RateLimited
from crossborder.redress import incident_public as public
from crossborder.redress import incidents as service
from crossborder.redress.incident_models import FraudIncident
from crossborder.redress.incident_schemas import IncidentIn, incident_out
from crossborder.redress.incidents import AlertView

router = APIRouter(prefix="/redress", tags=["redress fraud incidents"])


def alert_out(alert: AlertView) -> dict[str, Any]:
    return {
        "id": alert.id,
        "raised_at": alert.at.isoformat(),
        "kind": alert.kind,
        "value": alert.value,
        "own": {"country": alert.own_country, "reference": alert.own_reference},
        # reference null: the other state shares only that it reported this identifier
        "other": {"country": alert.other_country, "reference": alert.other_reference},
    }


def _full(db: DB, caller: Caller, row: FraudIncident) -> dict[str, Any]:
    alerts = service.alerts(db, caller, incident=row)
    return {**incident_out(row, service.identifiers_of(db, row)), "alerts": [alert_out(a) for a in alerts]}


@router.post("/incidents", status_code=201)
def report_incident(body: IncidentIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Report an incident with the identifiers the fraudster used. Each is normalised (a bad one is
    refused naming its index, value and rule, and nothing is stored) and matched against other
    member states' reports; a match raises an alert for both authorities. Repeating the client
    reference (or Idempotency-Key) with the same report answers the first (200); another report, 409."""
    with write_lock():
        row, created = service.report(db, caller, body, body.client_reference or idempotency_key)
        db.commit()
    return JSONResponse(_full(db, caller, row), status_code=201 if created else 200)


@router.get("/incidents")
def list_incidents(
    db: DB,
    caller: Caller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """Reports of your member state and of the states that share theirs with it, newest first."""
    rows = service.listing(db, caller, limit=limit, before_id=before_id)
    return {
        "incidents": [incident_out(r, service.identifiers_of(db, r)) for r in rows],
        "next_before_id": rows[-1].id if len(rows) == limit else None,
    }


@router.get("/incidents/alerts")
def list_alerts(db: DB, caller: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """Matches between a report of your member state and another state's, newest first."""
    return {"alerts": [alert_out(a) for a in service.alerts(db, caller, limit=limit)]}


@router.get("/incidents/check")
def public_check(
    request: Request,
    db: DB,
    kind: Annotated[str, Query(max_length=16, description="phone, domain, email, bank_account, ewallet, business")],
    value: Annotated[str, Query(max_length=400)],
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="Reads national numbers")] = None,
) -> Response:
    """Public, no sign-in: has this identifier been reported? Answers only in how many member states
    an authority reported it. Rate-limited per client address: over the limit, 429 with Retry-After."""
    try:
        public.count_request(db, request.client.host if request.client else "unknown")
    except RateLimited as exc:
        db.commit()  # the refused request counts too
        headers = {"Retry-After": str(exc.retry_after)}
        return problem(exc.status, exc.title, exc.detail, instance=request.url.path, headers=headers)
    db.commit()
    return JSONResponse(public.check(db, kind, value, country).as_dict())


@router.get("/incidents/{reference}")
def get_incident(reference: str, db: DB, caller: Caller) -> dict[str, Any]:
    return _full(db, caller, service.get(db, caller, reference))
