"""`crossborder reference ...`: show a country's rules on a date, validate a reference folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from crossborder.core.dates import today
from crossborder.core.errors import CrossborderError, ReferenceDataError
from crossborder.core.settings import get_settings
from crossborder.reference.loader import load_registry
from crossborder.reference.scenarios import run_folder
from crossborder.reference.service import get_registry

app = typer.Typer(
    help="Reference data: each member state's dated rules (tax rates, de minimis, laws, schemes) and their sources.",
    no_args_is_help=True,
)

# Exit codes: 1 = the reference data itself is wrong; 2 = the request was (unknown code, bad date).
_DATA_ERROR = 1
_USAGE_ERROR = 2


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _parse_date(text: str | None) -> date:
    if text is None:
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"error: --on must be a date YYYY-MM-DD, found {text!r}", _USAGE_ERROR) from None


def _describe(exc: CrossborderError) -> str:
    details = "; ".join(f"{e.path}: {e.rule} (found {e.value!r})" for e in exc.errors)
    return f"error: {exc.detail}" + (f" — {details}" if details else "")


@app.command()
def show(
    code: Annotated[str, typer.Argument(help="Member state code, e.g. SG")],
    on: Annotated[str | None, typer.Option("--on", help="Date YYYY-MM-DD (default: today, UTC)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the snapshot as JSON")] = False,
) -> None:
    """Every rule of a member state in force on a date, with its source."""
    day = _parse_date(on)
    try:
        snapshot = get_registry().country(code).snapshot(day)
    except ReferenceDataError as exc:
        raise _fail(f"error: reference data is invalid: {exc}", _DATA_ERROR) from None
    except CrossborderError as exc:
        raise _fail(_describe(exc), _USAGE_ERROR) from None
    if as_json:
        typer.echo(json.dumps(snapshot, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_table(snapshot))


@app.command("list")
def list_states(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """The member states the reference folder covers."""
    try:
        registry = get_registry()
    except ReferenceDataError as exc:
        raise _fail(f"error: reference data is invalid: {exc}", _DATA_ERROR) from None
    rows = [{"code": c, "name": registry.country(c).name} for c in registry.member_states()]
    typer.echo(
        json.dumps(rows, ensure_ascii=False, indent=2)
        if as_json
        else "\n".join(f"{r['code']}  {r['name']}" for r in rows)
    )


@app.command()
def check(
    directory: Annotated[
        Path | None, typer.Argument(help="Reference folder (default: CROSSBORDER_REFERENCE_DIR or the packaged data)")
    ] = None,
) -> None:
    """Validate a reference folder and run its scenarios; prints OK or the first problem."""
    folder = directory or get_settings().reference_dir
    try:
        registry = load_registry(folder)
        results = run_folder(registry, folder)
    except ReferenceDataError as exc:
        raise _fail(f"error: {exc}", _DATA_ERROR) from None
    failed = [r for r in results if not r.passed]
    for r in failed:
        typer.echo(f"FAIL {r.file}: {r.name}: {r.message}", err=True)
    if failed:
        raise _fail(f"error: {len(failed)} of {len(results)} scenarios failed", _DATA_ERROR)
    states = registry.member_states()
    typer.echo(f"OK: {len(states)} member states ({', '.join(states)}), {len(results)} scenarios passed")


def render_table(snapshot: dict[str, Any]) -> str:
    """A readable listing: one line per value or item, gaps called out."""
    currency = snapshot["currency"]
    lines = [
        f"{snapshot['name']} ({snapshot['code']}) on {snapshot['on']}",
        f"currency {currency['code']} ({currency['name']}, {currency['minor_units']} minor units)",
        "",
    ]
    for name, entry in snapshot["parameters"].items():
        if entry["kind"] == "items":
            items = entry["items"]
            lines.append(f"{name}: {len(items)} in force" if items else f"{name}: none in force")
            for item in items:
                label = (
                    item["name"] or f"{item['details'].get('partner', '')} {item['details'].get('partner_scheme', '')}"
                )
                lines.append(
                    f"  - {label} [in force: {item['in_force_on_date']}] ({item['confidence']}) {item['source']}"
                )
            continue
        if "gap" in entry:
            lines.append(f"{name}: GAP: {entry['gap']}")
            continue
        span = f"{entry['effective_from'] or '…'} to {entry['effective_to'] or '…'}"
        lines.append(
            f"{name}: {_value_text(entry)}  [{span}] ({entry['confidence']}, as of {entry['as_of']}) {entry['source']}"
        )
    return "\n".join(lines)


def _value_text(entry: dict[str, Any]) -> str:
    value = entry["value"]
    if entry["unit"] == "percent" and value is not None:
        return f"{value} %"
    if entry["unit"] == "threshold" and isinstance(value, dict):
        if value.get("amount") is None:
            return "no threshold"
        basis = " ".join(str(value[k]) for k in ("valuation_basis", "per") if value.get(k))
        return f"{value['currency']} {value['amount']} {basis}".strip()
    return "null" if value is None else str(value)
