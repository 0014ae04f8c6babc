"""Jinja2 environment and the per-request page context (language, user, CSRF token)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from crossborder.core import csrf
from crossborder.core.i18n import LANGUAGES, negotiate, translations
from crossborder.core.settings import get_settings

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "cb_lang"

env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html", "xml"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals["LANGUAGES"] = LANGUAGES


@dataclass
class PageUser:
    id: int
    display_name: str
    email: str
    country: str
    organisation: str
    roles: list[str]


def language_of(request: Request) -> str:
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def csrf_cookie(request: Request) -> tuple[str, bool]:
    """The request's CSRF cookie value, and whether it must be set on the response."""
    current = request.cookies.get(csrf.COOKIE)
    if current:
        return current, False
    return csrf.new_cookie_value(), True


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = language_of(request)
    trans = translations(lang)
    cookie_value, set_cookie = csrf_cookie(request)
    user: PageUser | None = getattr(request.state, "user", None)
    page = env.get_template(template).render(
        request=request,
        lang=lang,
        user=user,
        csrf_field=csrf.FIELD,
        csrf_token=csrf.form_token(get_settings().secret_key, cookie_value),
        gettext=trans.gettext,
        ngettext=trans.ngettext,
        _=trans.gettext,
        **context,
    )
    response = HTMLResponse(page, status_code=status_code)
    response.headers["Content-Language"] = lang
    if set_cookie:
        response.set_cookie(
            csrf.COOKIE, cookie_value, httponly=True, samesite="strict", secure=get_settings().secure_cookies
        )
    return response
