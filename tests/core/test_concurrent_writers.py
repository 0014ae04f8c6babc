"""Writers in separate processes (as with several uvicorn workers) on one database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.audit import service as audit
from crossborder.core.audit.models import AuditEntry
from tests.core.processes import run_together

APPEND = """
from crossborder.core.access.principal import SYSTEM
from crossborder.core.audit import service as audit
from crossborder.core.db import session_scope

for i in range(int(sys.argv[3])):
    with session_scope() as session:  # no write_lock: the chain must hold without one
        audit.record(session, SYSTEM, "test.append", sys.argv[2], i, country="MY")
print("done")
"""


def test_processes_appending_at_once_never_fork_the_chain(db: Session, tmp_path: Path) -> None:
    results = run_together(APPEND, ["A", "B", "C"], tmp_path, "40")
    for code, out, err in results:
        assert code == 0 and "done" in out, err[-2000:]  # e.g. no 'database is locked', no duplicate seq
    assert db.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 120
    result = audit.verify_chain(db)
    assert result.ok and result.entries == 120, result.reason
