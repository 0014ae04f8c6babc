"""The case page for everyone who may see a complaint: the parties (by their e-mailed link, or a
seller's signed-in users), the neutral and the consumer-protection officers of both member states.
Each sees the forms its capacity and the case's stage allow; every rule is checked again in the
redress services when a form comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from crossborder.core.access.models import Organisation, User
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.db import get_sessionmaker, session_scope, write_lock
from crossborder.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from crossborder.core.files import content_disposition
from crossborder.redress import authority, cases, deadlines, odr, stages
from crossborder.redress.access import act_as, locked, party_of, roles_on, visible
from crossborder.redress.models import RedressCase
from crossborder.redress.schemas import AppointIn, OfferIn, TransferIn
from crossborder.redress.settings import odr_settings
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.redress_file import PARTY_COOKIE, form_errors
from crossborder.web.redress_labels import LABELS
from crossborder.web.templating import PageUser, render

router = APIRouter(include_in_schema=False)
WEB_EVIDENCE_PATH = "/redress/evidence"  # one fixed path, so its body limit is set apart (app.py)


def _principal(session: Session, request: Request) -> Principal | None:
    user: PageUser | None = getattr(request.state, "user", None)
    return principal_of(session, user) if user is not None else None


@router.get("/redress/cases")
def case_list(request: Request, stage: str | None = None) -> Response:
    if getattr(request.state, "user", None) is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        principal = _principal(session, request)
        assert principal is not None
        chosen = stage if stage in LABELS["stages"] else None
        rows = cases.listing(session, principal, stage=chosen)
        notices = cases.notifications(session, principal, limit=20)
        return render(request, "redress/list.html", rows=rows, stage=chosen, labels=LABELS, notices=notices)


def _officers(session: Session, case: RedressCase) -> list[User]:
    """Candidates for the neutral: consumer-protection officers of the handling state's authorities."""
    users = session.execute(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == OrgKind.consumer_protection_authority.value,
               Organisation.country == case.handling_country, User.active.is_(True))
        .order_by(User.display_name)
    ).scalars()  # fmt: skip
    return [u for u in users if Role.consumer_protection_officer.value in u.roles]


def _detail(
    request: Request, session: Session, case: RedressCase, principal: Principal | None, token: str | None, *,
    status_code: int = 200, problem: str | None = None, errors: list[FieldError] | None = None,
) -> Response:  # fmt: skip
    held = roles_on(case, principal, party_of(session, case, token))
    zone = odr_settings().zone(case.handling_country)
    accepted = {e.refers_to: e.actor_kind for e in cases.events(session, case, held) if e.kind == "offer_accepted"}
    allowed = {action for action, at in stages.ALLOWED.items() if case.stage in {s.value for s in at}}
    return render(
        request, "redress/case.html", status_code=status_code, c=case, held=held, allowed=allowed,
        events=cases.events(session, case, held), evidence=cases.evidence(session, case), accepted=accepted,
        officers=_officers(session, case) if "authority" in held else [], labels=LABELS, problem=problem,
        errors=errors or [], done=request.query_params.get("done"), zone=str(zone),
        due_day=deadlines.last_day(case.due_at, zone) if case.due_at else None,
        seller_due_day=deadlines.last_day(case.seller_due_at, zone) if case.seller_due_at else None,
        evidence_path=WEB_EVIDENCE_PATH, max_mib=round(odr_settings().max_file_bytes / 1048576, 1),
        money=odr.money_text,
        other_states=sorted({case.consumer_country, case.seller_country} - {case.handling_country}),
    )  # fmt: skip


@router.get("/redress/cases/{reference}")
def case_page(request: Request, reference: str) -> Response:
    token = request.cookies.get(PARTY_COOKIE)
    with get_sessionmaker()() as session:
        principal = _principal(session, request)
        if principal is None and not token:
            return signin_redirect(request)
        case = visible(session, reference, principal, token)
        return _detail(request, session, case, principal, token)


@router.get("/redress/cases/{reference}/evidence/{evidence_id}")
def evidence_download(request: Request, reference: str, evidence_id: int) -> Response:
    with get_sessionmaker()() as session:
        case = visible(session, reference, _principal(session, request), request.cookies.get(PARTY_COOKIE))
        row = cases.evidence_file(session, case, evidence_id)
        return Response(
            row.content, media_type=row.media_type,
            headers={"Content-Disposition": content_disposition(row.filename),
                     "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
        )  # fmt: skip


def _text(raw: FormData, name: str) -> str:
    return str(raw.get(name, "")).strip()


def _int(raw: FormData, name: str) -> int:
    value = _text(raw, name)
    if not value.isdigit():
        raise ValidationFailed("not a number", errors=[FieldError(name, "must be a whole number", value)])
    return int(value)


# action -> (capacities in order of preference, what it does with the form)
Step = Callable[[Session, RedressCase, Any, FormData], object]
ACTIONS: dict[str, tuple[tuple[str, ...], Step]] = {
    "message": (("consumer", "seller", "neutral"), lambda s, c, a, f: odr.message(s, c, a, _text(f, "body"))),
    "offer": (("seller", "consumer", "neutral"), lambda s, c, a, f: odr.offer(s, c, a, OfferIn(
        terms=_text(f, "terms") or " ", amount=_text(f, "amount") or None, currency=_text(f, "currency") or None))),
    "accept": (("consumer", "seller"), lambda s, c, a, f: odr.accept(s, c, a, _int(f, "offer_id"))),
    "escalate": (("consumer", "seller"), lambda s, c, a, f: odr.escalate(s, c, a, _text(f, "reason"))),
    "withdraw": (("consumer",), lambda s, c, a, f: odr.withdraw(s, c, a, _text(f, "reason"))),
    "object": (("consumer", "seller"), lambda s, c, a, f: odr.object_to_neutral(s, c, a, _text(f, "reason"))),
    "not_honoured": (("consumer",), lambda s, c, a, f: odr.report_not_honoured(s, c, a, _text(f, "reason"))),
    "final": (("neutral",), lambda s, c, a, f: odr.move_to_final(s, c, a, _text(f, "reason"))),
    "recommend": (("neutral",), lambda s, c, a, f: odr.recommend(s, c, a, _text(f, "reason"))),
    "appoint": (("authority",), lambda s, c, a, f: authority.appoint_neutral(s, c, a, AppointIn(
        neutral_user_id=_int(f, "neutral_user_id"), no_conflict_declared=_text(f, "no_conflict") == "yes",
        disclosure=_text(f, "disclosure")))),
    "note": (("authority",), lambda s, c, a, f: authority.note(s, c, a, _text(f, "body"))),
    "cooperate": (("authority",), lambda s, c, a, f: authority.request_cooperation(s, c, a, _text(f, "reason"))),
    "transfer": (("authority",), lambda s, c, a, f: authority.transfer(s, c, a, TransferIn(
        to_country=_text(f, "to_country") or "--", reason=_text(f, "reason") or " "))),
    "close": (("authority",), lambda s, c, a, f: authority.close_case(s, c, a, _text(f, "reason"))),
}  # fmt: skip


async def _run(request: Request, reference: str, action: str, raw: FormData) -> Response:
    if action not in ACTIONS:
        raise ValidationFailed("unknown action", errors=[FieldError("action", f"one of {sorted(ACTIONS)}", action)])
    kinds, step = ACTIONS[action]
    token = request.cookies.get(PARTY_COOKIE)
    with write_lock(), session_scope() as session:
        principal = _principal(session, request)
        case = locked(session, visible(session, reference, principal, token))
        held = roles_on(case, principal, party_of(session, case, token))
        try:
            actor = act_as(session, case, next((k for k in kinds if k in held), kinds[0]), principal, token)
            step(session, case, actor, raw)
        except ValidationError as exc:
            session.rollback()
            case = visible(session, reference, principal, token)
            return _detail(request, session, case, principal, token, status_code=422,
                           problem="the form has errors", errors=form_errors(exc))  # fmt: skip
        except (ValidationFailed, Conflict, Forbidden) as exc:
            session.rollback()
            case = visible(session, reference, principal, token)
            return _detail(request, session, case, principal, token, status_code=exc.status, problem=exc.detail,
                           errors=exc.errors)  # fmt: skip
    return RedirectResponse(f"/redress/cases/{reference}?done={action}#result", status_code=303)


@router.post("/redress/cases/{reference}/actions")
async def case_action(request: Request, reference: str) -> Response:
    await check_csrf(request)
    raw = await request.form()
    return await _run(request, reference, _text(raw, "action"), raw)


@router.post(WEB_EVIDENCE_PATH)
async def evidence_upload(request: Request) -> Response:
    await check_csrf(request)
    raw = await request.form()
    reference = _text(raw, "reference")[:24]
    upload = raw.get("file")
    token = request.cookies.get(PARTY_COOKIE)
    with write_lock(), session_scope() as session:
        principal = _principal(session, request)
        case = locked(session, visible(session, reference, principal, token))
        held = roles_on(case, principal, party_of(session, case, token))
        try:
            kind = next(k for k in ("consumer", "seller", "neutral", "authority") if k in held)
            actor = act_as(session, case, kind, principal, token)
            content = await upload.read(odr_settings().max_file_bytes + 1) if isinstance(upload, UploadFile) else b""
            cases.add_evidence(
                session, case, actor, upload.filename if isinstance(upload, UploadFile) else None, content
            )
        except (ValidationFailed, Conflict, Forbidden) as exc:
            session.rollback()
            case = visible(session, reference, principal, token)
            return _detail(request, session, case, principal, token, status_code=exc.status, problem=exc.detail,
                           errors=exc.errors)  # fmt: skip
    return RedirectResponse(f"/redress/cases/{reference}?done=evidence#result", status_code=303)
