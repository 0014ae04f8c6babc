"""Public redress pages: the complaint form (no account needed; evidence files may go with it), the
"check your e-mail" answer, and the e-mailed access link, which confirms the complaint the first time
and then lets the party act on it. The link's token goes into an HttpOnly cookie for /redress, so it
leaves the address bar (and the history) at once."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from crossborder.core import ratelimit
from crossborder.core.dates import today
from crossborder.core.db import session_scope, write_lock
from crossborder.core.errors import CrossborderError, FieldError, ValidationFailed
from crossborder.core.i18n import LANGUAGES
from crossborder.core.ratelimit import RateLimited
from crossborder.core.settings import get_settings
from crossborder.redress import cases, complaints
from crossborder.redress.access import Actor
from crossborder.redress.schemas import ComplaintIn
from crossborder.redress.settings import odr_settings
from crossborder.reference.service import member_states
from crossborder.web.auth import check_csrf
from crossborder.web.redress_labels import LABELS
from crossborder.web.templating import language_of, render

router = APIRouter(include_in_schema=False)
FILING_PATH = "/redress/complaints"  # fixed path: its body limit allows the evidence files (app.py)
MAX_FILES_AT_FILING = 3
PARTY_COOKIE = "cb_party"
FIELDS = ("client_reference", "consumer_name", "consumer_email", "consumer_country", "seller_business_id",
          "seller_name", "seller_url", "seller_email", "seller_country", "order_date", "amount", "currency",
          "category", "remedy", "description")  # fmt: skip


def filing_limit() -> int:
    return MAX_FILES_AT_FILING * odr_settings().max_file_bytes + 64 * 1024


def _form(request: Request, *, status_code: int = 200, problem: str | None = None,
          errors: list[FieldError] | None = None, form: dict[str, str] | None = None) -> Response:  # fmt: skip
    settings = odr_settings()
    return render(
        request, "redress/file.html", status_code=status_code, problem=problem, errors=errors or [],
        form=form or {"client_reference": "web-" + secrets.token_hex(8), "seller_business_id":
                      request.query_params.get("seller", "")[:16]},
        states=member_states(), labels=LABELS, max_files=MAX_FILES_AT_FILING,
        max_mib=round(settings.max_file_bytes / 1048576, 1), today=today().isoformat(),
    )  # fmt: skip


@router.get("/redress/complain")
def complaint_form(request: Request) -> Response:
    return _form(request)


def form_errors(exc: ValidationError) -> list[FieldError]:
    """Pydantic's complaints about a form, as the field errors every page shows."""
    return [FieldError(".".join(str(p) for p in e["loc"]), e["msg"], e.get("input")) for e in exc.errors()]


def _body(form: dict[str, str], language: str) -> ComplaintIn:
    try:
        return ComplaintIn.model_validate({**{k: v or None for k, v in form.items()}, "language": language})
    except ValidationError as exc:
        raise ValidationFailed("the complaint has errors", errors=form_errors(exc)) from None


@router.post(FILING_PATH)
async def file_complaint(request: Request) -> Response:
    await check_csrf(request)
    raw = await request.form()
    form = {k: str(raw.get(k, "")).strip() for k in FIELDS}
    uploads = [u for u in raw.getlist("files") if isinstance(u, UploadFile) and u.filename][:MAX_FILES_AT_FILING]
    language = language_of(request)
    with session_scope() as session:
        try:
            ratelimit.hit(session, odr_settings().filing_limit, request.client.host if request.client else "unknown")
        except RateLimited as exc:
            session.commit()  # the refused request counts too
            response = _form(request, status_code=429, problem=exc.detail, form=form)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        try:
            case, created = complaints.file(session, _body(form, language if language in LANGUAGES else "en"))
            # A repeated filing adds nothing: the files went with the first (and this one proves
            # nothing about who is asking, so it must not add files to that case).
            for upload in uploads if created else []:
                content = await upload.read(odr_settings().max_file_bytes + 1)
                cases.add_evidence(session, case, Actor("consumer", "consumer", case.consumer_country), upload.filename,
                                   content)  # fmt: skip
        except (ValidationFailed, CrossborderError) as exc:
            session.rollback()
            return _form(request, status_code=exc.status, problem=exc.detail, errors=exc.errors, form=form)
        reference, email = case.reference, case.consumer_email
    return render(request, "redress/check_mail.html", status_code=202, reference=reference, email=email)


@router.get("/redress/access")
def access_page(request: Request, token: str = "") -> Response:
    """The e-mailed link opens a page with one button: nothing happens on GET, so a mail scanner
    that follows links confirms nothing."""
    return render(request, "redress/access.html", token=token[:200])


@router.post("/redress/access")
async def access_link(request: Request) -> Response:
    """Confirm (the first time), keep the token in a cookie, go to the case."""
    await check_csrf(request)
    token = str((await request.form()).get("token", ""))[:200]
    with write_lock(), session_scope() as session:
        case, just_verified = complaints.verify(session, token)
        reference = case.reference
    target = f"/redress/cases/{reference}" + ("?done=verified" if just_verified else "")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(PARTY_COOKIE, token, httponly=True, samesite="lax", secure=get_settings().secure_cookies,
                        path="/redress", max_age=90 * 24 * 3600)  # fmt: skip
    return response
