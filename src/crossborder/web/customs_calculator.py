"""The public landed-cost calculator: a plain GET form (bookmarkable, works without JavaScript)
that builds the same shipment the API takes and shows the engine's totals and trace."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossborder.core.dates import today
from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.customs.declarations import rulebook_for
from crossborder.customs.landed_cost import assess
from crossborder.customs.shipment import INCOTERMS, TRANSPORT_MODES, parse_shipment
from crossborder.reference import get_registry
from crossborder.web.customs import LABELS
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)

SHIPMENT_FIELDS = ("origin", "destination", "date", "incoterm", "transport_mode")
OPTIONAL_FIELDS = ("shipping", "insurance", "charges_currency", "seller_registration")
LINE_FIELDS = ("hs_code", "description", "quantity", "unit_value", "currency")
FIELDS = (*SHIPMENT_FIELDS, *OPTIONAL_FIELDS, *LINE_FIELDS, "origin_claim")
LINE_PREFIX = "lines[0]."
DEFAULTS = {
    "incoterm": "DAP",
    "transport_mode": "post",
    "shipping": "0",
    "insurance": "0",
    "quantity": "1",
    "currency": "USD",
}


def shipment_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The calculator's one-line form as the API's shipment document. Blank optional fields are
    left out, so the engine applies its own defaults; every check is the engine's."""
    raw: dict[str, Any] = {key: form.get(key, "") for key in SHIPMENT_FIELDS}
    if not raw["date"]:
        del raw["date"]  # the engine's default: today
    raw.update({key: form[key] for key in OPTIONAL_FIELDS if form.get(key)})
    line: dict[str, Any] = {"id": "1", **{key: form.get(key, "") for key in LINE_FIELDS}}
    line["quantity"] = line["quantity"] or "1"
    line["origin_claim"] = form.get("origin_claim") == "yes"
    raw["lines"] = [line]
    return raw


def field_of(error: FieldError) -> str | None:
    """The form field an error path points at (lines[0].hs_code -> hs_code), if any."""
    path = error.path.removeprefix(LINE_PREFIX)
    return path if path in FIELDS else None


def calculate(form: dict[str, str]) -> tuple[dict[str, Any] | None, list[FieldError]]:
    try:
        shipment = parse_shipment(shipment_from_form(form), today=today())
        with get_sessionmaker()() as session:
            book = rulebook_for(session, shipment.destination, shipment.on)
        return assess(shipment, book).as_dict(), []
    except (ValidationFailed, NotFound) as exc:
        return None, exc.errors or [FieldError("destination", exc.detail, form.get("destination"))]


@router.get("/customs/calculator")
def calculator(request: Request) -> Response:
    query = request.query_params
    submitted = "destination" in query
    form = {**DEFAULTS, "date": today().isoformat()}
    if submitted:
        form = {key: query.get(key, "").strip() for key in FIELDS}
        # A shortened link may leave out the choices that have a default.
        form.update({key: DEFAULTS[key] for key in ("incoterm", "transport_mode") if not form[key]})
    result, errors = calculate(form) if submitted else (None, [])
    by_field: dict[str, list[FieldError]] = {}
    for error in errors:
        by_field.setdefault(field_of(error) or "", []).append(error)
    registry = get_registry()
    return render(
        request,
        "customs/calculator.html",
        status_code=422 if errors else 200,
        form=form,
        countries=[registry.country(code) for code in registry.member_states()],
        incoterms=INCOTERMS,
        modes=TRANSPORT_MODES,
        result=result,
        errors=errors,
        field_errors=by_field,
        field_of=field_of,
        labels=LABELS,
    )
