"""The tracking commands and the demo seed: import-plans once, report (a repeated client reference
gives the first), progress with the weighting; demo reports labelled "Demo data", seeded once."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.monitoring import tracking_demo
from crossborder.monitoring.tracking_models import ActivityStatus, PlanVersion

runner = CliRunner()
TRACKING = ["monitoring", "tracking"]


def test_import_report_and_progress(db: Session) -> None:
    first = runner.invoke(cli, [*TRACKING, "import-plans"])
    assert first.exit_code == 0, first.output
    assert len(json.loads(first.output)["imported"]) == 3
    assert json.loads(runner.invoke(cli, [*TRACKING, "import-plans"]).output)["imported"] == []
    args = [*TRACKING, "report", "A.3.1.1", "completed", "--as-of", "2024-01-31", "--evidence", "Launched",
            "--country", "MY", "--client-reference", "cli-1"]  # fmt: skip
    made = runner.invoke(cli, args)
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["created"] is True
    assert json.loads(runner.invoke(cli, args).output)["created"] is False
    shown = runner.invoke(cli, [*TRACKING, "progress", "--country", "MY"]).output
    assert "A.3\t100.0 %" in shown and "overall\t1.2 %" in shown and "dropped excluded" in shown
    bad = runner.invoke(cli, [*TRACKING, "report", "A.3.1.1", "done", "--as-of", "2024-01-31"])
    assert bad.exit_code != 0 and "status" in bad.output
    assert db.execute(select(func.count()).select_from(PlanVersion)).scalar_one() == 3


def test_demo_seed_is_labelled_and_idempotent(db: Session) -> None:
    tracking_demo.seed(db)
    db.commit()
    tracking_demo.seed(db)
    db.commit()
    rows = db.execute(select(ActivityStatus)).scalars().all()
    assert len(rows) == len(tracking_demo.REPORTS)
    assert all(r.evidence and r.evidence.startswith("Demo data") for r in rows)
