"""Mounts the monitoring routers (one per part of the capability) under /api/v1/monitoring."""

from __future__ import annotations

from fastapi import APIRouter

from crossborder.monitoring.indices_api import router as indices_router
from crossborder.monitoring.kpi_api import router as kpi_router
from crossborder.monitoring.laws_api import router as laws_router
from crossborder.monitoring.reports_api import router as reports_router
from crossborder.monitoring.survey_api import router as survey_router
from crossborder.monitoring.tracking_api import router as tracking_router

router = APIRouter()
for part in (tracking_router, kpi_router, laws_router, survey_router, indices_router, reports_router):
    router.include_router(part)
