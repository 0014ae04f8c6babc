"""Storing assessed manifest lines in bulk: one transaction per batch, Core inserts (no ORM
per row), lines whose client reference is already stored are skipped, so a resumed or
repeated manifest never duplicates a declaration."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.db import write_lock
from crossborder.customs.declarations import row_values
from crossborder.customs.manifest import LineOutcome
from crossborder.customs.models import Declaration, DeclarationEvent


def persist_batch(*args: Any, **kwargs: Any) -> int:
    """Store a batch; on SQLite, one writer at a time in this process (see core.db.write_lock)."""
    with write_lock():
        return _persist_batch(*args, **kwargs)


def _persist_batch(
    session: Session, principal: Principal, outcomes: list[LineOutcome], manifest_id: int | None = None
) -> int:
    good = [o for o in outcomes if o.prepared is not None]
    if not good:
        return 0
    references = [o.prepared.data.client_reference for o in good]  # type: ignore[union-attr]
    stored = set(
        session.execute(
            select(Declaration.client_reference).where(
                Declaration.submitter_org_id == principal.organisation_id, Declaration.client_reference.in_(references)
            )
        ).scalars()
    )
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for outcome in good:
        prepared = outcome.prepared
        assert prepared is not None
        reference = prepared.data.client_reference
        if reference in stored or reference in seen:
            continue
        seen.add(reference)
        rows.append(row_values(prepared, principal.organisation_id, outcome.raw or {}, manifest_id))
    if not rows:
        return 0
    # Plain executemany (no RETURNING, which SQLAlchemy splits into many small statements),
    # then one query for the new ids.
    # Core executemany on the table: the ORM bulk path emits one statement per row here.
    connection = session.connection()
    connection.execute(insert(cast(Table, Declaration.__table__)), rows)
    ids = session.execute(
        select(Declaration.client_reference, Declaration.id).where(
            Declaration.submitter_org_id == principal.organisation_id, Declaration.client_reference.in_(seen)
        )
    )
    by_reference = dict(ids.all())
    events: list[dict[str, Any]] = []
    for row in rows:
        declaration_id = by_reference[row["client_reference"]]
        at, rules = row["submitted_at"], row["risk_rules"]
        events.append(
            {
                "declaration_id": declaration_id,
                "at": at,
                "from_status": None,
                "to_status": "submitted",
                "actor": principal.actor,
                "reason": "",
            }
        )
        events.append(
            {
                "declaration_id": declaration_id,
                "at": at,
                "from_status": "submitted",
                "to_status": row["status"],
                "actor": "risk-engine",
                "reason": f"lane {row['lane']}: {'; '.join(rules) or 'no rule fired'}",
            }
        )
    connection.execute(insert(cast(Table, DeclarationEvent.__table__)), events)
    audit.record(
        session,
        principal,
        "customs.manifest.batch",
        "manifest",
        manifest_id or "file",
        country=None,
        organisation_id=principal.organisation_id,
        after={"declarations": len(rows), "first_line": good[0].number, "last_line": good[-1].number},
    )
    session.commit()
    return len(rows)
