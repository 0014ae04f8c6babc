"""The public view of the laws, like a trade repository: the laws member states reported in plans
the secretariat accepted (each plan's latest accepted revision), with their alignment with the
topic's reference instrument. Nothing from drafts, submitted-but-unreviewed or returned revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.monitoring.law_models import LawPlan, LawPlanEntry, LawPlanLaw, LawPlanRevision, RevisionStatus

MAX_ROWS = 500


@dataclass(frozen=True)
class PublicLaw:
    country: str
    year: int
    plan: str
    revision: int
    topic_id: str
    title: str
    citation: str | None
    status: str
    enacted_on: date | None
    in_force_on: date | None
    url: str | None
    instrument_id: str | None
    alignment: str

    def as_dict(self) -> dict[str, object]:
        return {
            "country": self.country, "year": self.year, "plan": self.plan, "revision": self.revision,
            "topic": self.topic_id, "title": self.title, "citation": self.citation, "status": self.status,
            "enacted_on": None if self.enacted_on is None else self.enacted_on.isoformat(),
            "in_force_on": None if self.in_force_on is None else self.in_force_on.isoformat(),
            "url": self.url, "instrument": self.instrument_id, "alignment": self.alignment,
        }  # fmt: skip


def search(
    session: Session,
    *,
    country: str | None = None,
    topic: str | None = None,
    status: str | None = None,
    text: str | None = None,
    limit: int = MAX_ROWS,
) -> list[PublicLaw]:
    accepted = (
        select(LawPlanRevision.plan_id, func.max(LawPlanRevision.number).label("number"))
        .where(LawPlanRevision.status == RevisionStatus.accepted.value)
        .group_by(LawPlanRevision.plan_id)
        .subquery()
    )
    query = (
        select(LawPlan, LawPlanRevision, LawPlanEntry, LawPlanLaw)
        .join(accepted, accepted.c.plan_id == LawPlan.id)
        .join(
            LawPlanRevision,
            (LawPlanRevision.plan_id == LawPlan.id) & (LawPlanRevision.number == accepted.c.number),
        )
        .join(LawPlanEntry, LawPlanEntry.revision_id == LawPlanRevision.id)
        .join(LawPlanLaw, LawPlanLaw.entry_id == LawPlanEntry.id)
        .order_by(LawPlan.country, LawPlan.year.desc(), LawPlanEntry.topic_id, LawPlanLaw.position)
        .limit(limit)
    )
    if country:
        query = query.where(LawPlan.country == country)
    if topic:
        query = query.where(LawPlanEntry.topic_id == topic)
    if status:
        query = query.where(LawPlanLaw.status == status)
    if text:
        like = f"%{text.lower().replace('%', '').replace('_', '')}%"
        query = query.where(func.lower(LawPlanLaw.title).like(like) | func.lower(LawPlanLaw.citation).like(like))
    return [
        PublicLaw(
            plan.country,
            plan.year,
            plan.reference,
            rev.number,
            entry.topic_id,
            law.title,
            law.citation,
            law.status,
            law.enacted_on,
            law.in_force_on,
            law.url,
            entry.instrument_id,
            entry.alignment,
        )
        for plan, rev, entry, law in session.execute(query).all()
    ]
