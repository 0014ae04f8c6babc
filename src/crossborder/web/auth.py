"""Web sign-in state: the session cookie and the CSRF check for form posts."""

from __future__ import annotations

from fastapi import Request

from crossborder.core import csrf
from crossborder.core.access.service import user_for_session
from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import Forbidden
from crossborder.core.settings import get_settings
from crossborder.web.templating import PageUser

SESSION_COOKIE = "cb_session"


def load_user(request: Request) -> PageUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with get_sessionmaker()() as session:
        user = user_for_session(session, token)
        if user is None:
            return None
        return PageUser(
            id=user.id,
            display_name=user.display_name,
            email=user.email,
            country=user.organisation.country,
            organisation=user.organisation.name,
            roles=list(user.roles),
        )


async def check_csrf(request: Request) -> None:
    form = await request.form()
    submitted = form.get(csrf.FIELD)
    if not csrf.valid(
        get_settings().secret_key, request.cookies.get(csrf.COOKIE), submitted if isinstance(submitted, str) else None
    ):
        raise Forbidden("the form's security token is missing or stale: reload the page and try again")
