"""Country guide pages: the list, one state's guide (with a date picker), the comparison."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossborder.core.dates import today
from crossborder.reference import guide
from crossborder.reference.service import get_registry
from crossborder.web.labels import PARAMETER_LABELS, SECTION_TITLES, WORDS
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)
LABELS = {"sections": SECTION_TITLES, "parameters": PARAMETER_LABELS, "words": WORDS}


@router.get("/countries")
def countries(request: Request) -> Response:
    registry = get_registry()
    listed = [registry.country(code) for code in registry.member_states()]
    return render(request, "countries/index.html", countries=listed)


@router.get("/countries/compare")
def compare(request: Request, on: date | None = None) -> Response:
    day = on or today()
    return render(request, "countries/compare.html", table=guide.compare(day), on=day, labels=LABELS)


@router.get("/countries/{code}")
def country(request: Request, code: str, on: date | None = None) -> Response:
    day = on or today()
    return render(
        request, "countries/guide.html", guide=guide.guide(code.upper(), day), on=day, labels=LABELS, today=today()
    )
