"""Coverage of the Laws Reporting Scheme: a level (yes / partial / no / not_reported) per (topic,
member state, year), derived from the plan that counts by the rule in laws.yaml; the matrix (topics
by workstream x member states) with the 2021 baseline beside it and the change; and the common gaps,
each with a proposal for a Law Incorporation Workshop.

The plan that counts for a (state, year) is its latest accepted revision, else its latest submitted
one (marked `submitted`: not yet accepted). Drafts and returned revisions never count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.monitoring.law_models import LawPlan, LawPlanEntry, LawPlanLaw, LawPlanRevision, RevisionStatus
from crossborder.monitoring.laws_reference import (
    NO_INSTRUMENT,
    RANK,
    STATUS_ORDER,
    BaselineTopic,
    Instrument,
    Level,
    Rule,
    baseline,
    instruments_for,
    settings,
)
from crossborder.monitoring.plans import Activity, Topic, Workstream, topics_by_workstream
from crossborder.reference.service import member_states


def derive_level(statuses: Sequence[str], alignment: str, has_instrument: bool, rules: Sequence[Rule]) -> Level:
    """The first rule matching the entry's most advanced law status and its alignment."""
    ranked = [STATUS_ORDER.index(s) for s in statuses if s in STATUS_ORDER]
    best = STATUS_ORDER[max(ranked)].value if ranked else STATUS_ORDER[0].value
    key = alignment if has_instrument else NO_INSTRUMENT
    for rule in rules:
        if best in rule.statuses and key in rule.alignments:
            return rule.level
    raise LookupError(f"no coverage rule for {best}, {key}")  # the loader proved the rules exhaustive


def change(before: Level | None, after: Level) -> str | None:
    if before is None or before not in RANK or after not in RANK:
        return None
    return "improved" if RANK[after] > RANK[before] else "worse" if RANK[after] < RANK[before] else "unchanged"


@dataclass(frozen=True)
class Cell:
    level: Level
    basis: str | None = None  # accepted | submitted | mapping_study | plan_<year>; None: not reported
    plan: str | None = None
    revision: int | None = None


@dataclass(frozen=True)
class Row:
    topic: Topic
    cells: dict[str, Cell]
    baseline: dict[str, Cell | None]  # None: the baseline for that state is not stated in the seed
    changes: dict[str, str | None]
    mapping_study: BaselineTopic | None


@dataclass(frozen=True)
class Matrix:
    year: int
    baseline_year: int
    states: list[str]
    groups: list[tuple[Workstream, list[Row]]]

    @property
    def rows(self) -> list[Row]:
        return [r for _, rows in self.groups for r in rows]


def _counted(session: Session, year: int, viewer: str | None) -> dict[str, tuple[LawPlan, LawPlanRevision]]:
    """Per state, the plan of `year` and its revision that counts. A member state's viewer (`viewer`
    not None) sees other states' plans only once accepted: a submitted plan is not yet public."""
    found = session.execute(
        select(LawPlan, LawPlanRevision)
        .join(LawPlanRevision, LawPlanRevision.plan_id == LawPlan.id)
        .where(LawPlan.year == year)
        .where(LawPlanRevision.status.in_([RevisionStatus.accepted.value, RevisionStatus.submitted.value]))
        .order_by(LawPlan.country, LawPlanRevision.number)
    ).all()
    chosen: dict[str, tuple[LawPlan, LawPlanRevision]] = {}
    for plan, revision in found:  # ascending: the last accepted wins, a submitted one only if none is
        if viewer is not None and plan.country != viewer and revision.status != RevisionStatus.accepted:
            continue
        held = chosen.get(plan.country)
        if held is None or held[1].status != RevisionStatus.accepted or revision.status == RevisionStatus.accepted:
            chosen[plan.country] = (plan, revision)
    return chosen


def levels(session: Session, year: int, viewer: str | None = None) -> dict[tuple[str, str], Cell]:
    """(topic id, state) -> the derived cell, for every topic a counted plan of `year` reports."""
    counted = _counted(session, year, viewer)
    by_revision = {rev.id: (plan, rev) for plan, rev in counted.values()}
    if not by_revision:
        return {}
    entries = list(session.execute(select(LawPlanEntry).where(LawPlanEntry.revision_id.in_(by_revision))).scalars())
    statuses: dict[int, list[str]] = {e.id: [] for e in entries}
    if entries:
        for entry_id, status in session.execute(
            select(LawPlanLaw.entry_id, LawPlanLaw.status).where(LawPlanLaw.entry_id.in_(statuses))
        ).all():
            statuses[entry_id].append(status)
    rules = settings().rules
    cells = {}
    for e in entries:
        plan, rev = by_revision[e.revision_id]
        level = derive_level(statuses[e.id], e.alignment, bool(instruments_for(e.topic_id)), rules)
        cells[(e.topic_id, plan.country)] = Cell(level, rev.status, plan.reference, rev.number)
    return cells


def matrix(session: Session, year: int, baseline_year: int | None = None, viewer: str | None = None) -> Matrix:
    """The matrix for `year`; `viewer`: the member state of a non-regional reader (None: the secretariat)."""
    base_year = settings().baseline_year if baseline_year is None else baseline_year
    states = member_states()
    latest = levels(session, year, viewer)
    planned_base = levels(session, base_year, viewer)
    study = baseline() if base_year == settings().baseline_year else {}
    groups = []
    for ws, topics in topics_by_workstream().items():
        rows = []
        for t in topics:
            cells = {s: latest.get((t.id, s), Cell(Level.not_reported)) for s in states}
            base: dict[str, Cell | None] = {}
            for s in states:
                stated = study[t.id].level_of(s) if t.id in study else None
                planned = planned_base.get((t.id, s))
                if stated is not None:
                    base[s] = Cell(stated, "mapping_study")
                elif planned is not None:
                    base[s] = Cell(planned.level, f"plan_{base_year}", planned.plan, planned.revision)
                else:
                    base[s] = None
            changes = {s: change(None if base[s] is None else base[s].level, cells[s].level) for s in states}  # type: ignore[union-attr]
            rows.append(Row(t, cells, base, changes, study.get(t.id)))
        groups.append((ws, rows))
    return Matrix(year, base_year, states, groups)


def workshop_activity(topic: Topic) -> Activity | None:
    """The Work Plan activity that provides a Law Incorporation Workshop for the topic, else any
    workshop activity of the topic; None where the topic has none."""
    named = [a for a in topic.activities if a.text and "workshop" in a.text.lower()]
    law = [a for a in named if "law incorporation workshop" in (a.text or "").lower()]
    chosen = law or named
    return chosen[0] if chosen else None


@dataclass(frozen=True)
class Gap:
    topic: Topic
    lacking: list[tuple[str, Level]]  # (state, no | not_reported)
    instruments: list[Instrument]
    leads: list[str]  # states at `yes` that could lead the workshop
    workshop: Activity | None
    proposal: str = field(default="")


def _proposal(
    topic: Topic, lacking: list[tuple[str, Level]], found: list[Instrument], leads: list[str], activity: Activity | None
) -> str:
    states = ", ".join(f"{s} ({level.value})" for s, level in lacking)
    parts = [f"Law Incorporation Workshop on {topic.id} {topic.title} for {states}."]
    parts.append(
        "Reference instrument(s): " + "; ".join(i.title for i in found) + "."
        if found else "The Work Plan names no reference instrument for this topic."
    )  # fmt: skip
    parts.append(f"Could be led by: {', '.join(leads)}." if leads else "No member state is at 'yes' yet to lead it.")
    parts.append(
        f"Provided for by Work Plan activity {activity.id}." if activity is not None
        else "The Work Plan lists no workshop activity for this topic."
    )  # fmt: skip
    return " ".join(parts)


def common_gaps(session: Session, year: int, min_states: int | None = None, viewer: str | None = None) -> list[Gap]:
    """Topics where at least `min_states` (laws.yaml: common_gap_min_states) lack coverage in `year`."""
    threshold = settings().common_gap_min_states if min_states is None else min_states
    gaps = []
    for row in matrix(session, year, viewer=viewer).rows:
        lacking: list[tuple[str, Level]] = [
            (s, c.level) for s, c in row.cells.items() if c.level in (Level.no, Level.not_reported)
        ]
        if len(lacking) < threshold:
            continue
        leads = [s for s, c in row.cells.items() if c.level is Level.yes]
        found = instruments_for(row.topic.id)
        activity = workshop_activity(row.topic)
        gaps.append(
            Gap(row.topic, lacking, found, leads, activity, _proposal(row.topic, lacking, found, leads, activity))
        )
    return gaps
