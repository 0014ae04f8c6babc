"""`crossborder redress ...` and `crossborder mail ...`: move cases whose deadline passed, send the
mail outbox, show what is queued (for a deployment that runs them from cron instead of the worker)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from sqlalchemy import func, select

from crossborder.core import mail
from crossborder.core.clitools import fail_on_domain_errors, print_json
from crossborder.core.db import get_sessionmaker
from crossborder.core.mail_models import OutgoingMail
from crossborder.redress import sweep

app = typer.Typer(help="Consumer redress: complaints and online dispute resolution.", no_args_is_help=True)
mail_app = typer.Typer(help="The e-mail outbox.", no_args_is_help=True)


@app.command("sweep")
@fail_on_domain_errors
def sweep_command(limit: Annotated[int, typer.Option(min=1, max=100000)] = 500) -> None:
    """Apply missed deadlines: lapse, escalate, move to the final stage, alert on overdue cases."""
    print_json(asdict(sweep.sweep(get_sessionmaker(), limit=limit)))


@mail_app.command("send")
@fail_on_domain_errors
def send_command(limit: Annotated[int, typer.Option(min=1, max=100000)] = 100) -> None:
    """Send what is due in the outbox over SMTP (CROSSBORDER_SMTP_HOST; unset: nothing is sent)."""
    settings = mail.smtp_settings()
    if settings.host is None:
        typer.echo("CROSSBORDER_SMTP_HOST is not set: the outbox keeps everything queued", err=True)
    print_json(asdict(mail.deliver_due(get_sessionmaker(), limit=limit, settings=settings)))


@mail_app.command("status")
def status_command() -> None:
    """How many messages are queued, sent and failed (no addresses or contents are printed)."""
    with get_sessionmaker()() as session:
        rows = session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all()
    print_json(dict(rows))
