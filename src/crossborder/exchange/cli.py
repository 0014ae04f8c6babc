"""`crossborder exchange ...`: this node's identity and keys, the node registry, the delivery worker."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from crossborder.core.access.principal import CLI
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.errors import FieldError, ValidationFailed

app = typer.Typer(help="Exchange of signed documents with other member states' nodes.", no_args_is_help=True)
node_app = typer.Typer(help="The registry of trusted nodes.", no_args_is_help=True)
key_app = typer.Typer(help="This node's signing keys.", no_args_is_help=True)
app.add_typer(node_app, name="node")
app.add_typer(key_app, name="key")


def _types(values: list[str]) -> list[str]:
    return sorted({t.strip() for v in values for t in v.split(",") if t.strip()})


def _show(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(out)
    else:
        typer.echo(
            f"{out['node_id']} ({out['country']}) {out['status']} {out['endpoint']} types={out['document_types']}"
        )


@node_app.command("add")
@fail_on_domain_errors
def node_add(
    node_id: Annotated[str, typer.Option("--id", help="The node's id, e.g. my.customs")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166 alpha-2, or ASEAN for a hub")],
    endpoint: Annotated[str, typer.Option("--endpoint", help="Base URL, e.g. http://127.0.0.1:8001")],
    jwks_file: Annotated[Path, typer.Option("--jwks", help="The node's public JWKS (JSON file)")],
    types: Annotated[list[str], typer.Option("--types", help="Document types it takes (repeat or comma-separate)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register a node (or update its endpoint, keys and types)."""
    from crossborder.core.db import session_scope
    from crossborder.exchange import nodes

    try:
        jwks = json.loads(jwks_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed(
            "cannot read the JWKS", errors=[FieldError("--jwks", str(exc), str(jwks_file))]
        ) from None
    if isinstance(jwks, dict) and "jwks" in jwks:  # a whole node document works too
        jwks = jwks["jwks"]
    with session_scope() as session:
        row, _ = nodes.put(
            session, CLI, node_id=node_id, country=country, endpoint=endpoint, jwks=jwks, document_types=_types(types)
        )
        _show(nodes.node_out(row), as_json)


@node_app.command("fetch")
@fail_on_domain_errors
def node_fetch(
    urls: Annotated[list[str], typer.Argument(help="Other nodes' GET /api/v1/exchange/node URLs")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register (or update) nodes from their public node documents."""
    from crossborder.core.db import session_scope
    from crossborder.exchange import nodes

    documents = [nodes.fetch_document(url) for url in urls]  # all read before any is stored
    with session_scope() as session:
        rows = [nodes.put(session, CLI, **document)[0] for document in documents]
        for row in rows:
            _show(nodes.node_out(row), as_json)


@node_app.command("list")
@fail_on_domain_errors
def node_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    from crossborder.core.db import session_scope
    from crossborder.exchange import nodes

    with session_scope() as session:
        out = [nodes.node_out(r) for r in nodes.list_nodes(session)]
    if as_json:
        print_json(out)
    else:
        for row in out:
            _show(row, False)


def _status(node_id: str, suspend: bool) -> None:
    from crossborder.core.db import session_scope
    from crossborder.exchange import nodes
    from crossborder.exchange.models import NodeStatus

    with session_scope() as session:
        row = nodes.set_status(session, CLI, node_id, NodeStatus.suspended if suspend else NodeStatus.active)
        _show(nodes.node_out(row), False)


@node_app.command("suspend")
@fail_on_domain_errors
def node_suspend(node_id: str) -> None:
    """Refuse the node's messages and send it nothing until it is activated again."""
    _status(node_id, True)


@node_app.command("activate")
@fail_on_domain_errors
def node_activate(node_id: str) -> None:
    _status(node_id, False)


@app.command("identity")
@fail_on_domain_errors
def identity_document() -> None:
    """Print this node's public node document (what GET /api/v1/exchange/node answers)."""
    from crossborder.core.db import session_scope
    from crossborder.exchange import identity

    with session_scope() as session:
        print_json(identity.node_document(session, CLI))


@key_app.command("rotate")
@fail_on_domain_errors
def key_rotate() -> None:
    """A new signing key; the old one retires but stays published. Peers must re-fetch this node."""
    from crossborder.core.db import session_scope
    from crossborder.exchange import identity

    with session_scope() as session:
        row = identity.rotate(session, CLI)
        typer.echo(f"active key {row.kid}")


@app.command("deliver")
@fail_on_domain_errors
def deliver(
    once: Annotated[bool, typer.Option("--once", help="Deliver what is due now, then exit (the default)")] = False,
    loop: Annotated[bool, typer.Option("--loop", help="Keep delivering until interrupted")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Send due outbox messages, record receipts, back off and dead-letter. Safe to run several."""
    from crossborder.exchange import delivery

    if once and loop:
        raise ValidationFailed("choose one", errors=[FieldError("--once/--loop", "at most one of them", None)])
    stop = threading.Event()
    if loop:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    summary = delivery.deliver(loop=loop, stop=stop)
    if as_json:
        print_json(summary.as_dict())
    else:
        typer.echo(" ".join(f"{k}={v}" for k, v in summary.as_dict().items()))
