"""Demo data for the Laws Reporting Scheme: two national plans, every title and note labelled
"Demo data". The laws are invented examples (titles say so), not any member state's real laws."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.core.dates import utcnow
from crossborder.monitoring import laws as service
from crossborder.monitoring.law_models import LawPlan
from crossborder.monitoring.laws_schemas import PlanIn, ReviewIn

NOTE = "Demo data: invented example, not a real national plan."


def _plan(country: str, year: int) -> PlanIn:
    return PlanIn.model_validate(
        {
            "client_reference": f"demo-{country}-{year}",
            "country": country,
            "year": year,
            "note": NOTE,
            "entries": [
                {
                    "topic": "B.1",
                    "instrument": "un_ecc",
                    "alignment": "aligned",
                    "note": NOTE,
                    "laws": [
                        {
                            "title": "Demo: Electronic Transactions Act (example)",
                            "citation": "Demo Act 1",
                            "status": "in_force",
                            "enacted_on": f"{year - 3}-03-01",
                            "in_force_on": f"{year - 3}-07-01",
                        }
                    ],
                    "actions": [
                        {"text": "Demo: review the act against the Convention", "target_date": f"{year + 1}-06-30"}
                    ],
                },
                {
                    "topic": "C.3",
                    "instrument": "asean_pdp_framework",
                    "alignment": "not_assessed",
                    "note": NOTE,
                    "laws": [{"title": "Demo: Personal Data Protection Bill (example)", "status": "drafting"}],
                    "actions": [{"text": "Demo: table the bill", "target_date": f"{year + 1}-12-31"}],
                },
            ],
        }
    )


def seed(session: Session) -> None:
    """Malaysia's plan for last year, accepted; Viet Nam's, submitted. Does nothing if present."""
    year = utcnow().year - 1
    exists = session.execute(select(LawPlan.id).where(LawPlan.reference == f"NLP-MY-{year}")).first()
    if exists is not None:
        return
    plan, revision, _ = service.submit(session, SYSTEM, _plan("MY", year), f"demo-MY-{year}")
    service.review(session, SYSTEM, plan.reference, ReviewIn(decision="accept", revision=revision.number, comment=NOTE))
    if session.execute(select(LawPlan.id).where(LawPlan.reference == f"NLP-VN-{year}")).first() is None:
        service.submit(session, SYSTEM, _plan("VN", year), f"demo-VN-{year}")
    session.commit()
