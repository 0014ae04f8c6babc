"""The `crossborder monitoring` commands, one group per part of the capability."""

from __future__ import annotations

import typer

from crossborder.monitoring.indices_cli import app as indices_app
from crossborder.monitoring.kpi_cli import app as kpi_app
from crossborder.monitoring.laws_cli import app as laws_app
from crossborder.monitoring.reports_cli import app as reports_app
from crossborder.monitoring.survey_cli import app as survey_app
from crossborder.monitoring.tracking_cli import app as tracking_app

app = typer.Typer(help="Monitoring the Work Plan: tracking, KPIs, laws, survey, indices, reports.")
app.add_typer(tracking_app, name="tracking")
app.add_typer(kpi_app, name="kpi")
app.add_typer(laws_app, name="laws")
app.add_typer(survey_app, name="survey")
app.add_typer(indices_app, name="indices")
app.add_typer(reports_app, name="reports")
