"""`crossborder documents ...`: validate a trade document file and render it as HTML or PDF."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.documents import render, service

app = typer.Typer(help="Trade documents: UBL e-invoice, ACDD, ATIGA e-Form D.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="The document (JSON or XML); - for stdin")]
TypeOpt = Annotated[
    str | None, typer.Option("--type", help="acdd, form-d or ubl-invoice; default: detected from the content")
]


def _read(path: Path) -> bytes:
    try:
        payload = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise ValidationFailed("cannot read the document", errors=[FieldError("FILE", str(exc), str(path))]) from None
    service.check_size(payload)
    return payload


@app.command("validate")
@fail_on_domain_errors
def validate(
    file: FileArg,
    doc_type: TypeOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {valid, errors: [{rule, path, message}]}")] = False,
) -> None:
    """Validate against the document's schema and business rules; exit 0 when valid, 1 when not."""
    result = service.validation_report(doc_type, _read(file))
    if as_json:
        print_json(result)
    else:
        typer.echo(f"{result['document_type']}: {'valid' if result['valid'] else 'INVALID'}")
        for issue in result["errors"]:
            typer.echo(f"  [{issue['severity']}] {issue['rule']} at {issue['path'] or '/'}: {issue['message']}")
    raise typer.Exit(0 if result["valid"] else 1)


@app.command("render")
@fail_on_domain_errors
def render_document(
    file: FileArg,
    doc_type: TypeOpt = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML rendering here")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF rendering here")] = None,
) -> None:
    """Render for people to read (findings of business rules are shown on the rendering)."""
    if html is None and pdf is None:
        raise ValidationFailed("nothing to write", errors=[FieldError("--html/--pdf", "give at least one", None)])
    payload = _read(file)
    kind = doc_type or service.detect_type(payload)
    if html is not None:
        html.write_text(render.render_html(kind, payload), encoding="utf-8")
        typer.echo(f"wrote {html}")
    if pdf is not None:
        pdf.write_bytes(render.render_pdf_bytes(kind, payload))
        typer.echo(f"wrote {pdf}")
