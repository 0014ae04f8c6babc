"""CSRF defence for server-rendered forms: a random cookie plus a form field holding its
HMAC under the server secret (signed double submit). A cross-site page can neither read
the cookie nor forge the field. The JSON API takes bearer keys only, so it needs none."""

from __future__ import annotations

import secrets

from crossborder.core.access.secrets import digests_equal, sign

COOKIE = "cb_csrf"
FIELD = "csrf_token"


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def form_token(secret_key: str, cookie_value: str) -> str:
    return sign(secret_key, "csrf:" + cookie_value)


def valid(secret_key: str, cookie_value: str | None, submitted: str | None) -> bool:
    if not cookie_value or not submitted:
        return False
    return digests_equal(form_token(secret_key, cookie_value), submitted)
