"""Logical backup and restore that work the same on SQLite and PostgreSQL: one JSON
document per row, tables in foreign-key order, headed by the schema revision. A restore
runs in one transaction into a database at the same revision, so it is all or nothing."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, delete, func, insert, select, text

from crossborder.core.db import UTCDateTime, get_engine, is_postgres
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.migrate import current_revision
from crossborder.core.models_registry import metadata

FORMAT = "crossborder-backup/1"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoder(table: Table) -> dict[str, Any]:
    decoders: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, UTCDateTime):
            decoders[column.name] = lambda v: None if v is None else datetime.fromisoformat(v)
    return decoders


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8")


def backup(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    engine = get_engine()
    with engine.connect() as connection, _open(path, "w") as out:
        # One read transaction: a consistent snapshot on PostgreSQL (repeatable read).
        if is_postgres(engine):
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        out.write(json.dumps({"format": FORMAT, "revision": current_revision()}) + "\n")
        for table in metadata.sorted_tables:
            counts[table.name] = 0
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                out.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row._mapping.items()}}) + "\n")
                counts[table.name] += 1
    return counts


def _rows(handle: IO[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, line in enumerate(handle, start=2):
        try:
            item = json.loads(line)
            yield item["t"], item["r"]
        except (ValueError, KeyError, TypeError):
            raise ValidationFailed(
                "corrupt backup",
                errors=[FieldError(f"line {number}", "must be a JSON object with keys t and r", line[:80])],
            ) from None


def restore(path: Path) -> dict[str, int]:
    """Replace every row with the backup's. Nothing changes unless all of it loads."""
    tables = {t.name: t for t in metadata.sorted_tables}
    counts: dict[str, int] = dict.fromkeys(tables, 0)
    with _open(path, "r") as handle:
        header = json.loads(handle.readline() or "{}")
        if header.get("format") != FORMAT:
            raise ValidationFailed(
                "not a backup", errors=[FieldError("header.format", f"must be {FORMAT}", header.get("format"))]
            )
        if header.get("revision") != current_revision():
            raise ValidationFailed(
                "schema mismatch",
                errors=[
                    FieldError(
                        "header.revision",
                        f"must equal the database's schema revision {current_revision()}: "
                        "run `crossborder db upgrade` first",
                        header.get("revision"),
                    )
                ],
            )
        engine = get_engine()
        with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(delete(table))
            decoders = {name: _decoder(t) for name, t in tables.items()}
            for name, row in _rows(handle):
                if name not in tables:
                    raise ValidationFailed("unknown table", errors=[FieldError("t", "must be a known table", name)])
                decoded = {k: decoders[name].get(k, lambda v: v)(v) for k, v in row.items()}
                connection.execute(insert(tables[name]).values(**decoded))
                counts[name] += 1
            if is_postgres(engine):
                _reset_sequences(connection)
    return counts


def _reset_sequences(connection: Any) -> None:
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement and str(pk[0].type) == "INTEGER":
            top = connection.execute(select(func.max(pk[0]))).scalar() or 0
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :called)"),
                {"t": table.name, "c": pk[0].name, "v": max(top, 1), "called": top > 0},
            )
