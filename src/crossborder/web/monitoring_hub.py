"""Monitoring pages: the hub that links every part of the Work Plan's monitoring."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossborder.monitoring.plans import load_plans
from crossborder.web.customs import signin_redirect
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/monitoring")
def hub(request: Request) -> Response:
    if getattr(request.state, "user", None) is None:
        return signin_redirect(request)
    plans = load_plans()
    return render(request, "monitoring/hub.html", meta=plans.work_plan, topics=len(plans.topics),
                  activities=len(plans.activities))  # fmt: skip
