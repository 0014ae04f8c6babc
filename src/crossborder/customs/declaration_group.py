"""Storing declarations that arrive together in one transaction ("group commit"), as the exchange
inbox does (exchange/inbox_store.py): each request queues its checked declaration, then takes the
database write lock; whoever gets it first stores every queued declaration in one transaction,
one after another (each one's duplicate and split-shipment checks see those staged before it in the
same transaction), appends their audit entries together (one head update for all), commits, and
wakes their owners, who find theirs stored and leave. On SQLite one writer at a time is the rule
anyway, so this costs no concurrency; it saves a commit, a lock hand-over and two audit-head
statements per declaration.

If the group's transaction fails (a concurrent duplicate from another process hitting the unique
constraint, or anything else), it is rolled back and each declaration is stored again in a
transaction of its own, so each gets its own outcome: stored once, a repeat, or its own error (the
API turns a unique violation into the first declaration's answer)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.db import write_lock
from crossborder.customs import declarations
from crossborder.customs.models import Declaration

MAX_GROUP = 64  # declarations per transaction: bounds how long one writer holds the lock


@dataclass(eq=False)
class Pending:
    """One checked declaration to store, and (once written) its outcome."""

    principal: Principal
    checked: declarations.Checked
    existing_id: int | None = None  # a repeat: the declaration already stored under its reference
    row: Declaration | None = None  # a new declaration, built from the values written
    error: BaseException | None = None
    stored: bool = False
    written: threading.Event = field(default_factory=threading.Event)


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


def _commit_each(session: Session, group: list[Pending]) -> None:
    """One transaction per declaration; each one's outcome (stored, or its error) is set on it."""
    for p in group:
        try:
            _write(session, [p])
            session.commit()
            p.stored = True
        except BaseException as exc:  # its own outcome; the others go on
            session.rollback()
            p.error = exc


class GroupWriter:
    def __init__(self) -> None:
        self._queued: list[Pending] = []
        self._guard = threading.Lock()

    def store_all(self, session: Session, items: list[Pending]) -> None:
        """Store ITEMS (with whatever else is queued); afterwards each has `error` None (stored) or
        its own error. SESSION must have written nothing yet (reads only, as `declarations.check` does):
        if this thread writes, it is in SESSION, and the group is committed there."""
        with self._guard:
            self._queued.extend(items)
        try:
            for item in items:
                self._await(session, item)
        except BaseException:
            # The write lock could not be taken (or the thread was interrupted): what is still queued
            # of ITEMS leaves with the error, rather than be stored for a request that failed.
            with self._guard:
                self._queued = [q for q in self._queued if not any(q is i for i in items)]
            raise

    def _await(self, session: Session, item: Pending) -> None:
        while not item.written.is_set():
            with write_lock():
                with self._guard:
                    group, self._queued = self._queued[:MAX_GROUP], self._queued[MAX_GROUP:]
                if group:
                    self._store_group(session, group)
            with self._guard:
                queued = any(q is item for q in self._queued)  # still queued behind a full group
            if not queued:
                # In a group another thread is writing (on PostgreSQL, with no write lock to queue
                # on, it may not be done yet): that writer always sets `written` when it is.
                item.written.wait()

    @staticmethod
    def _store_group(session: Session, group: list[Pending]) -> None:
        try:
            try:
                _write(session, group)
                session.commit()
                for p in group:
                    p.stored = True
            except BaseException:
                session.rollback()
                if len(group) == 1:
                    raise
                _commit_each(session, group)
        except BaseException as exc:
            for p in group:
                if not p.stored and p.error is None:
                    p.error = exc
        finally:
            for p in group:  # never leave an owner waiting, whatever happened
                p.written.set()


writer = GroupWriter()


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
