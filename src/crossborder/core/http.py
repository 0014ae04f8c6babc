"""One pure-ASGI middleware for every request: body size limit, request id, metrics,
access log. Pure ASGI (not BaseHTTPMiddleware) keeps the per-request cost small."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crossborder.core.problems import PROBLEM_JSON

log = logging.getLogger("crossborder.http")

REQUESTS = Counter("crossborder_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "crossborder_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


def route_template(scope: Scope) -> str:
    """The matched route's full template (low-cardinality metric label). Routes of included
    routers carry only their own part, so the prefix is taken from the real path's segments."""
    route: Any = scope.get("route")
    inner = getattr(route, "path", None)
    if not inner:
        return "unmatched"
    path = scope.get("path", "")
    extra = path.count("/") - inner.count("/")
    if extra <= 0:
        return str(inner)
    prefix = "/".join(path.split("/")[: extra + 1])
    return prefix + str(inner)


class BodyTooLarge(Exception):
    pass


_TOO_LARGE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too large</title></head><body>'
    "<h1>The upload is too large</h1><p>This server accepts at most {limit} bytes here. "
    "Go back and choose a smaller file.</p></body></html>"
)


def _wants_html(headers: dict[bytes, bytes]) -> bool:
    """A browser's form post (it accepts HTML and sends a form), not an API client."""
    content_type = headers.get(b"content-type", b"")
    return b"text/html" in headers.get(b"accept", b"") and (
        content_type.startswith(b"multipart/form-data") or content_type.startswith(b"application/x-www-form-urlencoded")
    )


class RequestMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, large_bodies: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.large_bodies = large_bodies or {}  # path -> its own limit (bulk uploads stream to disk)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        status_holder = {"status": 500, "started": False}
        limit = self.large_bodies.get(scope.get("path", ""), self.max_body_bytes)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(send, int(declared) if declared.isdigit() else -1, limit, _wants_html(headers))
            self._finish(scope, 413, started, request_id)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not status_holder["started"]:
                await self._too_large(send, received, limit, _wants_html(headers))
            status_holder["status"] = 413
        self._finish(scope, int(status_holder["status"]), started, request_id)

    async def _too_large(self, send: Send, size: int, limit: int, html: bool = False) -> None:
        if html:
            # A form posted from a page gets a page back, not a problem document shown as raw JSON.
            page = _TOO_LARGE_PAGE.format(limit=limit).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"content-length", str(len(page)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": page})
            return
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Payload too large",
                "status": 413,
                "detail": f"request body exceeds the limit of {limit} bytes",
                "errors": [{"path": "body", "rule": f"must be at most {limit} bytes", "value": size}],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _finish(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        template = route_template(scope)
        method = scope.get("method", "")
        REQUESTS.labels(method, template, str(status)).inc()
        LATENCY.labels(method, template).observe(elapsed)
        if log.isEnabledFor(logging.INFO):
            # The path only: query strings and headers can carry secrets.
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": scope.get("path"),
                    "route": template,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                },
            )
