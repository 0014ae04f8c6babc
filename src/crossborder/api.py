"""Mounts each capability's router under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from crossborder.core.access.api import router as access_router
from crossborder.core.audit.api import router as audit_router
from crossborder.customs.api import router as customs_router
from crossborder.customs.prearrival_api import router as prearrival_router
from crossborder.documents.api import router as documents_router
from crossborder.exchange.api import router as exchange_router
from crossborder.monitoring.api import router as monitoring_router
from crossborder.redress.api import router as redress_router
from crossborder.redress.incidents_api import router as redress_incidents_router
from crossborder.reference.api import router as reference_router
from crossborder.trust.api import router as trust_router
from crossborder.trust.applications_api import router as trust_applications_router
from crossborder.trust.flags_api import router as trust_flags_router

api_router = APIRouter()
# Starlette tries routes in order, so the busiest machine-to-machine paths come first: the exchange
# inbox and customs declarations would otherwise be matched against every other route first.
api_router.include_router(exchange_router)
api_router.include_router(customs_router)
api_router.include_router(reference_router)
api_router.include_router(access_router)
api_router.include_router(audit_router)
api_router.include_router(prearrival_router)
api_router.include_router(documents_router)
api_router.include_router(trust_router)
api_router.include_router(trust_applications_router)
api_router.include_router(trust_flags_router)
api_router.include_router(redress_incidents_router)
api_router.include_router(redress_router)
api_router.include_router(monitoring_router)
