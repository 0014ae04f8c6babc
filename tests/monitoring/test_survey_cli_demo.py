"""The survey commands and the demo seed."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.monitoring.survey_cli import app
from crossborder.monitoring.survey_demo import seed
from crossborder.monitoring.survey_models import SurveyPanelMember, SurveyResponse
from crossborder.monitoring.survey_results import results
from tests.monitoring.survey_helpers import SECRETARIAT

runner = CliRunner()


def test_demo_seed_is_labelled_and_idempotent(db: Session) -> None:
    seed(db)
    seed(db)
    assert db.scalar(select(func.count()).select_from(SurveyPanelMember)) == 80
    assert db.scalar(select(func.count()).where(SurveyResponse.demo.is_(False))) == 0
    assert (results(db, SECRETARIAT, 2026).questions[0].n or 0) > 50


def test_issue_links_then_results(db: Session) -> None:
    seed(db)
    out = runner.invoke(app, ["issue-links", "--year", "2026", "--base-url", "https://node.example"])
    assert out.exit_code == 0, out.output
    issued = json.loads(out.output)
    assert issued["issued"] == 80 and issued["links"][0]["url"].startswith("https://node.example/survey/answer?token=")
    again = json.loads(runner.invoke(app, ["issue-links", "--year", "2026"]).output)
    assert again["issued"] == 0  # one link per member and year
    shown = json.loads(runner.invoke(app, ["results", "--year", "2026"]).output)
    assert shown["compared_with"] == 2025 and shown["changes"]
    bad = runner.invoke(app, ["results", "--year", "2026", "--segment", "huge"])
    assert bad.exit_code != 0 and "huge" in bad.output
