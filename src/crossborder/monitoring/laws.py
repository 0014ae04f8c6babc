"""National plans of the Laws Reporting Scheme: a member state's focal point submits its plan for a
year (per topic: laws and their status, alignment with the topic's reference instrument, planned
actions); the secretariat accepts it or returns it with comments; the state revises and resubmits.

One plan per (state, year). Saving a draft edits the open draft; any other submission is a new
revision, so a submitted revision is never overwritten. Repeating a client reference returns the
revision it made. Everything happens in the caller's transaction, audited; nothing on a bad entry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from crossborder.core.idempotency import request_hash
from crossborder.monitoring.access import require_reader, require_reporter, require_secretariat
from crossborder.monitoring.law_models import (
    LawPlan,
    LawPlanAction,
    LawPlanEntry,
    LawPlanLaw,
    LawPlanRevision,
    RevisionStatus,
)
from crossborder.monitoring.laws_check import check_plan
from crossborder.monitoring.laws_schemas import PlanIn, ReviewIn
from crossborder.reference.service import member_states

ENTITY = "monitoring_law_plan"
DB_INT_MAX = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL)


@dataclass(frozen=True)
class Entry:
    row: LawPlanEntry
    laws: list[LawPlanLaw]
    actions: list[LawPlanAction]


def _clean(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


def _content_hash(body: PlanIn, draft: bool) -> str:
    return request_hash({"draft": draft, **body.model_dump(mode="json", exclude={"client_reference"})})


def _store_entries(session: Session, revision: LawPlanRevision, body: PlanIn) -> None:
    for i, item in enumerate(body.entries):
        entry = LawPlanEntry(
            revision_id=revision.id, position=i, topic_id=item.topic, instrument_id=item.instrument,
            alignment=item.alignment, note=_clean(item.note),
        )  # fmt: skip
        session.add(entry)
        session.flush()
        for j, law in enumerate(item.laws):
            session.add(
                LawPlanLaw(
                    entry_id=entry.id,
                    position=j,
                    title=law.title.strip(),
                    citation=_clean(law.citation),
                    status=law.status,
                    enacted_on=law.enacted_on,
                    in_force_on=law.in_force_on,
                    url=law.url,
                )
            )
        for k, action in enumerate(item.actions):
            assert action.target_date is not None  # laws_check refused an action without a date
            session.add(
                LawPlanAction(entry_id=entry.id, position=k, text=action.text.strip(), target_date=action.target_date)
            )


def _drop_entries(session: Session, revision: LawPlanRevision) -> None:
    ids = select(LawPlanEntry.id).where(LawPlanEntry.revision_id == revision.id)
    session.execute(delete(LawPlanLaw).where(LawPlanLaw.entry_id.in_(ids)))
    session.execute(delete(LawPlanAction).where(LawPlanAction.entry_id.in_(ids)))
    session.execute(delete(LawPlanEntry).where(LawPlanEntry.revision_id == revision.id))


def revision_of(session: Session, plan: LawPlan, number: int) -> LawPlanRevision | None:
    if not 0 < number <= DB_INT_MAX:  # no INTEGER column holds it (PostgreSQL would refuse the query)
        return None
    return session.execute(
        select(LawPlanRevision).where(LawPlanRevision.plan_id == plan.id, LawPlanRevision.number == number)
    ).scalar_one_or_none()


def submit(
    session: Session, principal: Principal, body: PlanIn, client_reference: str | None, *, draft: bool = False
) -> tuple[LawPlan, LawPlanRevision, bool]:
    """Store `body` as the plan's open draft (`draft`) or as a submitted revision; returns the plan,
    the revision and whether it was created or changed (False: a repeat of the client reference)."""
    require_reporter(principal, body.country)
    check_plan(body, member_states())
    digest = _content_hash(body, draft)
    plan = session.execute(
        select(LawPlan).where(LawPlan.country == body.country, LawPlan.year == body.year)
    ).scalar_one_or_none()
    now = utcnow()
    if plan is None:
        plan = LawPlan(
            reference=f"NLP-{body.country}-{body.year}", country=body.country, year=body.year,
            status=RevisionStatus.draft.value, latest_revision=0, created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(plan)
        session.flush()
    elif client_reference is not None:
        seen = session.execute(
            select(LawPlanRevision).where(
                LawPlanRevision.plan_id == plan.id, LawPlanRevision.client_reference == client_reference
            )
        ).scalar_one_or_none()
        if seen is not None:
            if seen.content_sha256 != digest:
                rule = f"already names revision {seen.number} of {plan.reference}, with other content"
                raise Conflict(
                    "client reference reused", errors=[FieldError("client_reference", rule, client_reference)]
                )
            return plan, seen, False
    latest = revision_of(session, plan, plan.latest_revision) if plan.latest_revision else None
    status = RevisionStatus.draft if draft else RevisionStatus.submitted
    if latest is not None and latest.status == RevisionStatus.draft:
        _drop_entries(session, latest)
        revision = latest
        revision.client_reference = client_reference or revision.client_reference
    else:
        revision = LawPlanRevision(
            plan_id=plan.id, number=plan.latest_revision + 1, client_reference=client_reference,
            created_by=principal.actor, created_at=now,
        )  # fmt: skip
        session.add(revision)
    revision.status = status.value
    revision.content_sha256 = digest
    revision.note = _clean(body.note)
    revision.submitted_at = None if draft else now
    session.flush()
    _store_entries(session, revision, body)
    plan.latest_revision = revision.number
    plan.status = status.value
    plan.updated_at = now
    action = "monitoring.law_plan.draft_saved" if draft else "monitoring.law_plan.submitted"
    audit.record(
        session, principal, action, ENTITY, plan.reference, country=plan.country,
        organisation_id=principal.organisation_id,
        after={"revision": revision.number, "status": status.value, "topics": [e.topic for e in body.entries]},
    )  # fmt: skip
    return plan, revision, True


def _visible(principal: Principal, plan: LawPlan) -> bool:
    return principal.is_regional or principal.country == plan.country


def get_plan(session: Session, principal: Principal, reference: str) -> LawPlan:
    """A plan the principal may read; out of scope answers like an absent one."""
    require_reader(principal)
    plan = session.execute(select(LawPlan).where(LawPlan.reference == reference)).scalar_one_or_none()
    if plan is None or not _visible(principal, plan):
        raise NotFound(f"no national plan {reference!r}")
    return plan


def revisions(session: Session, plan: LawPlan) -> list[LawPlanRevision]:
    """Every revision, newest first."""
    return list(
        session.execute(
            select(LawPlanRevision).where(LawPlanRevision.plan_id == plan.id).order_by(LawPlanRevision.number.desc())
        ).scalars()
    )


def entries(session: Session, revision: LawPlanRevision) -> list[Entry]:
    rows = session.execute(
        select(LawPlanEntry).where(LawPlanEntry.revision_id == revision.id).order_by(LawPlanEntry.position)
    ).scalars()
    found = []
    for row in rows:
        laws = session.execute(
            select(LawPlanLaw).where(LawPlanLaw.entry_id == row.id).order_by(LawPlanLaw.position)
        ).scalars()
        actions = session.execute(
            select(LawPlanAction).where(LawPlanAction.entry_id == row.id).order_by(LawPlanAction.position)
        ).scalars()
        found.append(Entry(row, list(laws), list(actions)))
    return found


def listing(
    session: Session, principal: Principal, *, year: int | None = None, status: str | None = None
) -> list[LawPlan]:
    """Plans the principal reads (its own state's, or all for the secretariat), newest year first."""
    require_reader(principal)
    query = select(LawPlan).order_by(LawPlan.year.desc(), LawPlan.country)
    if not principal.is_regional:
        query = query.where(LawPlan.country == principal.country)
    if year is not None:
        if not -DB_INT_MAX <= year <= DB_INT_MAX:  # no plan has it (PostgreSQL would refuse the query)
            return []
        query = query.where(LawPlan.year == year)
    if status is not None:
        query = query.where(LawPlan.status == status)
    return list(session.execute(query).scalars())


def review(session: Session, principal: Principal, reference: str, body: ReviewIn) -> LawPlanRevision:
    """The secretariat accepts the submitted revision or returns it with comments (overall and per
    topic entry). Only the latest revision, and only while it is submitted."""
    require_secretariat(principal)
    plan = get_plan(session, principal, reference)
    if body.decision not in ("accept", "return"):
        raise ValidationFailed("bad decision", errors=[FieldError("decision", "accept or return", body.decision)])
    revision = revision_of(session, plan, body.revision)
    if revision is None or body.revision != plan.latest_revision or revision.status != RevisionStatus.submitted:
        rule = f"the latest revision ({plan.latest_revision}) while it is submitted (it is {plan.status})"
        raise Conflict("this revision cannot be reviewed", errors=[FieldError("revision", rule, body.revision)])
    rows = {e.row.topic_id: e.row for e in entries(session, revision)}
    bad = [
        FieldError(f"entry_comments.{t}", f"a topic of this plan ({', '.join(rows)})", t)
        for t in body.entry_comments
        if t not in rows
    ]
    comments = {t: c.strip() for t, c in body.entry_comments.items() if c.strip()}
    if body.decision == "return" and not (body.comment or "").strip() and not comments:
        bad.append(FieldError("comment", "a returned plan needs a comment, overall or on a topic entry", body.comment))
    if bad:
        raise ValidationFailed("the review has errors; nothing was stored", errors=bad)
    for topic, text in comments.items():
        rows[topic].review_comment = text
    status = RevisionStatus.accepted if body.decision == "accept" else RevisionStatus.returned
    revision.status = plan.status = status.value
    revision.review_comment = _clean(body.comment)
    revision.reviewed_by = principal.actor
    revision.reviewed_at = plan.updated_at = utcnow()
    audit.record(
        session, principal, f"monitoring.law_plan.{status.value}", ENTITY, plan.reference, country=plan.country,
        before={"revision": revision.number, "status": RevisionStatus.submitted.value},
        after={"revision": revision.number, "status": status.value, "commented_topics": sorted(comments)},
    )  # fmt: skip
    return revision
