"""Monitoring commands: laws. `crossborder monitoring laws coverage --year 2025` prints the coverage
matrix (latest beside the 2021 baseline); `... gaps --year 2025` the common gaps with workshop
proposals. Both read as the secretariat (every member state, submitted plans marked)."""

from __future__ import annotations

from typing import Annotated

import typer

from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.db import get_sessionmaker
from crossborder.monitoring import laws_coverage as coverage
from crossborder.monitoring.laws_api import gap_out, matrix_out
from crossborder.monitoring.laws_reference import Level

app = typer.Typer(help="Laws Reporting Scheme: coverage matrix and common gaps.", no_args_is_help=True)

SHORT = {Level.yes: "Y", Level.partial: "P", Level.no: "N", Level.not_reported: "-"}


def _short(cell: coverage.Cell | None) -> str:
    if cell is None:
        return "?"
    return SHORT[cell.level] + ("*" if cell.basis == "submitted" else "")


@app.command("coverage")
@fail_on_domain_errors
def coverage_command(
    year: Annotated[int, typer.Option(min=2000, max=2100)],
    baseline: Annotated[int | None, typer.Option(min=2000, max=2100)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Coverage per topic and member state: latest (year) / baseline, e.g. P/Y.
    Y yes, P partial, N no, - not reported, ? baseline not stated, * submitted not yet accepted."""
    with get_sessionmaker()() as session:
        m = coverage.matrix(session, year, baseline)
    if as_json:
        print_json(matrix_out(m))
        return
    typer.echo(f"Coverage {m.year} (baseline {m.baseline_year})")
    typer.echo("topic  " + " ".join(f"{s:>6}" for s in m.states))
    for row in m.rows:
        cells = " ".join(f"{_short(row.cells[s]) + '/' + _short(row.baseline[s]):>6}" for s in m.states)
        typer.echo(f"{row.topic.id:<6} {cells}")
    typer.echo("latest/baseline; Y yes, P partial, N no, - not reported, ? not stated, * submitted not accepted")


@app.command("gaps")
@fail_on_domain_errors
def gaps_command(
    year: Annotated[int, typer.Option(min=2000, max=2100)],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Common gaps: topics where at least common_gap_min_states (laws.yaml) states lack coverage."""
    with get_sessionmaker()() as session:
        gaps = coverage.common_gaps(session, year)
    if as_json:
        print_json({"year": year, "gaps": [gap_out(g) for g in gaps]})
        return
    if not gaps:
        typer.echo(f"No common gaps in {year}.")
    for g in gaps:
        typer.echo(f"{g.topic.id} {g.topic.title}: {len(g.lacking)} member states lack coverage")
        typer.echo(f"  {g.proposal}")
