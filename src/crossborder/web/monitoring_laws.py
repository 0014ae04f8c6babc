"""Monitoring pages: laws (the Laws Reporting Scheme). A focal point fills and submits its national
plan; the secretariat reviews it; anyone signed in with a monitoring role reads the coverage matrix
and common gaps; the public page lists laws of accepted plans without sign-in. Every rule stays in
`monitoring.laws*`; these handlers only read forms and render."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from crossborder.core.access.principal import Principal
from crossborder.core.db import get_sessionmaker, session_scope, write_lock
from crossborder.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from crossborder.monitoring import laws as service
from crossborder.monitoring import laws_coverage as coverage
from crossborder.monitoring import laws_public as public
from crossborder.monitoring.access import require_reader, require_secretariat
from crossborder.monitoring.law_models import Alignment, LawStatus, RevisionStatus
from crossborder.monitoring.laws_check import year_range
from crossborder.monitoring.laws_reference import instruments, instruments_for, settings
from crossborder.monitoring.laws_schemas import PlanIn, ReviewIn
from crossborder.monitoring.plans import load_plans, topics_by_workstream
from crossborder.reference.service import member_states
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.labels import N_
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)
ENTRY_ROWS, LAW_ROWS, ACTION_ROWS = 3, 2, 2  # blank rows on the plan form; blank ones are ignored

LABELS: dict[str, dict[str, str]] = {
    "levels": {"yes": N_("Yes"), "partial": N_("Partial"), "no": N_("No"), "not_reported": N_("Not reported")},
    "statuses": {
        "none": N_("No law"), "drafting": N_("Drafting"), "enacted": N_("Enacted"), "in_force": N_("In force"),
        "draft": N_("Draft"), "submitted": N_("Submitted"), "accepted": N_("Accepted"), "returned": N_("Returned"),
    },
    "alignments": {
        "aligned": N_("Aligned"), "partially_aligned": N_("Partially aligned"), "not_aligned": N_("Not aligned"),
        "not_assessed": N_("Not assessed"),
    },
    "changes": {"improved": N_("Improved"), "unchanged": N_("Unchanged"), "worse": N_("Worse")},
}  # fmt: skip


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


def _text(raw: FormData, name: str) -> str:
    value = raw.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _year(request: Request) -> int:
    raw = request.query_params.get("year", "")
    first, last = year_range()
    year = int(raw) if raw.isascii() and raw.isdigit() else min(last - settings().years_ahead, last)
    if not first <= year <= last:
        raise ValidationFailed("year out of range", errors=[FieldError("year", f"from {first} to {last}", raw)])
    return year


def _common(**context: Any) -> dict[str, Any]:
    plans = load_plans()
    return {"labels": LABELS, "topics": plans.topics, "instruments": instruments(), **context}


@router.get("/monitoring/laws")
def laws_home(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        rows = service.listing(session, principal)
        reporter = not principal.is_regional and bool({"focal_point", "admin"} & set(user.roles))
        return render(
            request, "monitoring/laws_index.html", rows=rows, may_report=reporter,
            is_secretariat=principal.is_regional, **_common(),
        )  # fmt: skip


def _form_page(
    request: Request, principal: Principal, *, status_code: int = 200, form: dict[str, str] | None = None,
    problem: str | None = None, errors: list[FieldError] | None = None,
) -> Response:  # fmt: skip
    first, last = year_range()
    form = form or {"client_reference": "web-" + secrets.token_hex(8), "year": str(last - settings().years_ahead)}
    states = member_states() if principal.is_regional else [principal.country or ""]
    return render(
        request, "monitoring/laws_form.html", status_code=status_code, form=form, problem=problem,
        errors=errors or [], states=states, years=range(last, first - 1, -1), entry_rows=range(ENTRY_ROWS),
        law_rows=range(LAW_ROWS), action_rows=range(ACTION_ROWS), law_statuses=list(LawStatus),
        alignments=list(Alignment), groups=topics_by_workstream(), **_common(),
    )  # fmt: skip


@router.get("/monitoring/laws/plans/new")
@signed_in_page
def new_plan(request: Request, session: Session, principal: Principal) -> Response:
    return _form_page(request, principal)


def _plan_in(form: dict[str, str]) -> PlanIn:
    entries = []
    for e in range(ENTRY_ROWS):
        p = f"e{e}_"
        if not form.get(p + "topic"):
            continue
        laws = [
            {
                "title": form[f"{p}law{k}_title"],
                "citation": form[f"{p}law{k}_citation"] or None,
                "status": form[f"{p}law{k}_status"],
                "enacted_on": form[f"{p}law{k}_enacted_on"] or None,
                "in_force_on": form[f"{p}law{k}_in_force_on"] or None,
                "url": form[f"{p}law{k}_url"] or None,
            }
            for k in range(LAW_ROWS)
            if form[f"{p}law{k}_title"]
        ]
        actions = [
            {"text": form[f"{p}action{k}_text"], "target_date": form[f"{p}action{k}_target_date"] or None}
            for k in range(ACTION_ROWS)
            if form[f"{p}action{k}_text"]
        ]
        entries.append(
            {
                "topic": form[p + "topic"],
                "instrument": form[p + "instrument"] or None,
                "alignment": form[p + "alignment"] or "not_assessed",
                "note": form[p + "note"] or None,
                "laws": laws,
                "actions": actions,
            }
        )
    try:
        return PlanIn.model_validate(
            {"client_reference": form["client_reference"] or None, "country": form["country"],
             "year": form["year"], "note": form["note"] or None, "entries": entries}
        )  # fmt: skip
    except ValidationError as exc:
        raise ValidationFailed(
            "the national plan has errors; nothing was stored",
            errors=[FieldError(".".join(str(p) for p in e["loc"]), e["msg"], e.get("input")) for e in exc.errors()],
        ) from None


def _form_names() -> list[str]:
    names = ["client_reference", "country", "year", "note", "intent"]
    for e in range(ENTRY_ROWS):
        p = f"e{e}_"
        names += [p + n for n in ("topic", "instrument", "alignment", "note")]
        for k in range(LAW_ROWS):
            names += [f"{p}law{k}_{n}" for n in ("title", "citation", "status", "enacted_on", "in_force_on", "url")]
        names += [f"{p}action{k}_{n}" for k in range(ACTION_ROWS) for n in ("text", "target_date")]
    return names


@router.post("/monitoring/laws/plans")
async def create_plan(request: Request) -> Response:
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, "/monitoring/laws/plans/new")
    raw = await request.form()
    form = {name: _text(raw, name) for name in _form_names()}
    with write_lock(), session_scope() as session:
        principal = principal_of(session, user)
        try:
            body = _plan_in(form)
            # A draft saved twice from the same form edits one draft; each submission gets its own reference.
            ref = None if form["intent"] == "draft" else form["client_reference"] or None
            plan, _rev, _created = service.submit(session, principal, body, ref, draft=form["intent"] == "draft")
        except (ValidationFailed, Conflict, Forbidden) as exc:
            session.rollback()
            return _form_page(
                request, principal, status_code=exc.status, form=form, problem=exc.detail, errors=exc.errors
            )
        reference = plan.reference
    return RedirectResponse(f"/monitoring/laws/plans/{reference}?done={form['intent'] or 'submit'}", status_code=303)


def _plan_page(request: Request, user: PageUser, reference: str, **context: Any) -> Response:
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        plan = service.get_plan(session, principal, reference)
        revisions = [(r, service.entries(session, r)) for r in service.revisions(session, plan)]
        may_review = principal.is_regional and plan.status == RevisionStatus.submitted
        return render(
            request, "monitoring/laws_plan.html", status_code=context.pop("status_code", 200), plan=plan,
            revisions=revisions, may_review=may_review, done=request.query_params.get("done"),
            **_common(**context),
        )  # fmt: skip


@router.get("/monitoring/laws/plans/{reference}")
def plan_page(request: Request, reference: str) -> Response:
    user = _user(request)
    if user is None:
        return signin_redirect(request)
    return _plan_page(request, user, reference)


@router.post("/monitoring/laws/plans/{reference}/review")
async def review_plan(request: Request, reference: str) -> Response:
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, f"/monitoring/laws/plans/{reference}")
    raw = await request.form()
    comments = {k.removeprefix("comment_"): _text(raw, k) for k in raw if k.startswith("comment_") and _text(raw, k)}
    with write_lock(), session_scope() as session:
        principal = principal_of(session, user)
        try:
            number = _text(raw, "revision")
            body = ReviewIn(
                decision=_text(raw, "decision"),
                revision=int(number) if number.isascii() and number.isdigit() and int(number) > 0 else 1,
                comment=_text(raw, "comment") or None,
                entry_comments=comments,
            )
            service.review(session, principal, reference, body)
        except (ValidationFailed, Conflict) as exc:
            session.rollback()
            return _plan_page(request, user, reference, status_code=exc.status, problem=exc.detail, errors=exc.errors)
    return RedirectResponse(f"/monitoring/laws/plans/{reference}?done=reviewed", status_code=303)


@router.get("/monitoring/laws/review")
@signed_in_page
def review_queue(request: Request, session: Session, principal: Principal) -> Response:
    require_secretariat(principal)
    rows = service.listing(session, principal, status=RevisionStatus.submitted.value)
    return render(request, "monitoring/laws_review.html", rows=rows, **_common())


def _viewer(principal: Principal) -> str | None:
    require_reader(principal)
    return None if principal.is_regional else principal.country


@router.get("/monitoring/laws/coverage")
@signed_in_page
def coverage_page(request: Request, session: Session, principal: Principal) -> Response:
    year = _year(request)
    m = coverage.matrix(session, year, viewer=_viewer(principal))
    first, last = year_range()
    return render(request, "monitoring/laws_coverage.html", m=m, years=range(last, first - 1, -1), **_common())


@router.get("/monitoring/laws/gaps")
@signed_in_page
def gaps_page(request: Request, session: Session, principal: Principal) -> Response:
    year = _year(request)
    gaps = coverage.common_gaps(session, year, viewer=_viewer(principal))
    first, last = year_range()
    return render(
        request, "monitoring/laws_gaps.html", gaps=gaps, year=year, years=range(last, first - 1, -1),
        threshold=settings().common_gap_min_states, **_common(),
    )  # fmt: skip


@router.get("/monitoring/laws/public")
def public_page(request: Request) -> Response:
    q = request.query_params
    form = {k: q.get(k, "").strip()[:200] for k in ("country", "topic", "status", "q")}
    with get_sessionmaker()() as session:
        rows = public.search(
            session, country=form["country"] or None, topic=form["topic"] or None,
            status=form["status"] or None, text=form["q"] or None,
        )  # fmt: skip
    return render(
        request, "monitoring/laws_public.html", rows=rows, form=form, states=member_states(),
        law_statuses=list(LawStatus), instruments_for=instruments_for, **_common(),
    )  # fmt: skip
