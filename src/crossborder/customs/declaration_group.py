"""Customs declarations that arrive together are stored in one transaction (core/group_commit.py):
in order, so each one's duplicate and split-shipment checks see those staged before it, with their
audit entries appended together (one audit-head update for the group). If the group fails, each
declaration is stored again on its own: stored once, a repeat, or its own error (the API turns a
unique violation from another process into the first declaration's answer)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.group_commit import GroupItem, GroupWriter
from crossborder.customs import declarations
from crossborder.customs.models import Declaration

MAX_GROUP = 64  # declarations per transaction: bounds how long one writer holds the lock


@dataclass(eq=False)
class Pending(GroupItem):
    """One checked declaration to store, and (once written) its outcome."""

    principal: Principal
    checked: declarations.Checked
    existing_id: int | None = None  # a repeat: the declaration already stored under its reference
    row: Declaration | None = None  # a new declaration, built from the values written


def _write(session: Session, group: list[Pending]) -> None:
    """The group's declarations in the session's transaction (uncommitted), in order, then their
    audit entries in the same order."""
    audit.hold_head(session)  # PostgreSQL: the checks below then see every earlier declaration
    appends = []
    for p in group:
        p.existing_id, p.row, entry = declarations.stage(session, p.principal, p.checked)
        if entry is not None:
            appends.append(entry)
    audit.record_many(session, appends)


writer: GroupWriter[Pending] = GroupWriter(_write, MAX_GROUP)


def store(session: Session, principal: Principal, checked: declarations.Checked) -> tuple[Declaration, bool]:
    """Store CHECKED through the group writer and commit: (the new declaration, True), or a repeat
    of a stored client reference (that declaration, False). SESSION must have written nothing yet."""
    pending = Pending(principal, checked)
    writer.store_all(session, [pending])
    if pending.error is not None:
        raise pending.error
    if pending.existing_id is not None:
        return session.get_one(Declaration, pending.existing_id), False
    assert pending.row is not None
    return pending.row, True
