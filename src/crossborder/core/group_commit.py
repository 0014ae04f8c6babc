"""Group commit: writes that arrive together from the threads of one process go to the database in
one transaction. Each request queues its item, then takes the database write lock; whoever gets it
first writes every queued item (up to `max_group`) in its own session, commits, and wakes their
owners, who find theirs stored and leave. On SQLite one writer at a time is the rule anyway, so
this costs no concurrency; it saves a commit and a lock hand-over per item (and whatever the
`write` function does once per group, such as taking the audit-log head).

If the group's transaction fails, it is rolled back and each item is written again in a
transaction of its own, so each gets its own outcome: stored, or its own error. Used by the
exchange inbox (exchange/inbox_store.py) and by customs declarations (customs/declaration_group.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from crossborder.core.db import write_lock


@dataclass(eq=False, kw_only=True)
class GroupItem:
    """What every queued item carries: its outcome once written, and the event its owner waits on."""

    error: BaseException | None = None
    stored: bool = False
    written: threading.Event = field(default_factory=threading.Event)


Item = TypeVar("Item", bound=GroupItem)


class GroupWriter(Generic[Item]):
    def __init__(self, write: Callable[[Session, list[Item]], None], max_group: int) -> None:
        self._write = write  # writes a group in the session's transaction, uncommitted
        self._max = max_group  # bounds how long one writer holds the lock
        self._queued: list[Item] = []
        self._guard = threading.Lock()

    def store_all(self, session: Session, items: list[Item]) -> None:
        """Store ITEMS (with whatever else is queued); afterwards each has `error` None (stored) or
        its own error. SESSION must have written nothing yet: if this thread writes, it is in SESSION."""
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

    def _await(self, session: Session, item: Item) -> None:
        while not item.written.is_set():
            with write_lock():
                with self._guard:
                    group, self._queued = self._queued[: self._max], self._queued[self._max :]
                if group:
                    self._store_group(session, group)
            with self._guard:
                queued = any(q is item for q in self._queued)  # still queued behind a full group
            if not queued:
                # In a group another thread is writing (on PostgreSQL, with no write lock to queue
                # on, it may not be done yet): that writer always sets `written` when it is.
                item.written.wait()

    def _commit_each(self, session: Session, group: list[Item]) -> None:
        """One transaction per item; each item's outcome (stored, or its error) is set on it."""
        for item in group:
            try:
                self._write(session, [item])
                session.commit()
                item.stored = True
            except BaseException as exc:  # its own outcome; the others go on
                session.rollback()
                item.error = exc

    def _store_group(self, session: Session, group: list[Item]) -> None:
        try:
            try:
                self._write(session, group)
                session.commit()
                for item in group:
                    item.stored = True
            except BaseException:
                session.rollback()
                if len(group) == 1:
                    raise
                self._commit_each(session, group)
        except BaseException as exc:
            for item in group:
                if not item.stored and item.error is None:
                    item.error = exc
        finally:
            for item in group:  # never leave an owner waiting, whatever happened
                item.written.set()
