"""`crossborder monitoring tracking ...`: show progress, report an activity's status, import the
shipped plans as version 1. The CLI acts as the platform itself (regional, audited as "cli")."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from crossborder.core.access.principal import CLI
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.db import get_sessionmaker, write_lock
from crossborder.monitoring import plan_versions, tracking
from crossborder.monitoring.tracking_progress import progress_for
from crossborder.monitoring.tracking_schemas import StatusIn, status_out, version_out

app = typer.Typer(help="Activity status tracking and the plan's versions.", no_args_is_help=True)


@app.command("progress")
@fail_on_domain_errors
def progress_command(
    country: Annotated[str | None, typer.Option(help="A member state; default: overall")] = None,
) -> None:
    """Percentage of implementation per topic, workstream and overall, with the weighting."""
    with get_sessionmaker()() as session:
        result = progress_for(session, CLI, country)
    credits = ", ".join(f"{k} {'excluded' if v is None else v}" for k, v in result.weighting.credits.items())
    typer.echo(f"weighting: {credits}; topics pooled by activity count (data/tracking.yaml)")
    typer.echo(f"overall\t{result.overall.shown}")
    for share in (*result.workstreams, *result.topics):
        typer.echo(f"{share.id}\t{share.shown}\t{share.counted} counted\t{share.title}")


@app.command("report")
@fail_on_domain_errors
def report_command(
    activity: Annotated[str, typer.Argument(help="Activity id, e.g. A.1.1.1")],
    status: Annotated[str, typer.Argument(help="not_started, in_progress, completed, delayed, dropped")],
    as_of: Annotated[str, typer.Option("--as-of", help="YYYY-MM-DD")],
    evidence: Annotated[str | None, typer.Option(help="Required for completed and dropped")] = None,
    evidence_url: Annotated[str | None, typer.Option("--evidence-url", help="https://…")] = None,
    country: Annotated[str | None, typer.Option(help="A member state; default: the overall status")] = None,
    client_reference: Annotated[str | None, typer.Option("--client-reference")] = None,
) -> None:
    """Record a status report (printed as JSON); a repeated client reference gives the first."""
    body = StatusIn(activity_id=activity, status=status, as_of=date.fromisoformat(as_of), country=country,
                    evidence=evidence, evidence_url=evidence_url)  # fmt: skip
    with get_sessionmaker()() as session, write_lock():
        row, created = tracking.report(session, CLI, body, client_reference)
        session.commit()
        print_json({**status_out(row), "created": created})


@app.command("import-plans")
@fail_on_domain_errors
def import_command() -> None:
    """Store the shipped YAML as version 1 of each plan document (does nothing where one exists)."""
    with get_sessionmaker()() as session, write_lock():
        created = plan_versions.import_plans(session, CLI)
        session.commit()
        print_json({"imported": [version_out(v) for v in created]})
