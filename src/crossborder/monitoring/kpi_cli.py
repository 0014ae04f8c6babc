"""`crossborder monitoring kpi ...`: list the KPI definitions, compute the platform KPIs of a period,
show one KPI with its measurements. The CLI acts as the platform itself (regional, audited as "cli")."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from crossborder.core.access.principal import CLI
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.db import get_sessionmaker, write_lock
from crossborder.monitoring import kpi_measurements as measurements
from crossborder.monitoring import kpis
from crossborder.monitoring.kpi_platform import compute
from crossborder.monitoring.kpi_schemas import kpi_out

app = typer.Typer(help="KPIs: definitions, measurements, platform computations.", no_args_is_help=True)


@app.command("list")
@fail_on_domain_errors
def list_command() -> None:
    """Every KPI: code, unit, frequency, source and target."""
    for kpi in kpis.load_kpis().values():
        target = f"{kpi.target.value} by {kpi.target.by}" if kpi.target else f"none ({kpi.target_note})"
        typer.echo(f"{kpi.code}\t{kpi.unit}\t{kpi.frequency}\t{kpi.source}\ttarget: {target}")


@app.command("compute")
@fail_on_domain_errors
def compute_command(
    period: Annotated[str, typer.Option(help="2026-10 (monthly KPIs), 2026-Q3 or 2026")],
    country: Annotated[list[str] | None, typer.Option(help="A member state; repeat; default all")] = None,
) -> None:
    """Compute and store the platform KPIs of PERIOD; prints what was stored and what had no records."""
    with get_sessionmaker()() as session, write_lock():
        result = compute(session, CLI, period, country)
        session.commit()
    print_json(asdict(result))


@app.command("show")
@fail_on_domain_errors
def show_command(code: str, country: Annotated[str | None, typer.Option(help="One member state")] = None) -> None:
    """One KPI's definition and its measurements, oldest period first."""
    kpi = kpis.get(code)
    with get_sessionmaker()() as session:
        rows = measurements.listing(session, CLI, kpi=kpi.code, country=country)
        print_json({"kpi": kpi_out(kpi), "measurements": [measurements.measurement_out(r) for r in rows]})
