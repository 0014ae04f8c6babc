"""Group commit of declarations: several stored in one transaction behave as stored one by one
(repeats, split-shipment history, audit chain), and a failing one leaves the others stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.audit.models import AuditEntry, AuditHead
from crossborder.core.db import get_sessionmaker
from crossborder.customs import declaration_group as group
from crossborder.customs import declarations
from crossborder.customs.models import Declaration, DeclarationEvent
from tests import factories as f
from tests.customs.conftest import declaration

pytestmark = pytest.mark.usefixtures("customs_data")


def _principal(db: Session) -> Principal:
    org, _ = f.caller(db, Role.business_user, country="VN")
    db.commit()
    return Principal(f"apikey:test{org.id}", org.id, "VN", frozenset({Role.business_user}))


def _pending(db: Session, principal: Principal, bodies: list[dict[str, Any]]) -> list[group.Pending]:
    checked = [declarations.check(db, principal, body, today=date(2026, 1, 2)) for body in bodies]
    db.rollback()
    return [group.Pending(principal, c) for c in checked]


def _split_counts(db: Session) -> list[int]:
    seen = []
    for (assessment,) in db.execute(select(Declaration.assessment).order_by(Declaration.id)):
        seen += [int(x["text"].split()[0]) for x in assessment["risk"]["fired"] if x["rule"] == "split_shipment"]
    return seen


def test_one_group_stores_in_order_with_repeats_history_and_chain(db: Session) -> None:
    principal = _principal(db)
    bodies = [declaration(f"G-{i}", value="60.00") for i in range(5)] + [declaration("G-1", value="99.00")]
    items = _pending(db, principal, bodies)
    session = get_sessionmaker()()
    try:
        group.writer.store_all(session, items)  # one thread, everything queued: a single group
    finally:
        session.close()
    assert all(p.error is None and p.stored for p in items)
    assert [p.row is not None for p in items] == [True] * 5 + [False]
    assert items[5].existing_id == items[1].row.id  # type: ignore[union-attr]
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 5
    assert db.execute(select(func.count()).select_from(DeclarationEvent)).scalar_one() == 10
    assert _split_counts(db) == [2, 3, 4, 5]  # each parcel counts those staged before it
    submits = list(
        db.execute(
            select(AuditEntry).where(AuditEntry.action == "customs.declaration.submit").order_by(AuditEntry.seq)
        ).scalars()
    )
    assert [e.entity_id for e in submits] == [str(p.row.id) for p in items[:5]]  # type: ignore[union-attr]
    assert audit.verify_chain(db).ok


def test_a_failing_declaration_leaves_the_rest_of_its_group_stored(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal = _principal(db)
    items = _pending(db, principal, [declaration(f"F-{i}") for i in range(4)])
    stage = declarations.stage

    def failing(session: Session, who: Principal, checked: declarations.Checked) -> Any:
        if checked.data.client_reference == "F-2":
            raise RuntimeError("boom")
        return stage(session, who, checked)

    monkeypatch.setattr(declarations, "stage", failing)
    session = get_sessionmaker()()
    try:
        group.writer.store_all(session, items)
    finally:
        session.close()
    assert [p.error is None for p in items] == [True, True, False, True]
    assert isinstance(items[2].error, RuntimeError)
    stored = db.execute(select(Declaration.client_reference).order_by(Declaration.id)).scalars().all()
    assert stored == ["F-0", "F-1", "F-3"]
    assert audit.verify_chain(db).ok


def test_record_many_appends_what_record_would(db: Session) -> None:
    principal = _principal(db)
    audit.record(db, principal, "test.one", "thing", 1, country="VN")
    appends = [audit.Append(principal, "test.many", "thing", i, country="VN", after={"i": i}) for i in range(3)]
    hashes = audit.record_many(db, appends)
    audit.record(db, principal, "test.after", "thing", 9, country="VN")
    db.commit()
    result = audit.verify_chain(db)
    assert result.ok, result.reason
    rows = list(db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
    many = [e for e in rows if e.action == "test.many"]
    assert [e.hash for e in many] == hashes
    assert [e.seq for e in many] == [many[0].seq, many[0].seq + 1, many[0].seq + 2]
    assert many[0].after_digest == audit.digest({"i": 0})
    head = db.execute(select(AuditHead)).scalar_one()
    assert head.seq == rows[-1].seq and head.hash == rows[-1].hash
    assert audit.record_many(db, []) == []


def test_trusted_trader_flag_counts_only_inside_its_window(db: Session) -> None:
    from crossborder.customs.trusted import flag_trusted_trader, is_trusted_trader

    flag_trusted_trader(db, "VN-WIN-1", "MY", date(2026, 1, 1), date(2026, 1, 31))
    flag_trusted_trader(db, "VN-OPEN-1", "MY", date(2026, 1, 1))
    db.flush()
    assert is_trusted_trader(db, "VN-WIN-1", "MY", date(2026, 1, 1))
    assert is_trusted_trader(db, "VN-WIN-1", "MY", date(2026, 1, 31))
    assert not is_trusted_trader(db, "VN-WIN-1", "MY", date(2025, 12, 31))
    assert not is_trusted_trader(db, "VN-WIN-1", "MY", date(2026, 2, 1))
    assert not is_trusted_trader(db, "VN-WIN-1", "SG", date(2026, 1, 2))
    assert is_trusted_trader(db, "VN-OPEN-1", "MY", date(2030, 1, 1))
    assert not is_trusted_trader(db, "VN-OTHER", "MY", date(2026, 1, 2))
    assert not is_trusted_trader(db, None, "MY", date(2026, 1, 2))
