"""Monitoring pages: the secretariat amends a Work Plan activity (the plan is a living document, 4.2).
The page only collects the fields; `plan_versions.amend` validates the whole amended plan with the YAML
loader's rules and stores a new version with the old values, or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.dates import today
from crossborder.core.db import get_sessionmaker, session_scope, write_lock
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.monitoring import plan_versions
from crossborder.monitoring.access import require_secretariat
from crossborder.monitoring.plans import Activity
from crossborder.monitoring.tracking_schemas import AmendmentIn
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)
TEXT_FIELDS = ("text", "target_timeline", "lead_body", "kpi", "note")
MAX_FIELD = 4000  # longer than any cell of the Work Plan


def _activity(session: Session, activity_id: str) -> Activity:
    activity = plan_versions.current_plans(session).activities.get(activity_id)
    if activity is None:
        raise NotFound(f"no Work Plan activity {activity_id!r}")
    return activity


def _values(activity: Activity) -> dict[str, str]:
    due = (
        activity.due.isoformat()
        if isinstance(activity.due, date)
        else ""
        if activity.due is None
        else str(activity.due)
    )
    return {**{name: getattr(activity, name) or "" for name in TEXT_FIELDS}, "due": due}


def _page(request: Request, activity: Activity, form: dict[str, str], status_code: int = 200,
          problem: str | None = None, errors: list[FieldError] | None = None) -> Response:  # fmt: skip
    return render(request, "monitoring/plan_amend.html", status_code=status_code, activity=activity, form=form,
                  problem=problem, errors=errors or [])  # fmt: skip


def _changes(activity: Activity, form: dict[str, str]) -> dict[str, Any]:
    """Only the fields the secretariat changed; an emptied field becomes null (as the YAML has it)."""
    before = _values(activity)
    changed: dict[str, Any] = {name: form[name] or None for name in TEXT_FIELDS if form[name] != before[name]}
    if form["due"] != before["due"]:
        raw = form["due"]
        if raw == "":
            changed["due"] = None
        elif raw.isdigit() and len(raw) == 4:
            changed["due"] = int(raw)
        else:
            try:
                changed["due"] = date.fromisoformat(raw).isoformat()
            except ValueError:
                raise ValidationFailed("bad due date", errors=[
                    FieldError("due", "a year (2026) or a day (2026-06-30), or empty", raw)]) from None  # fmt: skip
    return changed


def _signed_in(request: Request, session: Session) -> Principal:
    principal = principal_of(session, request.state.user)
    require_secretariat(principal)
    return principal


@router.get("/monitoring/plan/activities/{activity_id}/amend")
def amend_page(request: Request, activity_id: str) -> Response:
    if getattr(request.state, "user", None) is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        _signed_in(request, session)
        activity = _activity(session, activity_id)
        form = {**_values(activity), "effective_from": today().isoformat(), "reason": ""}
        return _page(request, activity, form)


@router.post("/monitoring/plan/activities/{activity_id}/amend")
async def amend(request: Request, activity_id: str) -> Response:
    await check_csrf(request)
    if getattr(request.state, "user", None) is None:
        return signin_redirect(request, f"/monitoring/plan/activities/{activity_id}/amend")
    raw = await request.form()
    names = (*TEXT_FIELDS, "due", "effective_from", "reason")
    form = {name: str(raw.get(name, "")).strip()[:MAX_FIELD] for name in names}
    with write_lock(), session_scope() as session:
        principal = _signed_in(request, session)
        activity = _activity(session, activity_id)
        try:
            try:
                effective = date.fromisoformat(form["effective_from"])
            except ValueError:
                raise ValidationFailed("bad date", errors=[
                    FieldError("effective_from", "a date YYYY-MM-DD", form["effective_from"])]) from None  # fmt: skip
            if not form["reason"]:
                raise ValidationFailed("reason required", errors=[
                    FieldError("reason", "say why the plan changes (the decision, the review)", "")])  # fmt: skip
            body = AmendmentIn(activity_id=activity_id, set=_changes(activity, form), effective_from=effective,
                               reason=form["reason"])  # fmt: skip
            plan_versions.amend(session, principal, body)
        except ValidationFailed as exc:
            session.rollback()
            return _page(request, activity, form, exc.status, exc.detail, exc.errors)
    return RedirectResponse("/monitoring/plan/versions?done=amended", status_code=303)
