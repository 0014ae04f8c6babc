"""Live verification pages: a credential issued here, checked now from its own token, and a form to
paste any credential. Both show the verifier's reason codes in plain language."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from crossborder.core.db import session_scope
from crossborder.core.errors import FieldError
from crossborder.reference import get_registry
from crossborder.trust import registry, service
from crossborder.trust.settings import trust_settings
from crossborder.trust.verify import Verification
from crossborder.web.auth import check_csrf
from crossborder.web.templating import render
from crossborder.web.trust_links import business_path
from crossborder.web.trust_registry import LABELS, countries, credential_view

router = APIRouter(include_in_schema=False)

SUBJECT_PREFIX = "urn:crossborder:business:"
FORM_OVERHEAD = 4096  # room beside the credential for the CSRF token and the country


def _country(raw: str) -> tuple[str | None, list[FieldError]]:
    """The optional member state to verify as (recognition is then part of the answer)."""
    code = raw.strip().upper()
    if not code:
        return None, []
    states = get_registry().member_states()
    if code not in states:
        return None, [FieldError("country", f"must be one of {', '.join(states)}, or empty", raw)]
    return code, []


def result_view(session: Session, result: Verification) -> dict[str, Any]:
    issuers = registry.issuer_names(session)
    issuer = issuers.get(result.issuer or "")
    subject_link = None
    if result.subject and result.subject.startswith(SUBJECT_PREFIX):
        country, _, business_id = result.subject.removeprefix(SUBJECT_PREFIX).partition(":")
        subject_link = business_path(country, business_id)
    return {
        "valid": result.valid,
        "status": result.status,
        "scheme": result.scheme,
        "issuer": result.issuer,
        "issuer_name": issuer[0] if issuer else None,
        "issuer_country": issuer[1] if issuer else None,
        "subject": result.subject,
        "subject_link": subject_link,
        "recognised_under": result.recognised_under,
        "reasons": list(result.reasons),
    }


@router.get("/trust/verify/{credential_id}")
def verify_stored(request: Request, credential_id: str, country: str = "") -> Response:
    here, errors = _country(country)
    view = None
    with session_scope() as session:  # a status list past half its validity is re-signed on the way
        if errors:
            found = registry.credential(session, credential_id)
        else:
            found, result = registry.verify_stored(session, credential_id, here)
            view = result_view(session, result)
    return render(
        request,
        "trust/verified.html",
        status_code=422 if errors else 200,
        credential=credential_view(found),
        result=view,
        here=here,
        country=country.strip().upper(),
        errors=errors,
        countries=countries(),
        labels=LABELS,
    )


def _form_page(
    request: Request,
    *,
    status_code: int = 200,
    credential: str = "",
    country: str = "",
    errors: list[FieldError] | None = None,
    result: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "trust/verify.html",
        status_code=status_code,
        credential=credential,
        country=country,
        errors=errors or [],
        field_errors={e.path: e for e in errors or []},
        result=result,
        countries=countries(),
        max_chars=trust_settings().max_token_bytes,
        labels=LABELS,
    )


@router.get("/trust/verify")
def verify_form(request: Request) -> Response:
    return _form_page(request)


@router.post("/trust/verify")
async def verify_pasted(request: Request) -> Response:
    limit = trust_settings().max_token_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        # Refused before the body is read; a body without a length is bounded by the app-wide limit.
        error = FieldError("credential", f"must be at most {limit} characters", f"{declared} bytes sent")
        return _form_page(request, status_code=413, errors=[error])
    await check_csrf(request)
    form = await request.form()
    raw_credential, raw_country = form.get("credential"), form.get("country")
    credential = raw_credential.strip() if isinstance(raw_credential, str) else ""
    country_text = raw_country if isinstance(raw_country, str) else ""
    here, errors = _country(country_text)
    if not credential:
        errors.append(FieldError("credential", "is required: paste the credential (three parts joined by dots)", ""))
    elif len(credential) > limit:
        errors.append(FieldError("credential", f"must be at most {limit} characters", f"{len(credential)} characters"))
        credential = ""  # not echoed back: too large to be one
    if errors:
        return _form_page(request, status_code=422, credential=credential, country=country_text, errors=errors)
    with session_scope() as session:
        result = result_view(session, service.verify(session, credential, here))
    return _form_page(request, credential=credential, country=here or "", result=result)
