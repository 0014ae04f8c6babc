"""Monitoring commands: kpi."""

from __future__ import annotations

import typer

app = typer.Typer(help="kpi", no_args_is_help=True)
