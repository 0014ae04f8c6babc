"""RFC 9457 problem documents: the one place where domain errors become HTTP."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from crossborder.core.errors import CrossborderError, FieldError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("crossborder.problems")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _pydantic_path(loc: tuple[Any, ...]) -> str:
    # ("body", "lines", 0, "hs_code") -> "lines[0].hs_code"; query/path/header keep their source.
    parts: list[str] = []
    items = list(loc)
    if items and items[0] == "body":
        items = items[1:]
    for part in items:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "body"


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    result = []
    for err in exc.errors():
        rule = err.get("msg", "invalid")
        if err.get("type") == "extra_forbidden":
            rule = "unknown field: not part of this resource"
        elif err.get("type") == "json_invalid":
            rule = f"malformed JSON: {err.get('ctx', {}).get('error', 'cannot parse')}"
        result.append(FieldError(_pydantic_path(tuple(err.get("loc", ()))), rule, err.get("input")))
    return result


HtmlRenderer = Callable[[Request, int, str, str, list[FieldError]], Response]


def wants_html(request: Request) -> bool:
    # Pages get an HTML error page; the API and machine endpoints always get problem+json.
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/metrics", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "")


def install(app: FastAPI, html: HtmlRenderer | None = None) -> None:
    @app.exception_handler(CrossborderError)
    async def _domain(request: Request, exc: CrossborderError) -> Response:
        if html is not None and wants_html(request):
            return html(request, exc.status, exc.title, exc.detail, exc.errors)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(exc.status, exc.title, exc.detail, errors=exc.errors, instance=request.url.path, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        return problem(
            422, "Invalid input", f"{len(errors)} invalid field(s)", errors=errors, instance=request.url.path
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if html is not None and wants_html(request):
            return html(request, exc.status_code, str(exc.detail), str(exc.detail), [])
        return problem(exc.status_code, str(exc.detail), str(exc.detail), instance=request.url.path)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem(500, "Internal error", "the request failed and nothing was changed", instance=request.url.path)
