"""`core.db.savepoint` is a real savepoint on every engine: what it wrote is undone with the rest of
the transaction, and a failure inside it undoes only its own part. On SQLite the driver begins a
transaction only at the first write, so a bare `begin_nested()` after reads alone committed its
writes at RELEASE (this test fails with `session.begin_nested()` in place of `savepoint`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.db import get_sessionmaker, savepoint


def _names() -> list[str]:
    with get_sessionmaker()() as other:  # another connection: sees only what was committed
        return sorted(other.execute(select(Organisation.name)).scalars())


def test_what_a_savepoint_wrote_is_rolled_back_with_the_transaction() -> None:
    session: Session = get_sessionmaker()()
    try:
        session.execute(select(func.count(Organisation.id))).scalar_one()  # reads first, as services do
        with savepoint(session):
            session.add(Organisation(name="Inside", kind="business", country="MY"))
            session.flush()
        session.add(Organisation(name="After", kind="business", country="MY"))
        session.flush()
        assert _names() == []  # nothing committed yet
        session.rollback()  # a later step failed: the whole unit goes
    finally:
        session.close()
    assert _names() == []


def test_a_failure_inside_a_savepoint_keeps_the_work_before_it() -> None:
    session: Session = get_sessionmaker()()
    try:
        session.add(Organisation(name="Before", kind="business", country="MY"))
        session.flush()
        try:
            with savepoint(session):
                session.add(Organisation(name="Inside", kind="business", country="MY"))
                session.flush()
                raise RuntimeError("the savepoint's own part fails")
        except RuntimeError:
            pass
        session.commit()
    finally:
        session.close()
    assert _names() == ["Before"]
