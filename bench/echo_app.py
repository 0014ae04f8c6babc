"""A bare FastAPI JSON echo app: the yardstick customs_api.py divides by.

Same shape as POST /api/v1/customs/declarations (a sync route, so it runs in the threadpool;
body parsed as JSON by FastAPI; JSONResponse with status 201) but no middleware, no auth,
no database and no domain work. Started with uvicorn exactly like the platform:

    PYTHONPATH=bench .venv/bin/python -m uvicorn --factory echo_app:create_app --port 8001"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse


def create_app() -> FastAPI:
    app = FastAPI(title="echo", openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/echo", status_code=201)
    def echo(body: Annotated[Any, Body()]) -> JSONResponse:
        return JSONResponse(body, status_code=201)

    return app
