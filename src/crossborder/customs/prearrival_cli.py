"""`crossborder customs prearrival ...`: verify a pass offline at a checkpoint, manage issuer keys."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from crossborder.core.access.principal import CLI
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.customs import prearrival_keys as passes
from crossborder.reference import get_registry

app = typer.Typer(help="Pre-arrival manifests and green-lane passes for land checkpoints.", no_args_is_help=True)
keys_app = typer.Typer(help="The destination's pass-signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _read_json(path: Path, option: str) -> Any:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"cannot read {option}", errors=[FieldError(option, str(exc), str(path))]) from None


def _country(code: str) -> str:
    if code not in get_registry().member_states():
        raise ValidationFailed("unknown country", errors=[FieldError("--country", "must be a member state", code)])
    return code


@app.command("verify")
@fail_on_domain_errors
def verify(
    token_file: Annotated[Path, typer.Argument(help="The scanned pass (compact JWS); - for standard input")],
    jwks: Annotated[Path, typer.Option("--jwks", help="The destination's cached JWKS file")],
    consignments: Annotated[Path | None, typer.Option("--consignments", help="JSON list the truck presents")] = None,
    revoked: Annotated[Path | None, typer.Option("--revoked", help="Cached revocation list (JSON)")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Verify as of this ISO 8601 instant (default now)")] = None,
) -> None:
    """Verify a pass offline: no database, no network. Prints JSON; exits 0 if valid, 1 if not."""
    try:
        token = (sys.stdin.read() if str(token_file) == "-" else token_file.read_text(encoding="utf-8")).strip()
    except OSError as exc:
        raise ValidationFailed(
            "cannot read token", errors=[FieldError("TOKEN_FILE", str(exc), str(token_file))]
        ) from None
    now = datetime.fromisoformat(at) if at else utcnow()
    if now.tzinfo is None:
        raise ValidationFailed("naive instant", errors=[FieldError("--at", "must carry a UTC offset", at)])
    revoked_doc = _read_json(revoked, "--revoked") if revoked else []
    revoked_set = revoked_doc.get("revoked", []) if isinstance(revoked_doc, dict) else revoked_doc
    check = passes.verify_pass(
        token,
        passes.keys_from_jwks(_read_json(jwks, "--jwks")),
        now,
        _read_json(consignments, "--consignments") if consignments else None,
        frozenset(str(j) for j in revoked_set),
    )
    print_json(check.as_dict())
    raise typer.Exit(0 if check.valid else 1)


@keys_app.command("rotate")
@fail_on_domain_errors
def rotate(country: Annotated[str, typer.Option("--country", help="Destination member state, e.g. MY")]) -> None:
    """Start signing with a new key; the old one stays published so passes it signed still verify."""
    from crossborder.core.db import session_scope

    with session_scope() as session:
        row = passes.rotate(session, CLI, _country(country))
        kid = row.kid
    print_json({"country": country, "kid": kid})


@keys_app.command("jwks")
@fail_on_domain_errors
def export_jwks(country: Annotated[str, typer.Option("--country")]) -> None:
    """Print the destination's JWKS, to load onto checkpoint devices."""
    from crossborder.core.db import session_scope

    with session_scope() as session:
        document = passes.jwks(session, _country(country))
    print_json(document)
