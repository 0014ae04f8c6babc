"""Report sections from tracking: implementation progress on the report's last day, late activities,
progress per member state, and the plan's versions (original and revised objectives)."""

from __future__ import annotations

from sqlalchemy import select

from crossborder.monitoring import tracking_progress as progress
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.plan_versions import current_plans
from crossborder.monitoring.plans import Plans
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section, Table
from crossborder.monitoring.tracking_models import PlanVersion, Status
from crossborder.monitoring.tracking_timeline import timeline

STATUS_COLUMNS = (Status.completed, Status.in_progress, Status.delayed, Status.not_started, Status.dropped)


def _plans(ctx: Context) -> Plans:
    return current_plans(ctx.session)


def _weighting_note() -> str:
    w = progress.weighting()
    credits = ", ".join(f"{k.replace('_', ' ')} {'excluded' if v is None else v}" for k, v in w.credits.items())
    return f"Credit per status: {credits}. {w.source_note} Topics roll up by activity count."


def progress_section(ctx: Context) -> Section:
    plans = _plans(ctx)
    overall = progress.progress(plans, progress.statuses_of(ctx.session, None, ctx.as_of))
    ws_rows = tuple(
        (s.title, s.shown, str(s.counted), *(str(s.by_status[c.value]) for c in STATUS_COLUMNS))
        for s in (*overall.workstreams, overall.overall)
    )
    late = [
        (
            r.activity.id,
            r.target.isoformat() if r.target else "-",
            r.status.replace("_", " "),
            r.activity.lead_body or "-",
        )
        for t in timeline(plans, progress.statuses_of(ctx.session, None, ctx.as_of), ctx.as_of)
        for r in t.rows
        if r.late
    ]
    per_state = []
    for state in ctx.countries:
        mine = progress.progress(plans, progress.statuses_of(ctx.session, state, ctx.as_of), state)
        per_state.append((state, mine.overall.shown, str(mine.overall.by_status[Status.completed.value])))
    columns = (
        "Workstream",
        "Implementation",
        "Activities counted",
        *(c.value.replace("_", " ") for c in STATUS_COLUMNS),
    )
    topics = [s.id for s in overall.topics]
    return Section(
        key="progress",
        title=f"Implementation of the Work Plan on {ctx.as_of.isoformat()}",
        paragraphs=(
            f"Overall implementation: {overall.overall.shown} of {overall.overall.counted} activities counted "
            f"(regional status of each activity, as reported by {ctx.as_of.isoformat()}).",
            _weighting_note(),
        ),
        tables=(
            Table("Implementation by workstream", columns, ws_rows),
            Table(
                f"Activities past their target date and not completed on {ctx.as_of.isoformat()} ({len(late)})",
                ("Activity", "Target", "Status", "Lead body"),
                tuple(late),
                note="Target: 31 December of the year the Work Plan gives; activities without one are never late.",
            ),
            Table(
                "Implementation per member state (activities where the state reports its own status)",
                ("Member state", "Implementation", "Completed"),
                tuple(per_state),
            ),
        ),
        charts=(
            bar_chart(
                "Implementation by topic",
                topics,
                [Series(ctx.as_of.isoformat(), [s.percent for s in overall.topics])],
                unit="%",
            ),
        ),
    )


def versions_section(ctx: Context) -> Section:
    """Changes adopted to the living document up to the report's last day."""
    rows = ctx.session.execute(
        select(PlanVersion).where(PlanVersion.version > 1).order_by(PlanVersion.document, PlanVersion.version)
    ).scalars()
    adopted = [r for r in rows if r.effective_from is None or r.effective_from <= ctx.as_of]
    table = tuple(
        (r.document, str(r.version), r.effective_from.isoformat() if r.effective_from else "-", str(len(r.changed)),
         r.change_note)
        for r in adopted
    )  # fmt: skip
    original = ctx.plans  # the shipped plan files: version 1
    revised = _plans(ctx)
    added = sorted(set(revised.activities) - set(original.activities))
    return Section(
        key="plan-versions",
        title="Original and revised objectives",
        paragraphs=(
            f"The Work Plan is a living document: {len(adopted)} revision(s) adopted by {ctx.as_of.isoformat()}. "
            f"Activities in the original plan: {len(original.activities)}; now: {len(revised.activities)}"
            + (f" (added: {', '.join(added)})." if added else "."),
        ),
        tables=(
            Table("Revisions adopted", ("Document", "Version", "Effective from", "Fields changed", "Note"), table),
        ),
    )


def open_activities_section(ctx: Context) -> Section:
    """The final review's third element: what remains open, for activities beyond the period."""
    plans = _plans(ctx)
    statuses = progress.statuses_of(ctx.session, None, ctx.as_of)
    finished = {Status.completed.value, Status.dropped.value}
    rows = []
    for a in plans.activities.values():
        status = statuses.get(a.id, Status.not_started.value)
        if status not in finished:
            rows.append((a.id, (a.text or "")[:120], status.replace("_", " "), a.target_timeline or "-"))  # fmt: skip
    return Section(
        key="open-activities",
        title="Activities still open: candidates for the period after the Work Plan",
        paragraphs=(f"{len(rows)} of {len(plans.activities)} activities are neither completed nor dropped.",),
        tables=(Table("Open activities", ("Activity", "Text (start)", "Status", "Target timeline"), tuple(rows)),),
    )
