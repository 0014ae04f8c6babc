"""Monitoring commands: survey."""

from __future__ import annotations

import typer

app = typer.Typer(help="survey", no_args_is_help=True)
