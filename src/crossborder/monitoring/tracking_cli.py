"""Monitoring commands: tracking."""

from __future__ import annotations

import typer

app = typer.Typer(help="tracking", no_args_is_help=True)
