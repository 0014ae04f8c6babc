"""`crossborder monitoring survey …`: the secretariat's survey commands, run on the node as the CLI
principal (regional admin)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crossborder.core.access.principal import CLI
from crossborder.core.clitools import fail_on_domain_errors, print_json

app = typer.Typer(help="Annual Business Survey: panel, links, results.", no_args_is_help=True)
YearOption = Annotated[int, typer.Option("--year", help="Survey year, e.g. 2026")]


@app.command("results")
@fail_on_domain_errors
def results(
    year: YearOption,
    country: Annotated[str | None, typer.Option("--country")] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="micro, small, medium or large")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV instead of JSON")] = False,
) -> None:
    """Results per question (with 95 % intervals) and the change from the previous year."""
    from crossborder.core.db import session_scope
    from crossborder.monitoring import survey_results
    from crossborder.monitoring.survey_export import results_csv
    from crossborder.monitoring.survey_schemas import change_out, results_out

    with session_scope() as session:
        r = survey_results.results(session, CLI, year, country, segment)
        before, changes = survey_results.year_over_year(session, CLI, year, country, segment, current=r)
    if csv:
        typer.echo(results_csv(r, changes), nl=False)
        return
    print_json({**results_out(r), "compared_with": before, "changes": [change_out(c) for c in changes]})


@app.command("issue-links")
@fail_on_domain_errors
def issue_links(year: YearOption, base_url: Annotated[str, typer.Option("--base-url")] = "") -> None:
    """A single-use link for each panel member without one for the year. The tokens are printed once
    (only their SHA-256 is kept): hand them out, then discard the output."""
    from crossborder.core.db import session_scope
    from crossborder.monitoring import survey_links

    with session_scope() as session:
        issued = survey_links.issue(session, CLI, year)
    print_json({"year": year, "issued": len(issued), "links": [
        {"panel_id": i.panel_id, "country": i.country, "segment": i.segment,
         "url": f"{base_url.rstrip('/')}/survey/answer?token={i.token}", "expires_at": i.expires_at.isoformat()}
        for i in issued]})  # fmt: skip


@app.command("import-panel")
@fail_on_domain_errors
def import_panel(path: Annotated[Path, typer.Argument(help="CSV: panel_id,country,segment,sector")]) -> None:
    """Add businesses to the panel from a CSV file; one bad row rejects the file."""
    from crossborder.core.db import session_scope
    from crossborder.monitoring import survey_panel

    with session_scope() as session:
        rows = survey_panel.import_csv(session, CLI, path.read_bytes())
    print_json({"imported": len(rows)})
