"""Monitoring commands: composite indices (list, compute from a data file, sensitivity, sample data)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crossborder.core.errors import CrossborderError
from crossborder.monitoring import index_service as service
from crossborder.monitoring.index_sample import SEED, sample_csv
from crossborder.reference.service import member_states

app = typer.Typer(help="indices", no_args_is_help=True)
DataOption = Annotated[Path | None, typer.Option("--data", help="CSV of indicator values (default: the sample)")]


def _fail(exc: CrossborderError) -> typer.Exit:
    typer.echo(f"error: {exc.detail}", err=True)
    for e in exc.errors:
        typer.echo(f"  {e.path}: {e.rule} (found {e.value!r})", err=True)
    return typer.Exit(1)


def _computed(code: str, data: Path | None) -> service.Computed:
    cfg = service.config(code)
    if data is None:
        return service.compute_sample(code)
    return service.compute_bytes(cfg, data.read_bytes(), f"file {data.name}")


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@app.command("list")
def list_indices() -> None:
    """The index definitions: code, name, sub-indices and indicators."""
    for cfg in service.all_configs():
        typer.echo(f"{cfg.code}\t{cfg.name}\t{len(cfg.sub_indices)} sub-indices\t{len(cfg.indicators)} indicators")


@app.command()
def compute(code: str, data: DataOption = None,
            out: Annotated[Path | None, typer.Option("--out", help="write the JSON here")] = None) -> None:  # fmt: skip
    """Compute an index from a data file; the JSON is byte-identical on re-run and carries a digest."""
    try:
        _write(service.dumps(service.result_json(_computed(code, data))), out)
    except CrossborderError as exc:
        raise _fail(exc) from None


@app.command()
def sensitivity(code: str, cycle: Annotated[str, typer.Option("--cycle")], data: DataOption = None,
                out: Annotated[Path | None, typer.Option("--out")] = None) -> None:  # fmt: skip
    """Rank ranges under perturbed weights and the alternative normalisation, for one cycle."""
    try:
        _write(service.dumps(service.sensitivity_json(service.sensitivity(_computed(code, data), cycle))), out)
    except CrossborderError as exc:
        raise _fail(exc) from None


@app.command()
def sample(code: str, out: Annotated[Path | None, typer.Option("--out")] = None,
           seed: Annotated[int, typer.Option("--seed")] = SEED) -> None:  # fmt: skip
    """Write synthetic sample values (labelled as such) for an index, deterministic for a seed."""
    try:
        _write(sample_csv(service.config(code), member_states(), seed=seed), out)
    except CrossborderError as exc:
        raise _fail(exc) from None
