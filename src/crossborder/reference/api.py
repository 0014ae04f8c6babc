"""Country guide API: the parameters in force on a date, their history, the comparison."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from crossborder.core.dates import today
from crossborder.reference import guide
from crossborder.reference.service import get_registry
from crossborder.reference.snapshot import jsonable

router = APIRouter(prefix="/countries", tags=["country guides"])
OnDate = Annotated[date | None, Query(description="The day to look up (YYYY-MM-DD); default today (UTC).")]


@router.get("")
def list_countries() -> list[dict[str, Any]]:
    registry = get_registry()
    return [
        {"code": c.code, "name": c.name, "currency": c.currency.code}
        for c in (registry.country(code) for code in registry.member_states())
    ]


@router.get("/compare")
def compare_countries(on: OnDate = None) -> dict[str, Any]:
    return guide.compare(on or today())


@router.get("/{code}")
def country(code: str, on: OnDate = None) -> Response:
    # Hot path (bench/api_countries.py): the registry caches the rendered JSON per validity
    # interval, so this sends prepared bytes without re-serialising.
    body = get_registry().country(code).snapshot_json(on or today())
    return Response(body, media_type="application/json")


@router.get("/{code}/guide")
def country_guide(code: str, on: OnDate = None) -> dict[str, Any]:
    return guide.guide(code, on or today())


@router.get("/{code}/history")
def country_history(code: str) -> dict[str, Any]:
    ref = get_registry().country(code)
    return {"code": ref.code, "parameters": {name: jsonable(ref.history(name)) for name in ref.parameters}}
