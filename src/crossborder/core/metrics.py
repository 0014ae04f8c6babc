"""Who may read /metrics. The counters name routes, statuses and latencies: operational detail
that is nobody else's business. A deployment sets CROSSBORDER_METRICS_TOKEN and its scraper sends
`Authorization: Bearer <token>`; with no token set, only a client on this host (loopback) is
answered, which suits a scraper or sidecar on the same machine."""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache

from fastapi import Request

from crossborder.core.access import secrets as sec
from crossborder.core.errors import Forbidden, Unauthorized


@lru_cache(maxsize=1)
def _token_digest() -> str | None:
    token = os.environ.get("CROSSBORDER_METRICS_TOKEN", "")
    return sec.token_digest(token) if token else None  # only the digest is kept in memory


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_metrics_reader(request: Request) -> None:
    """Raises unless the request may read the metrics (see the module's docstring)."""
    expected = _token_digest()
    if expected is None:
        if not _loopback(request.client.host if request.client else None):
            raise Forbidden("metrics are served to this host only: set CROSSBORDER_METRICS_TOKEN to scrape remotely")
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token or not sec.digests_equal(sec.token_digest(token.strip()), expected):
        raise Unauthorized("a metrics token is required: Authorization: Bearer <CROSSBORDER_METRICS_TOKEN>")


def reset() -> None:
    """Forget the token read from the environment (tests change it)."""
    _token_digest.cache_clear()
