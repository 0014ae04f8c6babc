"""Demo data for tracking: a handful of status reports, each labelled "Demo data" in its evidence,
so no one mistakes them for a member state's report. Idempotent: the client references repeat."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.monitoring import tracking
from crossborder.monitoring.tracking_schemas import StatusIn

LABEL = "Demo data (not a real report)"
# activity, country (None: overall), status, as_of
REPORTS = (
    ("A.1.1.1", None, "in_progress", date(2024, 6, 30)),
    ("A.3.1.1", None, "completed", date(2023, 3, 31)),
    ("B.3.1.1", None, "delayed", date(2024, 1, 15)),
    ("C.1.1.2", None, "completed", date(2022, 2, 28)),
    ("A.1.1.1", "MY", "completed", date(2024, 11, 30)),
    ("B.5.1.1", "MY", "in_progress", date(2025, 3, 31)),
    ("A.1.1.1", "VN", "in_progress", date(2025, 6, 30)),
    ("C.2.1.2", "VN", "dropped", date(2024, 9, 30)),
)


def seed(session: Session) -> None:
    """Store the demo reports (as the platform, "system"); a second run adds nothing."""
    for n, (activity, country, status, as_of) in enumerate(REPORTS, start=1):
        body = StatusIn(activity_id=activity, country=country, status=status, as_of=as_of,
                        evidence=f"{LABEL}: {status.replace('_', ' ')} as of {as_of.isoformat()}")  # fmt: skip
        tracking.report(session, SYSTEM, body, f"demo-tracking-{n}")
    session.flush()
