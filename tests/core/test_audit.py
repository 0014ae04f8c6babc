from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.access.principal import SYSTEM
from crossborder.core.audit import service as audit
from crossborder.core.audit.models import AuditEntry


def _write(db: Session, n: int) -> None:
    for i in range(n):
        audit.record(db, SYSTEM, "thing.change", "thing", i, country="MY", before={"v": i}, after={"v": i + 1})
    db.commit()


def test_chain_links_each_entry_to_the_previous(db: Session) -> None:
    _write(db, 3)
    entries = list(db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert entries[0].before_digest == audit.digest({"v": 0}) != entries[0].after_digest
    assert audit.verify_chain(db).ok


def test_editing_an_entry_is_detected_and_named(db: Session) -> None:
    _write(db, 5)
    db.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="user:999"))
    db.commit()
    result = audit.verify_chain(db)
    assert not result.ok
    assert result.first_broken_seq == 3
    assert "edited" in (result.reason or "")


def test_deleting_an_entry_is_detected(db: Session) -> None:
    _write(db, 4)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.commit()
    result = audit.verify_chain(db)
    assert not result.ok and result.first_broken_seq == 3


def test_deleting_the_newest_entries_is_detected(db: Session) -> None:
    _write(db, 4)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 4"))
    db.commit()
    result = audit.verify_chain(db)
    assert not result.ok and "head" in (result.reason or "")


def test_cli_verify_reports_intact_then_broken(db: Session) -> None:
    _write(db, 2)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact: 2 entries" in ok.output
    db.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(detail="forged"))
    db.commit()
    broken = runner.invoke(cli, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    assert '"first_broken_seq": 1' in broken.output


def test_an_entry_rolls_back_with_its_change(db: Session) -> None:
    audit.record(db, SYSTEM, "thing.change", "thing", 1, country="MY")
    db.rollback()
    assert db.execute(select(AuditEntry)).first() is None
    assert audit.verify_chain(db).ok
