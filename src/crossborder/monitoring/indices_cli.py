"""Monitoring commands: indices."""

from __future__ import annotations

import typer

app = typer.Typer(help="indices", no_args_is_help=True)
