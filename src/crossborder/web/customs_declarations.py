"""Declarations pages for signed-in users: the officer's queue by lane, the caller's list, one
declaration with its assessment, risk rules and timeline, and the forms that act on it. Who may
see and do what is decided by `customs.declarations`; these pages only offer the forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.dates import today
from crossborder.core.db import get_sessionmaker, session_scope
from crossborder.core.errors import Conflict, FieldError, ValidationFailed
from crossborder.customs import declarations
from crossborder.customs.lifecycle import LANE_STATUS, OFFICER, TRANSITIONS, Status
from crossborder.customs.models import Declaration
from crossborder.customs.views import declaration_out
from crossborder.web.auth import check_csrf
from crossborder.web.customs import LABELS, principal_of, signin_redirect
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)

# The workbench's sections before "released today": a status, and the lane it stands for.
QUEUE = (
    ("inspection", "red"),
    ("document_check", "yellow"),
    ("held", None),
)


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


@router.get("/customs/queue")
def queue(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        sections = [
            {
                "key": status,
                "lane": lane,
                "rows": [
                    declaration_out(r, None, principal) for r in declarations.listing(session, principal, status=status)
                ],
            }
            for status, lane in QUEUE
        ]
        day = today()
        released = declarations.listing(session, principal, status=Status.released.value)
        sections.append(
            {
                "key": "released_today",
                "lane": None,
                "rows": [
                    declaration_out(r, None, principal)
                    for r in released
                    if r.decided_at is not None and r.decided_at.date() == day
                ],
            }
        )
    return render(request, "customs/queue.html", sections=sections, labels=LABELS, today=day)


@router.get("/customs/declarations")
def declaration_list(request: Request, status: str | None = None) -> Response:
    user = _user(request)
    if user is None:
        return signin_redirect(request)
    chosen = status if status in Status.__members__ else None
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        rows = [declaration_out(r, None, principal) for r in declarations.listing(session, principal, status=chosen)]
    return render(request, "customs/declarations.html", rows=rows, status=chosen, statuses=list(Status), labels=LABELS)


def _offered(row: Declaration, principal: Principal) -> tuple[list[str], bool]:
    """The officer actions the declaration's status allows for this caller, and whether the
    caller may respond to a hold (the service checks both again when the form comes back)."""
    current = Status(row.status)
    allowed = [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if who == OFFICER and current in sources and Role.customs_officer in principal.roles
    ]
    sources, _target, _who = TRANSITIONS["respond"]
    may_respond = current in sources and principal.organisation_id == row.submitter_org_id
    return allowed, may_respond


def _detail(
    request: Request,
    session: Session,
    principal: Principal,
    row: Declaration,
    *,
    status_code: int = 200,
    problem: str | None = None,
    errors: list[FieldError] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    view = declaration_out(row, declarations.events(session, row), principal)
    actions, may_respond = _offered(row, principal)
    return render(
        request,
        "customs/declaration.html",
        status_code=status_code,
        d=view,
        assessment=view["assessment"],
        fired=(view["assessment"].get("risk") or {}).get("fired", []),
        actions=actions,
        may_respond=may_respond,
        lanes=list(LANE_STATUS),
        done=request.query_params.get("done"),
        problem=problem,
        errors=errors or [],
        form=form or {},
        labels=LABELS,
    )


@router.get("/customs/declarations/{declaration_id}")
@signed_in_page
def declaration_page(request: Request, declaration_id: int, session: Session, principal: Principal) -> Response:
    row = declarations.get(session, principal, declaration_id)  # out of scope: NotFound, the 404 page
    return _detail(request, session, principal, row)


@router.post("/customs/declarations/{declaration_id}/actions")
async def declaration_action(request: Request, declaration_id: int) -> Response:
    await check_csrf(request)
    page = f"/customs/declarations/{declaration_id}"
    user = _user(request)
    if user is None:
        return signin_redirect(request, page)
    raw = await request.form()
    form: dict[str, Any] = {key: str(raw.get(key, "")) for key in ("action", "reason", "lane")}
    with session_scope() as session:
        principal = principal_of(session, user)
        try:
            declarations.act(session, principal, declaration_id, form["action"], form["reason"], form["lane"] or None)
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            row = declarations.get(session, principal, declaration_id)
            return _detail(
                request,
                session,
                principal,
                row,
                status_code=exc.status,
                problem=exc.detail,
                errors=exc.errors,
                form=form,
            )
    return RedirectResponse(f"{page}?done={form['action']}", status_code=303)
