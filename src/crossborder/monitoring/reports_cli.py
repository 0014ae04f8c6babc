"""Monitoring commands: the review reports to a PDF or HTML-free summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crossborder.core.access.principal import CLI
from crossborder.core.db import session_scope
from crossborder.monitoring import reports
from crossborder.monitoring.report_pdf import pdf_bytes

app = typer.Typer(help="The annual stocktake, the mid-term review and the final review.", no_args_is_help=True)


@app.command()
def build(
    kind: Annotated[str, typer.Argument(help="stocktake, midterm or final")],
    out: Annotated[Path, typer.Option(help="Where to write the PDF.")],
    year: Annotated[int | None, typer.Option(help="The report's year (defaults as the Work Plan sets them).")] = None,
) -> None:
    """Write a review report as PDF and print its section titles."""
    with session_scope() as session:
        report = reports.build(session, CLI, reports.parse_kind(kind), year)
    out.write_bytes(pdf_bytes(report))
    typer.echo(f"{report.title} ({report.period}): {len(report.sections)} sections -> {out}")
    for section in report.sections:
        typer.echo(f"  - {section.title}")
