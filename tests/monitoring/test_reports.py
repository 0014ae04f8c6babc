"""Review reports from the monitoring records: a status reported after the year's end does not change
that year's report; national plans and coverage are counted per member state; a member state's
official sees its own rows only; the final review compares the baseline with the end."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL, Role
from crossborder.monitoring import reports
from crossborder.monitoring.report_model import Report, ReportKind, Section, Table
from tests.monitoring.test_laws_helpers import entry, headers, plan, review, submit
from tests.monitoring.test_tracking import SECRETARIAT, report

FOCAL_MY = Principal("user:9", 9, "MY", frozenset({Role.focal_point}))


def _section(built: Report, key: str) -> Section:
    return next(s for s in built.sections if s.key == key)


def _table(section: Section, caption_start: str) -> Table:
    return next(t for t in section.tables if t.caption.startswith(caption_start))


def test_statuses_count_as_of_the_last_day_of_the_report_year(db: Session) -> None:
    report(db, SECRETARIAT, activity_id="A.1.1.1", status="completed", country=None, as_of=date(2024, 3, 1),
           evidence="Demo data: report")  # fmt: skip
    report(db, SECRETARIAT, activity_id="A.2.1.1", status="completed", country=None, as_of=date(2025, 2, 1),
           evidence="Demo data: report")  # fmt: skip
    for year, completed in ((2024, "1"), (2025, "2")):
        built = reports.build(db, SECRETARIAT, ReportKind.stocktake, year)
        workstreams = _table(_section(built, "progress"), "Implementation by workstream")
        overall = workstreams.rows[-1]
        assert overall[0] == "Work Plan" and overall[3] == completed  # the "completed" column
    late = _table(_section(reports.build(db, SECRETARIAT, ReportKind.stocktake, 2024), "progress"), "Activities past")
    assert "A.1.1.1" not in [row[0] for row in late.rows]  # completed in time: not late


def test_plans_coverage_and_scope(client: TestClient, db: Session) -> None:
    focal, secretariat = headers(db, Role.focal_point, "MY"), headers(db, Role.secretariat, REGIONAL)
    made = submit(client, focal, plan("MY", 2025, [entry("B.1")]))
    assert review(client, secretariat, made.json()["reference"], 1, "accept").status_code == 200
    built = reports.build(db, SECRETARIAT, ReportKind.stocktake, 2025)
    laws = _section(built, "laws")
    received = {row[0]: row for row in _table(laws, "National plans").rows}
    assert received["MY"][2] == "accepted" and received["TH"][2] == "not submitted"
    b1 = next(row for row in _table(laws, "Coverage by topic").rows if row[0] == "B.1")
    assert b1[1:5] == ("1", "0", "0", "9")  # yes, partial, no, not reported
    final = reports.build(db, SECRETARIAT, ReportKind.final, 2025)
    matrix = _table(_section(final, "mapping-study"), "Coverage, baseline > end")
    columns = matrix.columns
    b1_final = next(row for row in matrix.rows if row[0] == "B.1")
    assert b1_final[columns.index("MY")] == "?>Y"  # baseline not stated in the seed, yes at the end
    b5 = next(row for row in matrix.rows if row[0] == "B.5")
    assert b5[columns.index("TH")] == "P>-"  # the Mapping Study: all 'partial'; nothing reported since

    mine = reports.build(db, FOCAL_MY, ReportKind.stocktake, 2025)
    assert mine.scope == "MY"
    assert [row[0] for row in _table(_section(mine, "laws"), "National plans").rows] == ["MY"]
    assert [row[0] for row in _table(_section(mine, "progress"), "Implementation per member state").rows] == ["MY"]
