"""Application and audit pages for signed-in users: a business applies, answers each criterion and
uploads evidence; the operator's auditor reviews each criterion and decides; trust officers suspend,
reinstate or revoke what was granted. Every rule stays in `trust.applications` and `trust.service`:
these pages only offer the forms the caller's roles and the application's status allow."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.db import get_sessionmaker, session_scope
from crossborder.core.errors import Conflict, CrossborderError, FieldError, Forbidden, ValidationFailed
from crossborder.core.files import content_disposition
from crossborder.trust import applications as workflow
from crossborder.trust import flags
from crossborder.trust import service as credentials
from crossborder.trust.application_models import FINAL, ApplicationKind, ApplicationStatus, TrustApplication
from crossborder.trust.application_schemas import ApplicationIn
from crossborder.trust.application_settings import application_settings
from crossborder.trust.models import IssuedCredential
from crossborder.trust.settings import schemes
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.labels import N_
from crossborder.web.signed_in import signed_in_page
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)
WEB_EVIDENCE_PATH = "/trust/evidence"  # one fixed path, so its body limit is set apart (app.py)

LABELS: dict[str, dict[str, str]] = {
    "statuses": {
        "draft": N_("Draft"),
        "submitted": N_("Submitted"),
        "under_review": N_("Under review"),
        "information_requested": N_("Information requested"),
        "granted": N_("Granted"),
        "refused": N_("Refused"),
        "withdrawn": N_("Withdrawn"),
    },
    "outcomes": {
        "met": N_("Met"),
        "not_met": N_("Not met"),
        "more_information_needed": N_("More information needed"),
    },
    "schemes": {
        "trust_mark": N_("ASEAN e-commerce trust mark"),
        "trusted_trader": N_("Trusted trader scheme for ASEAN e-commerce"),
        "business_identity": N_("Business identity"),
    },
    "criteria": {
        "legal_compliance": N_("Legal compliance"),
        "financial_stability": N_("Financial stability"),
        "product_safety": N_("Product safety"),
        "handling_of_data": N_("Handling of data"),
        "consumer_protection": N_("Consumer protection"),
        "anti_counterfeiting": N_("Anti-counterfeiting"),
        "awareness_and_training": N_("Awareness and training"),
        "payment_procedures": N_("Payment procedures"),
        "security": N_("Security"),
        "audit_and_compliance": N_("Audit and compliance"),
    },
    "kinds": {"initial": N_("New application"), "renewal": N_("Renewal")},
    "flag_reasons": {
        "seller_no_response": N_("Did not answer a consumer's complaint in time"),
        "settlement_not_honoured": N_("Did not honour a settlement or recommendation"),
    },
    "credential": {"active": N_("Active"), "suspended": N_("Suspended"), "revoked": N_("Revoked")},
    "done": {
        "created": N_("Application opened."),
        "answer": N_("Answer saved."),
        "evidence": N_("Evidence uploaded."),
        "submit": N_("Application submitted."),
        "withdraw": N_("Application withdrawn."),
        "review": N_("Review recorded."),
        "request_information": N_("Sent back to the applicant."),
        "grant": N_("Granted: the credential was issued."),
        "refuse": N_("Refused."),
        "suspend": N_("Credential suspended."),
        "reinstate": N_("Credential reinstated."),
        "revoke": N_("Credential revoked."),
    },
}
REVIEWABLE = frozenset({ApplicationStatus.submitted, ApplicationStatus.under_review})


def _user(request: Request) -> PageUser | None:
    return getattr(request.state, "user", None)


def _page(reference: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/trust/applications/{reference}?done={done}#result", status_code=303)


@router.get("/trust/applications")
@signed_in_page
def application_list(request: Request, session: Session, principal: Principal, status: str | None = None) -> Response:
    chosen = status if status in ApplicationStatus.__members__ else None
    rows = workflow.listing(session, principal, status=chosen)
    may_apply = bool(principal.roles & workflow.APPLICANT_ROLES)
    return render(
        request, "trust_applications/list.html", rows=rows, status=chosen, statuses=list(ApplicationStatus),
        may_apply=may_apply, labels=LABELS, flags=flags.queue(session, principal),
    )  # fmt: skip


def _new_form(
    request: Request, session: Session, *, status_code: int = 200, problem: str | None = None,
    errors: list[FieldError] | None = None, form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    return render(
        request, "trust_applications/new.html", status_code=status_code, operators=workflow.operators(session),
        schemes=[s for s in schemes() if s != "business_identity"], problem=problem, errors=errors or [],
        form=form or {"client_reference": "web-" + secrets.token_hex(8)}, labels=LABELS,
    )  # fmt: skip


@router.get("/trust/applications/new")
def new_application(request: Request) -> Response:
    if _user(request) is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        return _new_form(request, session)


@router.post("/trust/applications")
async def create_application(request: Request) -> Response:
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, "/trust/applications/new")
    raw = await request.form()
    form = {k: str(raw.get(k, "")).strip() for k in ("client_reference", "operator_org_id", "scheme", "business_id",
                                                     "business_name")}  # fmt: skip
    with session_scope() as session:
        principal = principal_of(session, user)
        try:
            body = _application_in(form)
            row, _created = workflow.create(session, principal, body)
        except (ValidationFailed, Conflict, Forbidden) as exc:
            session.rollback()
            return _new_form(request, session, status_code=exc.status, problem=exc.detail, errors=exc.errors,
                             form=form)  # fmt: skip
        reference = row.reference
    return _page(reference, "created")


def _application_in(form: dict[str, str]) -> ApplicationIn:
    try:
        return ApplicationIn(
            client_reference=form["client_reference"],
            operator_org_id=int(form["operator_org_id"]) if form["operator_org_id"].isdigit() else None,
            scheme=form["scheme"] or None,
            business_id=form["business_id"] or None,
            business_name=form["business_name"] or None,
        )
    except ValidationError as exc:
        raise ValidationFailed(
            "the application form has errors",
            errors=[FieldError(".".join(str(p) for p in e["loc"]), e["msg"], e.get("input")) for e in exc.errors()],
        ) from None


def _offers(principal: Principal, row: TrustApplication) -> dict[str, bool]:
    """Which forms to show; the service checks every one again when it comes back."""
    applicant = bool(principal.roles & workflow.APPLICANT_ROLES) and principal.organisation_id == row.applicant_org_id
    auditor = bool(principal.roles & workflow.AUDITOR_ROLES) and (
        principal.is_regional or principal.organisation_id == row.operator_org_id
    )
    operator = bool(principal.roles & {Role.trust_operator, Role.admin}) and (
        principal.is_regional or principal.country == row.country
    )
    status = ApplicationStatus(row.status)
    return {
        "edit": applicant and status in workflow.EDITABLE,
        "withdraw": applicant and status not in FINAL,
        "review": auditor and status in REVIEWABLE,
        "manage_credential": operator and status == ApplicationStatus.granted,
    }


def _detail(
    request: Request, session: Session, principal: Principal, row: TrustApplication, *, status_code: int = 200,
    problem: str | None = None, errors: list[FieldError] | None = None,
) -> Response:  # fmt: skip
    found = workflow.detail(session, row)
    latest = workflow.latest_reviews(session, row)
    credential = None
    if row.credential_id:
        credential = session.execute(
            select(IssuedCredential).where(IssuedCredential.credential_id == row.credential_id)
        ).scalar_one_or_none()
    criteria = [
        {
            "id": c,
            "answer": found["answers"][c].answer if c in found["answers"] else "",
            "evidence": [e for e in found["evidence"] if e.criterion == c],
            "review": latest.get(c),
        }
        for c in schemes()[row.scheme].criteria_areas
    ]
    settings = application_settings()
    return render(
        request, "trust_applications/detail.html", status_code=status_code, a=row, criteria=criteria,
        reviews=found["reviews"], credential=credential, offers=_offers(principal, row),
        is_renewal=row.kind == ApplicationKind.renewal.value, declaration_text=settings.annual_declaration_text,
        max_mib=round(settings.max_file_bytes / 1048576, 1), media_types=sorted(settings.allowed_media_types),
        done=request.query_params.get("done"), problem=problem, errors=errors or [], labels=LABELS,
        evidence_path=WEB_EVIDENCE_PATH,
    )  # fmt: skip


@router.get("/trust/applications/{reference}")
@signed_in_page
def application_page(request: Request, reference: str, session: Session, principal: Principal) -> Response:
    return _detail(request, session, principal, workflow.get(session, principal, reference))


@router.get("/trust/applications/{reference}/evidence/{evidence_id}")
@signed_in_page
def evidence_download(
    request: Request, reference: str, evidence_id: int, session: Session, principal: Principal
) -> Response:
    found = workflow.evidence_file(session, principal, reference, evidence_id)
    return Response(
        found.content, media_type=found.media_type,
        headers={"Content-Disposition": content_disposition(found.filename),
                 "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )  # fmt: skip


async def _act(request: Request, reference: str, done: str, action: Any) -> Response:
    """Run one form's action in a transaction; a refusal re-renders the page with the reasons."""
    await check_csrf(request)
    user = _user(request)
    if user is None:
        return signin_redirect(request, f"/trust/applications/{reference}")
    raw = await request.form()
    with session_scope() as session:
        principal = principal_of(session, user)
        try:
            await action(session, principal, raw)
        except CrossborderError as exc:
            if not isinstance(exc, ValidationFailed | Conflict | Forbidden):
                raise
            session.rollback()
            row = workflow.get(session, principal, reference)
            return _detail(request, session, principal, row, status_code=exc.status, problem=exc.detail,
                           errors=exc.errors)  # fmt: skip
    return _page(reference, done)


def _text(raw: Any, name: str) -> str:
    value = raw.get(name, "")
    return value if isinstance(value, str) else ""


@router.post("/trust/applications/{reference}/answers")
async def save_answer(request: Request, reference: str) -> Response:
    async def run(session: Session, principal: Principal, raw: Any) -> None:
        workflow.set_answer(session, principal, reference, _text(raw, "criterion"), _text(raw, "answer"))

    return await _act(request, reference, "answer", run)


@router.post(WEB_EVIDENCE_PATH)
async def upload_evidence(request: Request) -> Response:
    raw = await request.form()
    reference = _text(raw, "application")[:40]

    async def run(session: Session, principal: Principal, form: Any) -> None:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed("no file", errors=[FieldError("file", "choose a file to upload", None)])
        content = await upload.read(application_settings().max_file_bytes + 1)
        workflow.add_evidence(session, principal, reference, _text(form, "criterion"), upload.filename, content)

    return await _act(request, reference, "evidence", run)


@router.post("/trust/applications/{reference}/reviews")
async def add_review(request: Request, reference: str) -> Response:
    async def run(session: Session, principal: Principal, raw: Any) -> None:
        workflow.review(session, principal, reference, _text(raw, "criterion"), _text(raw, "outcome"),
                        _text(raw, "comment"))  # fmt: skip

    return await _act(request, reference, "review", run)


@router.post("/trust/applications/{reference}/actions")
async def act(request: Request, reference: str) -> Response:
    raw = await request.form()
    action = _text(raw, "action")

    async def run(session: Session, principal: Principal, form: Any) -> None:
        reason = _text(form, "reason").strip()
        if action == "submit":
            workflow.submit(session, principal, reference, _text(form, "annual_declaration") == "yes")
        elif action in {"withdraw", "request_information", "grant", "refuse", "suspend", "reinstate", "revoke"}:
            if not reason:
                raise ValidationFailed("say why", errors=[FieldError("reason", "required", reason)])
            if action == "withdraw":
                workflow.withdraw(session, principal, reference, reason)
            elif action == "request_information":
                workflow.request_information(session, principal, reference, reason)
            elif action in {"grant", "refuse"}:
                workflow.decide(session, principal, reference, action, reason)
            else:
                row = workflow.get(session, principal, reference)
                if not row.credential_id:
                    raise Conflict("nothing was granted", errors=[FieldError("status", "must be granted", row.status)])
                credentials.change_status(session, principal, row.credential_id, action, reason)
        else:
            raise ValidationFailed("unknown action", errors=[FieldError("action", "one of the offered forms", action)])

    return await _act(request, reference, action, run)
