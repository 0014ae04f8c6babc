"""Shell pages: home, sign-in, sign-out, language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from crossborder.core import ratelimit
from crossborder.core.access import service as access
from crossborder.core.db import session_scope
from crossborder.core.errors import Unauthorized
from crossborder.core.i18n import LANGUAGES
from crossborder.core.settings import get_settings
from crossborder.web.auth import SESSION_COOKIE, check_csrf
from crossborder.web.templating import LANG_COOKIE, render

# Password guessing: attempts per client address and per account in 15 minutes (platform settings;
# generous enough for an office behind one address, far too few for a guessing run).
SIGNIN_PER_ADDRESS = ratelimit.Limit("web.signin.address", 30, 900)
SIGNIN_PER_ACCOUNT = ratelimit.Limit("web.signin.account", 10, 900)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html")


@router.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    return render(request, "signin.html", next=_safe_next(next), error=None)


@router.post("/signin")
async def signin(request: Request) -> Response:
    await check_csrf(request)
    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/")))
    client = request.client.host if request.client else "unknown"
    refused: ratelimit.RateLimited | None = None
    # Counted in a transaction of its own and committed either way: a failed sign-in rolls back,
    # its attempt must still count, and so must a refused one (hammering never resets the window).
    with session_scope() as session:
        try:
            ratelimit.hit(session, SIGNIN_PER_ADDRESS, client)
            ratelimit.hit(session, SIGNIN_PER_ACCOUNT, email.strip().lower())
        except ratelimit.RateLimited as exc:
            refused = exc
    if refused is not None:
        page = render(request, "signin.html", status_code=429, next=target, error="too_many", email=email)
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    try:
        with session_scope() as session:
            user = access.authenticate_password(session, email, password)
            token = access.open_session(session, user)
    except Unauthorized:
        return render(request, "signin.html", status_code=401, next=target, error="bad_credentials", email=email)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        max_age=int(access.SESSION_LIFETIME.total_seconds()),
    )
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    await check_csrf(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with session_scope() as session:
            access.close_session(session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str | None = None) -> Response:
    # A plain link works without JavaScript; changing language alters no stored state.
    response = RedirectResponse(_safe_next(next or request.headers.get("referer-path")), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, samesite="lax", max_age=365 * 24 * 3600)
    return response
