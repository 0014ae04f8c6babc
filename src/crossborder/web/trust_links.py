"""Where the trust registry's public pages live, relative and absolute. Absolute URLs (in badges, QR
codes and embed snippets, which leave this site) use the configured public base URL, never the
request's Host header: a forged Host must not end up in a cached badge."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from crossborder.trust.settings import trust_settings

BADGE_WIDTH, BADGE_HEIGHT = 340, 64


def _cid(credential_id: str) -> str:
    return quote(credential_id, safe=":")  # urn:uuid:… stays readable


def verify_path(credential_id: str) -> str:
    return f"/trust/verify/{_cid(credential_id)}"


def badge_path(credential_id: str) -> str:
    return f"/trust/badge/{_cid(credential_id)}.svg"


def qr_path(credential_id: str) -> str:
    return f"/trust/qr/{_cid(credential_id)}.svg"


def business_path(country: str, business_id: str) -> str:
    return f"/trust/businesses/{quote(country, safe='')}/{quote(business_id, safe='/')}"


def absolute(path: str) -> str:
    return f"{trust_settings().public_base_url}{path}"


def embed_snippet(credential_id: str, alt: str) -> str:
    """The HTML a seller pastes into its shop: the badge image, linking to live verification."""
    return (
        f'<a href="{escape(absolute(verify_path(credential_id)))}">'
        f'<img src="{escape(absolute(badge_path(credential_id)))}" alt="{escape(alt)}" '
        f'width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}"></a>'
    )
