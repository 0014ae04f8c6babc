"""The ASGI application: API under /api/v1, pages, static files, health and metrics."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from crossborder import __version__
from crossborder.api import api_router
from crossborder.core import logs, problems
from crossborder.core.db import get_engine
from crossborder.core.errors import FieldError
from crossborder.core.http import RequestMiddleware
from crossborder.core.metrics import check_metrics_reader
from crossborder.core.settings import get_settings
from crossborder.customs.api import MANIFEST_PATH
from crossborder.exchange.settings import INBOX_PATH, exchange_settings
from crossborder.redress.api import EVIDENCE_PATH as REDRESS_EVIDENCE_PATH
from crossborder.redress.settings import odr_settings
from crossborder.reference import get_registry
from crossborder.trust.application_settings import application_settings
from crossborder.trust.applications_api import EVIDENCE_PATH
from crossborder.trust.settings import trust_settings
from crossborder.web.redress_cases import WEB_EVIDENCE_PATH as REDRESS_WEB_EVIDENCE_PATH
from crossborder.web.redress_file import FILING_PATH as REDRESS_FILING_PATH
from crossborder.web.redress_file import filing_limit
from crossborder.web.routes import STATIC_DIR, web_router
from crossborder.web.templating import render
from crossborder.web.trust_applications import WEB_EVIDENCE_PATH


def _html_error(request: Request, status: int, title: str, detail: str, errors: list[FieldError]) -> Response:
    return render(request, "error.html", status_code=status, title=title, detail=detail, errors=errors)


def create_app() -> FastAPI:
    settings = get_settings()
    logs.configure(settings.log_level)
    get_registry()  # a malformed reference file stops start-up here, naming file and key path

    app = FastAPI(
        title="crossborder",
        version=__version__,
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        description="Digital infrastructure for cross-border e-commerce in ASEAN.",
    )
    problems.install(app, html=_html_error)
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def metrics(request: Request) -> Response:
        check_metrics_reader(request)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(
        RequestMiddleware,
        max_body_bytes=settings.max_body_bytes,
        large_bodies={
            MANIFEST_PATH: settings.max_manifest_bytes,
            # One file plus the multipart envelope around it.
            EVIDENCE_PATH: application_settings().max_file_bytes + 64 * 1024,
            WEB_EVIDENCE_PATH: application_settings().max_file_bytes + 64 * 1024,
            "/api/v1/trust/signatures": trust_settings().max_sign_upload_bytes + 64 * 1024,
            "/api/v1/trust/signatures/verify": trust_settings().max_sign_upload_bytes + 64 * 1024,
            INBOX_PATH: exchange_settings().max_body_bytes,
            REDRESS_EVIDENCE_PATH: odr_settings().max_file_bytes + 64 * 1024,
            REDRESS_WEB_EVIDENCE_PATH: odr_settings().max_file_bytes + 64 * 1024,
            REDRESS_FILING_PATH: filing_limit(),
        },
    )
    return app
