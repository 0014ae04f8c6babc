"""`crossborder customs ...`: landed cost from a file, imports, manifests, trusted traders."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from crossborder.core.access.principal import CLI, Principal
from crossborder.core.access.roles import Role
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.dates import today
from crossborder.core.db import get_sessionmaker, session_scope
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.customs import rates
from crossborder.customs.bulk import persist_batch
from crossborder.customs.declarations import rulebook_for
from crossborder.customs.landed_cost import assess
from crossborder.customs.manifest import clear_file
from crossborder.customs.settings import customs_settings
from crossborder.customs.shipment import parse_shipment
from crossborder.customs.trusted import flag_trusted_trader

app = typer.Typer(help="Customs and tax for low-value e-commerce.", no_args_is_help=True)


@app.command("landed-cost")
@fail_on_domain_errors
def landed_cost(
    file: Annotated[Path, typer.Argument(help="JSON input (the API's schema); - for standard input")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON result")] = False,
) -> None:
    """Landed cost of one shipment, read as JSON (the same schema as POST /api/v1/customs/landed-cost)."""
    text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed("malformed JSON", errors=[FieldError("body", f"malformed JSON: {exc}", None)]) from None
    shipment = parse_shipment(raw, today=today())
    with session_scope() as session:
        result = assess(shipment, rulebook_for(session, shipment.destination, shipment.on)).as_dict()
    if as_json:
        print_json(result)
        return
    totals = result["totals"]
    typer.echo(
        f"{shipment.origin} -> {shipment.destination} on {shipment.on}, {result['incoterm']}, {result['currency']}"
    )
    for key in ("goods", "shipping", "insurance", "duty", "tax_at_border", "tax_at_checkout", "landed_cost"):
        typer.echo(f"  {key:16} {totals[key]:>14}")
    for step in result["trace"]:
        typer.echo(f"  - {step['text']}")


@app.command("import-tariff")
@fail_on_domain_errors
def import_tariff(file: Path) -> None:
    """Import a tariff schedule CSV (destination,hs_code,description,mfn_rate_percent,atiga_rate_percent,
    effective_from,source,sample). All or nothing."""
    with session_scope() as session:
        count = rates.import_file(session, CLI, file, "tariff")
    typer.echo(f"imported {count} tariff lines from {file}")


@app.command("import-rates")
@fail_on_domain_errors
def import_rates(file: Path) -> None:
    """Import dated exchange rates CSV (rate_date,base,quote,rate,source,sample). All or nothing."""
    with session_scope() as session:
        count = rates.import_file(session, CLI, file, "rates")
    typer.echo(f"imported {count} exchange rates from {file}")


@app.command("clear-manifest")
@fail_on_domain_errors
def clear_manifest(
    source: Annotated[Path, typer.Argument(help="Manifest: .csv (one parcel per row) or .jsonl (declarations)")],
    out: Annotated[Path, typer.Option("--out", help="Results, one JSON line per input line")],
    persist: Annotated[bool, typer.Option(help="Store each declaration (as --org)")] = False,
    org: Annotated[int | None, typer.Option(help="Declarant organisation id, with --persist")] = None,
    on: Annotated[str | None, typer.Option(help="Default date for lines without one")] = None,
) -> None:
    """Assess a manifest line by line; a killed run resumes where it stopped when run again."""
    if persist and org is None:
        raise ValidationFailed("--org needed", errors=[FieldError("--org", "is required with --persist", None)])
    principal = Principal(actor="cli", organisation_id=org, country=CLI.country, roles=frozenset({Role.admin}))
    session = get_sessionmaker()()
    try:
        store = (lambda batch: persist_batch(session, principal, batch)) if persist else None
        state = clear_file(
            session,
            source,
            out,
            checkpoint_every=customs_settings().checkpoint_every,
            persist=store,
            today=date.fromisoformat(on) if on else today(),
        )
    finally:
        session.close()
    typer.echo(f"{state.lines} lines: {state.ok} assessed, {state.failed} rejected -> {out}")


@app.command("trust")
@fail_on_domain_errors
def trust(
    business_id: str,
    destination: Annotated[str, typer.Option("--country")],
    valid_from: Annotated[str, typer.Option("--from")] = "",
    valid_to: Annotated[str | None, typer.Option("--to")] = None,
) -> None:
    """Flag a business as a trusted trader for a destination (until the trust capability issues credentials)."""
    with session_scope() as session:
        flag_trusted_trader(
            session,
            business_id,
            destination,
            date.fromisoformat(valid_from) if valid_from else today(),
            date.fromisoformat(valid_to) if valid_to else None,
        )
    typer.echo(f"{business_id} is a trusted trader for {destination}")


@app.command("show-rates")
def show_rates() -> None:
    """Print the loaded tariff and exchange-rate tables' sizes."""
    with session_scope() as session:
        tables = rates.tables(session)
    print_json({"tariff_lines": {d: len(t) for d, t in tables.tariffs.items()}})
