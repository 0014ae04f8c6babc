"""`crossborder trust ...`: verify a credential (from this node or an offline bundle), manage
issuer keys, export the offline bundle."""

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
from crossborder.trust import esign, service

app = typer.Typer(help="Trust marks and trusted traders as verifiable credentials.", no_args_is_help=True)
keys_app = typer.Typer(help="Trust-mark operators' issuer keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _read(path: Path, option: str) -> str:
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed(f"cannot read {option}", errors=[FieldError(option, str(exc), str(path))]) from None


def _token(text: str) -> Any:
    """A bare compact JWS, or a JSON document holding it (the API's issue answer has `token`)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            return text  # let verification call it malformed
        return document.get("token", document.get("credential")) if isinstance(document, dict) else text
    return text


@app.command("verify")
@fail_on_domain_errors
def verify(
    credential_file: Annotated[
        Path, typer.Argument(help="The credential (compact JWS, or JSON with 'token'); - for stdin")
    ],
    country: Annotated[str | None, typer.Option("--country", help="Verify as this member state (recognition)")] = None,
    bundle: Annotated[Path | None, typer.Option("--bundle", help="Offline: a cached bundle, no database")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Validity dates as of this ISO 8601 instant")] = None,
) -> None:
    """Verify a credential. Prints JSON (valid, issuer, subject, scheme, status, recognised_under,
    reasons); exits 0 if valid, 1 if not. Status is always as of now, whatever --at says."""
    token = _token(_read(credential_file, "CREDENTIAL_FILE"))
    now = datetime.fromisoformat(at) if at else utcnow()
    if now.tzinfo is None:
        raise ValidationFailed("naive instant", errors=[FieldError("--at", "must carry a UTC offset", at)])
    if bundle is not None:
        try:
            offline = json.loads(_read(bundle, "--bundle"))
        except ValueError as exc:
            raise ValidationFailed("bad bundle", errors=[FieldError("--bundle", str(exc), str(bundle))]) from None
        result = service.verify(None, token, country, now, offline=offline)
    else:
        from crossborder.core.db import session_scope

        with session_scope() as session:
            result = service.verify(session, token, country, now)
    print_json(result.as_dict())
    raise typer.Exit(0 if result.valid else 1)


@app.command("bundle")
@fail_on_domain_errors
def export_bundle() -> None:
    """Print every issuer's JWKS and status lists, to load onto offline verifiers."""
    from crossborder.core.db import session_scope

    with session_scope() as session:
        document = service.bundle(session)
    print_json(document)


@keys_app.command("rotate")
@fail_on_domain_errors
def rotate(org: Annotated[int, typer.Option("--org", help="The trust-mark operator's organisation id")]) -> None:
    """Sign with a new key from now on; the old one stays published, so what it signed still verifies."""
    from crossborder.core.db import session_scope

    with session_scope() as session:
        kid = service.rotate_key(session, CLI, org)
    print_json({"organisation_id": org, "kid": kid})


@keys_app.command("withdraw")
@fail_on_domain_errors
def withdraw(
    org: Annotated[int, typer.Option("--org")], kid: Annotated[str, typer.Option("--kid", help="The key to unpublish")]
) -> None:
    """Unpublish a key (compromise): every credential it signed stops verifying (key_rotated_away)."""
    from crossborder.core.db import session_scope

    with session_scope() as session:
        service.withdraw_key(session, CLI, org, kid)
    print_json({"organisation_id": org, "withdrawn": kid})


@app.command("sign")
@fail_on_domain_errors
def sign(
    file: Annotated[Path, typer.Argument(help="The document to sign (any bytes: PDF, XML, JSON...)")],
    org: Annotated[int, typer.Option("--org", help="The signing organisation's id")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the signature (compact JWS)")],
    media_type: Annotated[str | None, typer.Option("--media-type", help="Default: guessed from the name")] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Client reference: repeats return the first")
    ] = None,
) -> None:
    """Sign a document for an organisation with its key; prints the signature record as JSON."""
    import mimetypes

    from crossborder.core.db import session_scope

    try:
        size = file.stat().st_size
        if size > esign.upload_limit():
            raise esign.too_large(size)
        digest = esign.sha256_hex(file.read_bytes())
    except OSError as exc:
        raise ValidationFailed("cannot read FILE", errors=[FieldError("FILE", str(exc), str(file))]) from None
    doc = esign.document(digest, media_type or mimetypes.guess_type(file.name)[0], file.name)
    with session_scope() as session:
        row, _ = esign.sign(session, CLI, org, doc, reference)
        record = esign.signature_out(row)
    try:
        out.write_text(record["signature"] + "\n", encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed("cannot write --out", errors=[FieldError("--out", str(exc), str(out))]) from None
    print_json(record)


@app.command("verify-signature")
@fail_on_domain_errors
def verify_signature(
    file: Annotated[Path, typer.Argument(help="The signed document")],
    signature: Annotated[
        Path, typer.Argument(help="Its signature (compact JWS, or JSON with 'signature'); - for stdin")
    ],
) -> None:
    """Verify a document's signature with this node's keys. Prints JSON (valid, signer, signed_at,
    key_valid_at_signing, reasons); exits 0 if valid, 1 if not."""
    from crossborder.core.db import session_scope

    try:
        digest = esign.sha256_hex(file.read_bytes())
    except OSError as exc:
        raise ValidationFailed("cannot read FILE", errors=[FieldError("FILE", str(exc), str(file))]) from None
    text = _read(signature, "SIGNATURE").strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
            text = document.get("signature", text) if isinstance(document, dict) else text
        except ValueError:
            pass  # verification calls it malformed
    with session_scope() as session:
        result = esign.verify(session, text, digest)
    print_json(result.as_dict())
    raise typer.Exit(0 if result.valid else 1)
