"""Mounts each capability's pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request

from crossborder.web.auth import load_user
from crossborder.web.countries import router as countries_router
from crossborder.web.customs_calculator import router as customs_calculator_router
from crossborder.web.customs_declarations import router as customs_declarations_router
from crossborder.web.documents_pages import router as documents_router
from crossborder.web.exchange_pages import router as exchange_router
from crossborder.web.monitoring_hub import router as monitoring_hub_router
from crossborder.web.monitoring_indices import router as monitoring_indices_router
from crossborder.web.monitoring_kpi import router as monitoring_kpi_router
from crossborder.web.monitoring_laws import router as monitoring_laws_router
from crossborder.web.monitoring_plan_edit import router as monitoring_plan_edit_router
from crossborder.web.monitoring_reports import router as monitoring_reports_router
from crossborder.web.monitoring_survey import router as monitoring_survey_router
from crossborder.web.monitoring_tracking import router as monitoring_tracking_router
from crossborder.web.pages import router as shell_router
from crossborder.web.redress_cases import router as redress_cases_router
from crossborder.web.redress_dashboard import router as redress_dashboard_router
from crossborder.web.redress_file import router as redress_file_router
from crossborder.web.redress_incidents import router as redress_incidents_router
from crossborder.web.trust_applications import router as trust_applications_router
from crossborder.web.trust_badge import router as trust_badge_router
from crossborder.web.trust_registry import router as trust_registry_router
from crossborder.web.trust_verify import router as trust_verify_router

STATIC_DIR = Path(__file__).resolve().parent / "static"


def attach_user(request: Request) -> None:
    request.state.user = load_user(request)


web_router = APIRouter(dependencies=[Depends(attach_user)])
web_router.include_router(shell_router)
web_router.include_router(countries_router)
web_router.include_router(customs_calculator_router)
web_router.include_router(customs_declarations_router)
web_router.include_router(trust_registry_router)
web_router.include_router(trust_verify_router)
web_router.include_router(trust_badge_router)
web_router.include_router(trust_applications_router)
web_router.include_router(documents_router)
web_router.include_router(exchange_router)
web_router.include_router(redress_file_router)
web_router.include_router(redress_cases_router)
web_router.include_router(redress_dashboard_router)
web_router.include_router(redress_incidents_router)
web_router.include_router(monitoring_hub_router)
web_router.include_router(monitoring_tracking_router)
web_router.include_router(monitoring_plan_edit_router)
web_router.include_router(monitoring_kpi_router)
web_router.include_router(monitoring_laws_router)
web_router.include_router(monitoring_survey_router)
web_router.include_router(monitoring_indices_router)
web_router.include_router(monitoring_reports_router)
