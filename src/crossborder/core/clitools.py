"""Helpers every capability's CLI shares: JSON output and domain errors as exit codes."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from crossborder.core.errors import CrossborderError, ReferenceDataError

F = TypeVar("F", bound=Callable[..., Any])


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def fail_on_domain_errors(func: F) -> F:
    """Print a domain error with every field it names, then exit 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CrossborderError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            for e in exc.errors:
                typer.echo(f"  {e.path}: {e.rule} (got {e.value!r})", err=True)
            raise typer.Exit(2) from None
        except ReferenceDataError as exc:
            typer.echo(f"reference data error: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
