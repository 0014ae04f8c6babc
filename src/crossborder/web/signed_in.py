"""Pages for signed-in users, the sign-in step written once: `@signed_in_page` (under the route
decorator) sends a visitor who is not signed in to sign in, opens a database session and hands
the handler `session` and the caller's `principal` as keyword arguments. FastAPI sees the handler's
other parameters only, so path and query parameters are declared as before."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response

from crossborder.core.db import get_sessionmaker
from crossborder.web.customs import principal_of, signin_redirect

_GIVEN = ("session", "principal")


def signed_in_page(handler: Callable[..., Response]) -> Callable[..., Response]:
    signature = inspect.signature(handler, eval_str=True)  # annotations resolved in the handler's module

    @functools.wraps(handler)
    def page(request: Request, **params: Any) -> Response:
        user = getattr(request.state, "user", None)
        if user is None:
            return signin_redirect(request)
        with get_sessionmaker()() as session:
            return handler(request, session=session, principal=principal_of(session, user), **params)

    outer = [p for name, p in signature.parameters.items() if name not in _GIVEN]
    page.__signature__ = signature.replace(parameters=outer)  # type: ignore[attr-defined]
    return page
