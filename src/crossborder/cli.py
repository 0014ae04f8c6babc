"""The `crossborder` command: mounts each capability's commands."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from crossborder.core.cli import apikey_app, audit_app, db_app, org_app, user_app
from crossborder.customs.cli import app as customs_app
from crossborder.customs.prearrival_cli import app as prearrival_app
from crossborder.demo.cli import app as demo_app
from crossborder.documents.cli import app as documents_app
from crossborder.exchange.cli import app as exchange_app
from crossborder.monitoring.cli import app as monitoring_app
from crossborder.redress.cli import app as redress_app
from crossborder.redress.cli import mail_app
from crossborder.reference.cli import app as reference_app
from crossborder.trust.cli import app as trust_app

app = typer.Typer(help="crossborder: cross-border e-commerce infrastructure for ASEAN.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(reference_app, name="reference")
app.add_typer(audit_app, name="audit")
app.add_typer(customs_app, name="customs")
customs_app.add_typer(prearrival_app, name="prearrival")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(trust_app, name="trust")
app.add_typer(documents_app, name="documents")
app.add_typer(exchange_app, name="exchange")
app.add_typer(redress_app, name="redress")
app.add_typer(mail_app, name="mail")
app.add_typer(monitoring_app, name="monitoring")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option(help="Seed demo data on first start (empty database).")] = True,
) -> None:
    """Migrate the database, seed demo data on first start, serve the web UI and API."""
    import uvicorn

    from crossborder.core import migrate
    from crossborder.core.db import session_scope
    from crossborder.demo.service import DEMO_PASSWORD, is_seeded, seed
    from crossborder.reference import get_registry

    get_registry()  # fail fast on malformed reference data, before binding the port
    os.environ.setdefault("CROSSBORDER_REDRESS_WORKER", "1")  # deadlines and e-mail move on by themselves
    migrate.upgrade()
    if demo:
        with session_scope() as session:
            if not is_seeded(session):
                seed(session)
                typer.echo(f"demo data loaded; e.g. sign in as admin@demo.crossborder.asia / {DEMO_PASSWORD}")
    typer.echo(f"crossborder on http://{host}:{port}/ (API: /api/v1, OpenAPI: /openapi.json)")
    uvicorn.run(
        "crossborder.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
