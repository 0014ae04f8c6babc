"""Monitoring pages: tracking (progress per workstream and topic with its weighting, the timeline
against target dates, one activity's history with a form to report its status) and the plan's
versions with a diff. Every rule stays in `monitoring.tracking*` and `monitoring.plan_versions`."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.dates import today
from crossborder.core.db import session_scope, write_lock
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.monitoring import plan_versions, tracking
from crossborder.monitoring.access import REPORTER_ROLES, require_secretariat, visible_countries
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.plan_versions_diff import diff
from crossborder.monitoring.tracking_models import Status
from crossborder.monitoring.tracking_progress import Progress, progress_for
from crossborder.monitoring.tracking_schemas import StatusIn
from crossborder.monitoring.tracking_timeline import YEARS, target_of, timeline_for
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.labels import N_
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "delayed": N_("Delayed"),
    "dropped": N_("Dropped"),
}
FORM_FIELDS = ("status", "as_of", "country", "evidence", "evidence_url", "client_reference")


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


def _country(request: Request) -> str | None:
    value = request.query_params.get("country", "").strip().upper()
    return value or None


def _countries(principal: Principal) -> list[str]:
    return visible_countries(principal, tracking.member_states())


def chart_of(progress: Progress) -> Any:
    return bar_chart(
        "Implementation by topic (%)", [t.id for t in progress.topics],
        [Series(progress.country or "Overall", [t.percent for t in progress.topics])], unit="%",
    )  # fmt: skip


@router.get("/monitoring/tracking")
@signed_in_page
def progress_page(request: Request, session: Session, principal: Principal) -> Response:
    country = _country(request)
    progress = progress_for(session, principal, country)
    return render(
        request, "monitoring/tracking_progress.html", progress=progress, chart=chart_of(progress),
        country=country, countries=_countries(principal), labels=STATUS_LABELS, statuses=list(Status),
    )  # fmt: skip


@router.get("/monitoring/tracking/timeline")
@signed_in_page
def timeline_page(request: Request, session: Session, principal: Principal) -> Response:
    country = _country(request)
    topics = timeline_for(session, principal, country)
    return render(
        request, "monitoring/tracking_timeline.html", topics=topics, years=YEARS, country=country,
        countries=_countries(principal), labels=STATUS_LABELS,
    )  # fmt: skip


def _activity_page(
    request: Request, session: Session, principal: Principal, activity_id: str, *, status_code: int = 200,
    problem: str | None = None, errors: list[FieldError] | None = None, form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    activity = plan_versions.current_plans(session).activities.get(activity_id)
    if activity is None:
        raise NotFound(f"no Work Plan activity {activity_id!r}")
    countries = _countries(principal)
    reportable = countries if principal.roles & REPORTER_ROLES or principal.is_regional else []
    default = {"status": "", "as_of": today().isoformat(), "country": principal.country or "",
               "evidence": "", "evidence_url": "", "client_reference": "web-" + secrets.token_hex(8)}  # fmt: skip
    return render(
        request, "monitoring/tracking_activity.html", status_code=status_code, activity=activity,
        target=target_of(activity), history=tracking.history(session, principal, activity_id),
        may_report_overall=principal.is_regional, reportable=reportable, statuses=list(Status),
        labels=STATUS_LABELS, problem=problem, errors=errors or [], form=form or default,
        done=request.query_params.get("done"),
    )  # fmt: skip


@router.get("/monitoring/tracking/activities/{activity_id}")
@signed_in_page
def activity_page(request: Request, activity_id: str, session: Session, principal: Principal) -> Response:
    return _activity_page(request, session, principal, activity_id)


def _status_in(activity_id: str, form: dict[str, str]) -> StatusIn:
    try:
        return StatusIn.model_validate(
            {"activity_id": activity_id, "status": form["status"], "as_of": form["as_of"] or None,
             "country": None if form["country"] in ("", "overall") else form["country"],
             "evidence": form["evidence"] or None, "evidence_url": form["evidence_url"] or None,
             "client_reference": form["client_reference"] or None}
        )  # fmt: skip
    except ValidationError as exc:
        raise ValidationFailed(
            "the status report has errors",
            errors=[FieldError(".".join(str(p) for p in e["loc"]), e["msg"], e.get("input")) for e in exc.errors()],
        ) from None


@router.post("/monitoring/tracking/activities/{activity_id}")
async def report_status(request: Request, activity_id: str) -> Response:
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, f"/monitoring/tracking/activities/{activity_id}")
    raw = await request.form()
    form = {name: str(raw.get(name, "")).strip() for name in FORM_FIELDS}
    with write_lock(), session_scope() as session:
        principal = principal_of(session, user)
        try:
            tracking.report(session, principal, _status_in(activity_id, form), form["client_reference"] or None)
        except (ValidationFailed, Conflict, Forbidden) as exc:
            session.rollback()
            return _activity_page(request, session, principal, activity_id, status_code=exc.status,
                                  problem=exc.detail, errors=exc.errors, form=form)  # fmt: skip
    return RedirectResponse(f"/monitoring/tracking/activities/{activity_id}?done=reported", status_code=303)


@router.get("/monitoring/plan/versions")
@signed_in_page
def versions_page(request: Request, session: Session, principal: Principal) -> Response:
    require_secretariat(principal)
    rows = plan_versions.versions(session, principal, "work_plan")
    changes, pair = None, None
    old, new = request.query_params.get("from", ""), request.query_params.get("to", "")
    if old.isascii() and old.isdigit() and new.isascii() and new.isdigit():
        pair = (int(old), int(new))
        changes = diff(plan_versions.get(session, principal, "work_plan", pair[0]).content,
                       plan_versions.get(session, principal, "work_plan", pair[1]).content)  # fmt: skip
    elif len(rows) >= 2:
        pair = (rows[1].version, rows[0].version)
        changes = diff(rows[1].content, rows[0].content)
    return render(request, "monitoring/tracking_versions.html", rows=rows, changes=changes, pair=pair)
