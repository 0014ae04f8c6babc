"""Fraud-incident pages: consumer-protection officers report incidents and read the reports and
alerts the sharing rules let them see; anyone may ask the public check "has this seller been
reported?". Every rule stays in `redress.incidents` and `redress.incident_public`."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from crossborder.core.access.principal import Principal
from crossborder.core.db import session_scope, write_lock
from crossborder.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from crossborder.core.ratelimit import RateLimited
from crossborder.redress import incident_public as public
from crossborder.redress import incidents as service
from crossborder.redress.identifiers import IdentifierKind
from crossborder.redress.incident_models import IncidentCategory
from crossborder.redress.incident_schemas import IncidentIn
from crossborder.redress.incident_settings import member_states
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.labels import N_
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)
FORM_ROWS = 5  # identifier rows on the report form; empty rows are ignored

LABELS: dict[str, dict[str, str]] = {
    "categories": {
        "fake_shop": N_("Fake shop"),
        "non_delivery": N_("Paid, never delivered"),
        "counterfeit": N_("Counterfeit goods"),
        "phishing": N_("Phishing or impersonation"),
        "payment_fraud": N_("Payment fraud"),
        "investment_scam": N_("Investment scam"),
        "other": N_("Other fraud"),
    },
    "kinds": {
        "phone": N_("Phone number"),
        "domain": N_("Web address or domain"),
        "email": N_("E-mail address"),
        "bank_account": N_("Bank account"),
        "ewallet": N_("E-wallet"),
        "business": N_("Business identifier"),
    },
}


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


def _text(raw: FormData, name: str) -> str:
    value = raw.get(name, "")
    return value.strip() if isinstance(value, str) else ""


@router.get("/redress/incidents")
@signed_in_page
def incident_list(request: Request, session: Session, principal: Principal) -> Response:
    rows = service.listing(session, principal)
    return render(
        request, "redress_incidents/list.html", rows=rows, alerts=service.alerts(session, principal),
        may_report=service.may_report(principal), labels=LABELS,
    )  # fmt: skip


def _new_form(
    request: Request, *, status_code: int = 200, problem: str | None = None, errors: list[FieldError] | None = None,
    form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    return render(
        request, "redress_incidents/new.html", status_code=status_code, problem=problem, errors=errors or [],
        form=form or {"client_reference": "web-" + secrets.token_hex(8)}, rows=range(FORM_ROWS),
        categories=list(IncidentCategory), kinds=list(IdentifierKind), labels=LABELS,
    )  # fmt: skip


@router.get("/redress/incidents/new")
def new_incident(request: Request) -> Response:
    if _user(request) is None:
        return signin_redirect(request)
    return _new_form(request)


def _incident_in(form: dict[str, str]) -> IncidentIn:
    identifiers = [
        {"kind": form[f"kind_{i}"], "value": form[f"value_{i}"]} for i in range(FORM_ROWS) if form[f"value_{i}"]
    ]
    try:
        return IncidentIn.model_validate(
            {
                "client_reference": form["client_reference"] or None,
                "category": form["category"],
                "title": form["title"],
                "description": form["description"],
                "occurred_on": form["occurred_on"] or None,
                "identifiers": identifiers,
            }
        )
    except ValidationError as exc:
        raise ValidationFailed(
            "the report has errors",
            errors=[FieldError(".".join(str(p) for p in e["loc"]), e["msg"], e.get("input")) for e in exc.errors()],
        ) from None


@router.post("/redress/incidents")
async def create_incident(request: Request) -> Response:
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, "/redress/incidents/new")
    raw = await request.form()
    names = ["client_reference", "category", "title", "description", "occurred_on"]
    names += [f"{field}_{i}" for i in range(FORM_ROWS) for field in ("kind", "value")]
    form = {name: _text(raw, name) for name in names}
    with write_lock(), session_scope() as session:
        principal = principal_of(session, user)
        try:
            row, _created = service.report(session, principal, _incident_in(form), form["client_reference"] or None)
        except (ValidationFailed, Conflict, Forbidden) as exc:
            session.rollback()
            return _new_form(request, status_code=exc.status, problem=exc.detail, errors=exc.errors, form=form)
        reference = row.reference
    return RedirectResponse(f"/redress/incidents/{reference}?done=reported", status_code=303)


def _check_page(request: Request, *, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("form", {"kind": "domain", "value": "", "country": ""})
    context.setdefault("errors", [])
    return render(
        request, "redress_incidents/check.html", status_code=status_code, kinds=list(IdentifierKind),
        member_states=member_states(), labels=LABELS, **context,
    )  # fmt: skip


@router.get("/redress/incidents/check")
def check_form(request: Request) -> Response:
    return _check_page(request)


@router.post("/redress/incidents/check")
async def check_identifier(request: Request) -> Response:
    await check_csrf(request)
    raw = await request.form()
    form = {name: _text(raw, name) for name in ("kind", "value", "country")}
    with session_scope() as session:
        try:
            public.count_request(session, request.client.host if request.client else "unknown")
        except RateLimited as exc:
            session.commit()  # the refused request counts too
            page = _check_page(request, status_code=429, form=form, retry_after=exc.retry_after)
            page.headers["Retry-After"] = str(exc.retry_after)
            return page
        session.commit()
        country = form["country"] if form["country"] in member_states() else None
        try:
            answer = public.check(session, form["kind"], form["value"], country)
        except ValidationFailed as exc:
            return _check_page(request, status_code=422, form=form, errors=exc.errors)
    return _check_page(request, form=form, answer=answer)


@router.get("/redress/incidents/{reference}")
@signed_in_page
def incident_page(request: Request, reference: str, session: Session, principal: Principal) -> Response:
    row = service.get(session, principal, reference)
    return render(
        request, "redress_incidents/detail.html", i=row, identifiers=service.identifiers_of(session, row),
        alerts=service.alerts(session, principal, incident=row), done=request.query_params.get("done"),
        labels=LABELS,
    )  # fmt: skip
