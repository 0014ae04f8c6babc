"""Demo monitoring data, so journey 5 (the secretariat's annual stocktake) is walkable on a fresh
install: status reports, national plans, KPI figures computed from the other demo records, a survey
panel with responses. Everything is labelled demo data where it is shown."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crossborder.monitoring import kpi_demo, laws_demo, survey_demo, tracking_demo


def seed(session: Session) -> None:
    tracking_demo.seed(session)
    laws_demo.seed(session)
    kpi_demo.seed(session)
    survey_demo.seed(session)
