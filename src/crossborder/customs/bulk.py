"""Storing assessed manifest lines in bulk: one transaction per batch, plain tuples through one
DBAPI executemany per table (compiled_store.py builds them; no ORM object, no per-row type
processing), lines whose client reference is already stored are skipped, so a resumed or
repeated manifest never duplicates a declaration. The new rows' ids, which their events need, are
read back by one range query where they are provably the newest rows, else by reference."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import write_lock
from crossborder.customs.compiled_csv import CompiledLine
from crossborder.customs.compiled_store import EVENT, ROW, RowWriter, event_rows, statements
from crossborder.customs.declarations import row_values
from crossborder.customs.manifest import LineOutcome
from crossborder.customs.models import Declaration

IN_CHUNK = 500  # references per IN (...) query: well under every engine's limit on bound parameters
BULK_CACHE_KIB = 65_536  # SQLite page cache of a connection that has stored a batch


def persist_batch(*args: Any, **kwargs: Any) -> int:
    """Store a batch; on SQLite, one writer at a time in this process (see core.db.write_lock)."""
    with write_lock():
        return _persist_batch(*args, **kwargs)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def _ids(session: Session, org_id: int | None, references: list[str]) -> dict[str, int]:
    """Stored declarations of the organisation among REFERENCES: reference -> id."""
    found: dict[str, int] = {}
    for chunk in _chunks(references):
        rows = session.execute(
            select(Declaration.client_reference, Declaration.id).where(
                Declaration.submitter_org_id == org_id, Declaration.client_reference.in_(chunk)
            )
        )
        found.update((reference, declaration_id) for reference, declaration_id in rows)
    return found


def _new_ids(session: Session, org_id: int | None, references: set[str]) -> dict[str, int] | None:
    """The ids of the rows just inserted, by one range read, or None if that cannot be relied on.
    A writer that holds the table's lock (SQLite's write lock; on PostgreSQL, no concurrent
    inserter) gets consecutive ids, so its N rows are the N highest; that is checked, not assumed:
    the range must hold exactly these references, once each, of this organisation."""
    last = session.execute(select(func.max(Declaration.id))).scalar_one()
    if last is None:
        return None
    rows = session.execute(
        select(Declaration.client_reference, Declaration.id, Declaration.submitter_org_id).where(
            Declaration.id > last - len(references)
        )
    ).all()
    found = {reference: declaration_id for reference, declaration_id, org in rows if org == org_id}
    return found if len(rows) == len(found) == len(references) and found.keys() == references else None


def _tune(connection: Connection) -> None:
    """A larger page cache for this connection on SQLite (the default 2 MB makes every insert into
    the consignee index, random in order, read pages back from the file). Memory, not safety."""
    if connection.dialect.name == "sqlite" and connection.info.get("bulk_cache") is None:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        connection.info["bulk_cache"] = BULK_CACHE_KIB


def _persist_batch(
    session: Session,
    principal: Principal,
    outcomes: list[LineOutcome | CompiledLine],
    manifest_id: int | None = None,
) -> int:
    good = [o for o in outcomes if o.ok]
    if not good:
        return 0
    org_id = principal.organisation_id
    stored = _ids(session, org_id, [o.reference for o in good])
    connection = session.connection()
    writer = RowWriter(connection.dialect, org_id, manifest_id, utcnow())
    rows: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for outcome in good:
        reference = outcome.reference
        if reference in stored or reference in seen:
            continue
        seen.add(reference)
        if isinstance(outcome, CompiledLine):
            rows.append(writer.compiled(outcome))
        else:
            assert outcome.prepared is not None  # a good outcome
            rows.append(writer.thorough(row_values(outcome.prepared, org_id, outcome.raw or {}, manifest_id)))
    if not rows:
        return 0
    _tune(connection)
    sql = statements(connection.dialect)
    sql.execute(connection, "row", ROW, rows)
    ids = _new_ids(session, org_id, seen) or _ids(session, org_id, list(seen))
    sql.execute(connection, "event", EVENT, event_rows(writer.events, ids, principal.actor))
    audit.record(
        session,
        principal,
        "customs.manifest.batch",
        "manifest",
        manifest_id or "file",
        country=None,
        organisation_id=org_id,
        after={"declarations": len(rows), "first_line": good[0].number, "last_line": good[-1].number},
    )
    session.commit()
    return len(rows)
