"""The complaint dashboard page for consumer-protection officers and the secretariat (the figures
come from redress.dashboard; the CSV is the API's export of the same figures)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.redress import dashboard as board
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.redress_labels import LABELS
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)


def _day(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("bad date", errors=[FieldError(name, "must be a date YYYY-MM-DD", raw)]) from None


@router.get("/redress/dashboard")
def dashboard_page(request: Request, since: str | None = None, until: str | None = None) -> Response:
    user = getattr(request.state, "user", None)
    if user is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        figures = board.build(session, principal_of(session, user), _day(since, "since"), _day(until, "until"))
    query = "&".join(f"{k}={v}" for k, v in (("since", figures.since), ("until", figures.until)) if v)
    widest = max([*figures.by_category.values(), *[m["filed"] for m in figures.by_month], 1])
    return render(request, "redress/dashboard.html", b=figures, labels=LABELS, csv_query=query, widest=widest)
