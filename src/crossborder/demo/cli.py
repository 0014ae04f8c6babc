"""`crossborder demo seed`."""

from __future__ import annotations

import typer

from crossborder.core.db import session_scope
from crossborder.demo.service import DEMO_PASSWORD, seed

app = typer.Typer(help="Demo data for trying the platform.", no_args_is_help=True)


@app.command("seed")
def seed_command() -> None:
    """Add demo organisations and users (idempotent)."""
    with session_scope() as session:
        added = seed(session)
    typer.echo(f"demo data ready ({added} users added); demo users sign in with password {DEMO_PASSWORD!r}")
