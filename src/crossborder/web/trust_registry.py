"""The public trust registry: search the businesses certified now (a plain GET form, bookmarkable),
and each business's public page with its credentials, their live standing, badge and QR code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.core.i18n import translations
from crossborder.reference import get_registry
from crossborder.trust import registry
from crossborder.trust.registry import PublicCredential
from crossborder.trust.settings import schemes
from crossborder.web.labels import CREDENTIAL_STATUSES, REASONS, SCHEME_TITLES, STANDINGS
from crossborder.web.templating import language_of, render
from crossborder.web.trust_links import (
    absolute,
    badge_path,
    business_path,
    embed_snippet,
    qr_path,
    verify_path,
)

router = APIRouter(include_in_schema=False)

SEARCH_FIELDS = ("name", "business_id", "country", "scheme")
LABELS = {
    "schemes": SCHEME_TITLES,
    "standings": STANDINGS,
    "statuses": CREDENTIAL_STATUSES,
    "reasons": REASONS,
}


def country_name(code: str) -> str:
    try:
        return get_registry().country(code).name
    except (NotFound, ValidationFailed):
        return code  # a subject outside the member states keeps its code


def countries() -> list[tuple[str, str]]:
    return [(code, country_name(code)) for code in get_registry().member_states()]


def scheme_choices() -> list[tuple[str, str]]:
    return [(key, SCHEME_TITLES.get(key, scheme.title)) for key, scheme in schemes().items()]


def credential_view(c: PublicCredential) -> dict[str, Any]:
    return {
        "c": c,
        "business": business_path(c.subject_country, c.business_id),
        "verify": verify_path(c.credential_id),
        "badge": badge_path(c.credential_id),
        "qr": qr_path(c.credential_id),
        "verify_url": absolute(verify_path(c.credential_id)),
        "country_name": country_name(c.subject_country),
    }


@router.get("/trust/registry")
def registry_page(request: Request) -> Response:
    raw = {key: request.query_params.get(key, "") for key in (*SEARCH_FIELDS, "page", "per_page")}
    form = {key: raw[key].strip() for key in SEARCH_FIELDS}
    errors: list[FieldError] = []
    result = None
    try:
        query = registry.parse_query(raw)
        with get_sessionmaker()() as session:
            result = registry.search(session, query)
    except ValidationFailed as exc:
        errors = exc.errors
    kept: dict[str, str | int] = {key: value for key, value in form.items() if value}
    if result and raw["per_page"].strip():
        kept["per_page"] = result.query.per_page

    def page_link(number: int) -> str:
        return "/trust/registry?" + urlencode({**kept, "page": number})

    return render(
        request,
        "trust/registry.html",
        status_code=422 if errors else 200,
        form=form,
        errors=errors,
        field_errors={e.path: e for e in errors},
        result=result,
        rows=[credential_view(c) for c in result.entries] if result else [],
        page_link=page_link,
        countries=countries(),
        schemes=scheme_choices(),
        labels=LABELS,
    )


@router.get("/trust/businesses/{country}/{business_id:path}")
def business_page(request: Request, country: str, business_id: str) -> Response:
    with get_sessionmaker()() as session:
        record = registry.business(session, country, business_id)  # unknown: NotFound, the 404 page
    gettext = translations(language_of(request)).gettext
    views = []
    for c in record.credentials:
        view = credential_view(c)
        alt = f"{gettext(SCHEME_TITLES.get(c.scheme, c.scheme_title))}: {c.subject_name}"
        view["snippet"] = embed_snippet(c.credential_id, alt)
        views.append(view)
    return render(
        request,
        "trust/business.html",
        record=record,
        country_name=country_name(record.country),
        credentials=views,
        labels=LABELS,
    )
