from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.access.models import Organisation, User
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit.service import verify_chain
from tests import factories as f


def test_backup_then_restore_brings_back_every_row(db: Session, tmp_path: Path) -> None:
    org = f.org(db, kind=OrgKind.business, country="MY", name="Kedai")
    f.user(db, organisation=org, roles=[Role.business_user], email="a@example.org")
    runner = CliRunner()
    path = tmp_path / "backup.jsonl.gz"
    result = runner.invoke(cli, ["db", "backup", str(path)])
    assert result.exit_code == 0, result.output
    f.org(db, kind=OrgKind.business, country="SG", name="Added after backup")
    result = runner.invoke(cli, ["db", "restore", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    db.rollback()
    names = set(db.execute(select(Organisation.name)).scalars())
    assert names == {"Kedai"}
    assert db.execute(select(User.email)).scalar_one() == "a@example.org"
    assert verify_chain(db).ok
    # Ids continue after the restored ones (sequences reset on PostgreSQL).
    new = f.org(db, kind=OrgKind.business, country="SG", name="After restore")
    assert new.id > org.id


def test_a_corrupt_backup_changes_nothing(db: Session, tmp_path: Path) -> None:
    f.org(db, kind=OrgKind.business, country="MY", name="Keep me")
    path = tmp_path / "bad.jsonl"
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "backup", str(path)]).exit_code == 0
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, "{not json"]) + "\n")
    result = runner.invoke(cli, ["db", "restore", "--yes", str(path)])
    assert result.exit_code == 2 and "line" in result.output
    db.rollback()
    assert db.execute(select(func.count()).select_from(Organisation)).scalar_one() == 1


@pytest.mark.parametrize("header", [{"format": "other"}, {"format": "crossborder-backup/1", "revision": "9999"}])
def test_foreign_or_mismatched_backups_are_refused(tmp_path: Path, header: dict[str, str]) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(header) + "\n")
    result = CliRunner().invoke(cli, ["db", "restore", "--yes", str(path)])
    assert result.exit_code == 2
    assert "header." in result.output
