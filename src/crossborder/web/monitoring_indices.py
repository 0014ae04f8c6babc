"""Monitoring pages: composite indices (the list, and one index per cycle with its charts, the weights
used, every missing-value treatment and the sensitivity table). Sign-in with a monitoring role is
required; results are not restricted per member state."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossborder.core.dates import utcnow
from crossborder.core.db import get_sessionmaker
from crossborder.monitoring import index_service as service
from crossborder.monitoring.access import require_reader
from crossborder.monitoring.charts import Series, bar_chart, line_chart
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)
FIRST_YEAR = 2021  # the Work Plan's baseline year


def _signed_in_reader(request: Request) -> Response | None:
    user = getattr(request.state, "user", None)
    if user is None:
        return signin_redirect(request)
    with get_sessionmaker()() as session:
        require_reader(principal_of(session, user))
    return None


@router.get("/monitoring/indices")
def indices_page(request: Request) -> Response:
    if (redirect := _signed_in_reader(request)) is not None:
        return redirect
    return render(request, "monitoring/indices_list.html", configs=service.all_configs())


@router.get("/monitoring/indices/{code}")
def index_page(request: Request, code: str, cycle: str | None = None, data: str = "sample") -> Response:
    if (redirect := _signed_in_reader(request)) is not None:
        return redirect
    cfg = service.config(code)
    platform = data == "platform" and service.uses_platform(cfg)
    if platform:  # recomputed from this platform's records, one cycle per calendar year
        with get_sessionmaker()() as session:
            computed = service.compute_platform(session, code, list(range(FIRST_YEAR, utcnow().year + 1)))
    else:
        computed = service.compute_sample(code)
    result = computed.result
    cycles = [c.cycle for c in result.cycles]
    chosen = result.cycle(cycle) if cycle else result.cycles[-1]
    if chosen is None:
        chosen = result.cycles[-1]  # an unknown cycle shows the latest, and the page says which
    states = [s.state for s in chosen.states]
    over: dict[str, list[Decimal | None]] = {s: [] for s in states}
    for c in result.cycles:
        found = {s.state: s.index for s in c.states}
        for state in states:
            over[state].append(found.get(state))
    return render(
        request, "monitoring/indices_detail.html", c=computed, cfg=computed.config, cycle=chosen, cycles=cycles,
        states=states, index_values=[s.index for s in chosen.states], over=over,
        treatments=[t for t in result.treatments if t.cycle == chosen.cycle],
        sub_series=[Series(s.code, [row.sub_indices[s.code] for row in chosen.states])
                    for s in computed.config.sub_indices],
        line_series=[Series(state, values) for state, values in over.items()],
        sensitivity=service.sensitivity(computed, chosen.cycle), Series=Series, bar_chart=bar_chart,
        line_chart=line_chart, platform=platform, offers_platform=service.uses_platform(cfg),
    )  # fmt: skip
