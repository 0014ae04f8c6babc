"""Monitoring commands: laws."""

from __future__ import annotations

import typer

app = typer.Typer(help="laws", no_args_is_help=True)
