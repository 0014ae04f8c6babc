"""The embeddable SVG badge of a credential and the QR code of its live-verification URL. Both are
public images other sites embed, so they carry a short public cache and never a script."""

from __future__ import annotations

import io
import re
from html import escape

import segno
from fastapi import APIRouter
from fastapi.responses import Response

from crossborder.core.db import get_sessionmaker
from crossborder.core.i18n import LANGUAGES, translations
from crossborder.trust import registry
from crossborder.web.labels import BADGE_VERIFY, SCHEME_TITLES, STANDINGS
from crossborder.web.trust_links import BADGE_HEIGHT, BADGE_WIDTH, absolute, verify_path

router = APIRouter(include_in_schema=False)

CACHE_SECONDS = 300  # a suspension shows on embedded badges within five minutes
COLOURS = {  # text on white, each at least 4.5:1 (WCAG AA)
    "certified": "#1d6b2b",
    "suspended": "#7a5a00",
    "revoked": "#8a1c0b",
    "expired": "#4a4a4a",
    "not_yet_valid": "#4a4a4a",
}
# Characters XML 1.0 forbids even when escaped: a stored name holding one must not break the image.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
IMAGE_HEADERS = {
    "Cache-Control": f"public, max-age={CACHE_SECONDS}",
    "X-Content-Type-Options": "nosniff",
    # Opened on its own, an SVG is a document: it may load and run nothing.
    "Content-Security-Policy": "default-src 'none'",
}


def _text(value: str, limit: int) -> str:
    clean = NOT_XML.sub("", value)
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return escape(clean, quote=True)


def badge_svg(scheme_title: str, subject_name: str, standing: str, standing_text: str, cta: str, href: str) -> str:
    """The badge as SVG text: pure, every text escaped for XML."""
    colour = COLOURS.get(standing, COLOURS["expired"])
    title = _text(f"{scheme_title}: {subject_name} — {standing_text}", 400)
    link = escape(href, quote=True)
    font = "font-family=\"system-ui, 'Noto Sans', 'Noto Sans Thai', sans-serif\""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" viewBox="0 0 {BADGE_WIDTH} {BADGE_HEIGHT}" '
        f'role="img" aria-labelledby="t" data-standing="{escape(standing, quote=True)}">'
        f'<title id="t">{title}</title>'
        f'<a href="{link}" xlink:href="{link}" target="_top">'
        f'<rect x="0.5" y="0.5" width="{BADGE_WIDTH - 1}" height="{BADGE_HEIGHT - 1}" rx="6" fill="#ffffff" '
        f'stroke="{colour}"/>'
        f'<rect x="0.5" y="0.5" width="8" height="{BADGE_HEIGHT - 1}" rx="3" fill="{colour}"/>'
        f'<text x="18" y="20" font-size="12" font-weight="700" fill="#1a1a1a" {font}>{_text(scheme_title, 50)}</text>'
        f'<text x="18" y="38" font-size="13" fill="#1a1a1a" {font}>{_text(subject_name, 46)}</text>'
        f'<text x="18" y="56" font-size="12" font-weight="700" fill="{colour}" {font}>'
        f"{_text(standing_text, 30)} · {_text(cta, 20)}</text>"
        "</a></svg>\n"
    )


@router.get("/trust/badge/{credential_id}.svg")
def badge(credential_id: str, lang: str = "en") -> Response:
    """The language comes from the URL, not the visitor's headers, so a cached badge is one badge."""
    with get_sessionmaker()() as session:
        found = registry.credential(session, credential_id)
    trans = translations(lang if lang in LANGUAGES else "en")
    svg = badge_svg(
        trans.gettext(SCHEME_TITLES[found.scheme]) if found.scheme in SCHEME_TITLES else found.scheme_title,
        found.subject_name,
        found.standing.value,
        trans.gettext(STANDINGS[found.standing.value]),
        trans.gettext(BADGE_VERIFY),
        absolute(verify_path(found.credential_id)),
    )
    return Response(svg, media_type="image/svg+xml", headers=IMAGE_HEADERS)


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", scale=4, title=url)  # segno escapes the title
    return out.getvalue()


@router.get("/trust/qr/{credential_id}.svg")
def qr(credential_id: str) -> Response:
    with get_sessionmaker()() as session:
        found = registry.credential(session, credential_id)
    svg = qr_svg(absolute(verify_path(found.credential_id)))
    return Response(svg, media_type="image/svg+xml", headers=IMAGE_HEADERS)
