"""Core commands: database, audit, organisations, users, API keys."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crossborder.core import backup as backups
from crossborder.core import migrate
from crossborder.core.access import service as access
from crossborder.core.access.principal import CLI
from crossborder.core.audit import service as audit
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.db import session_scope

db_app = typer.Typer(help="Database schema, backup and restore.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for machines.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(revision)
    typer.echo(f"database at revision {migrate.current_revision()}")


@db_app.command("backup")
@fail_on_domain_errors
def db_backup(file: Path) -> None:
    """Write every row to FILE (JSON lines; gzip if FILE ends in .gz)."""
    counts = backups.backup(file)
    typer.echo(f"backed up {sum(counts.values())} rows from {len(counts)} tables to {file}")


@db_app.command("restore")
@fail_on_domain_errors
def db_restore(file: Path, yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False) -> None:
    """Replace the database's rows with FILE's, in one transaction."""
    if not yes and sys.stdin.isatty():
        typer.confirm("This replaces every row in the database. Continue?", abort=True)
    counts = backups.restore(file)
    typer.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables from {file}")


@audit_app.command("verify")
def audit_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Walk the chain; name the first broken entry. Exit 1 when broken."""
    with session_scope() as session:
        result = audit.verify_chain(session)
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "first_broken_seq": result.first_broken_seq,
                "reason": result.reason,
            }
        )
    elif result.ok:
        typer.echo(f"audit chain intact: {result.entries} entries")
    else:
        typer.echo(f"audit chain BROKEN at entry {result.first_broken_seq}: {result.reason}", err=True)
    if not result.ok:
        raise typer.Exit(1)


@org_app.command("create")
@fail_on_domain_errors
def org_create(
    name: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option()],
    country: Annotated[str, typer.Option()],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    with session_scope() as session:
        org = access.create_organisation(session, CLI, name=name, kind=kind, country=country)
        out = {"id": org.id, "name": org.name, "kind": org.kind, "country": org.country}
    print_json(out) if as_json else typer.echo(f"organisation {out['id']}: {name} ({kind}, {country})")


@user_app.command("create")
@fail_on_domain_errors
def user_create(
    email: Annotated[str, typer.Option()],
    organisation_id: Annotated[int, typer.Option("--org")],
    role: Annotated[list[str], typer.Option("--role", help="Repeat for several roles.")],
    display_name: Annotated[str, typer.Option("--name")] = "",
    password: Annotated[
        str, typer.Option(envvar="CROSSBORDER_NEW_PASSWORD", prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a user (the password is prompted for, or read from CROSSBORDER_NEW_PASSWORD)."""
    with session_scope() as session:
        user = access.create_user(
            session,
            CLI,
            email=email,
            password=password,
            display_name=display_name,
            organisation_id=organisation_id,
            roles=role,
        )
        out = {"id": user.id, "email": user.email, "organisation_id": user.organisation_id, "roles": user.roles}
    print_json(out) if as_json else typer.echo(f"user {out['id']}: {out['email']} {out['roles']}")


@apikey_app.command("create")
@fail_on_domain_errors
def apikey_create(
    organisation_id: Annotated[int, typer.Option("--org")],
    role: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create an API key. Its token is printed once: store it now."""
    with session_scope() as session:
        issued = access.create_api_key(session, CLI, organisation_id=organisation_id, name=name, role=role)
        out = {"key_id": issued.key.key_id, "role": issued.key.role, "token": issued.token}
    if as_json:
        print_json(out)
    else:
        typer.echo(f"API key {out['key_id']} ({out['role']}). Token, shown once:\n{out['token']}")


@apikey_app.command("revoke")
@fail_on_domain_errors
def apikey_revoke(key_id: str) -> None:
    with session_scope() as session:
        access.revoke_api_key(session, CLI, key_id)
    typer.echo(f"API key {key_id} revoked")
