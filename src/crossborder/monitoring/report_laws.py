"""Report sections from the Laws Reporting Scheme: national plans received, coverage beside the 2021
baseline, common gaps with their workshop proposals."""

from __future__ import annotations

from collections import Counter

from crossborder.monitoring import laws, laws_coverage
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.laws_reference import Level
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section, Table

SHORT = {Level.yes: "Y", Level.partial: "P", Level.no: "N", Level.not_reported: "-"}


def _viewer(ctx: Context) -> str | None:
    return None if ctx.principal.is_regional else ctx.principal.country


def plans_received(ctx: Context) -> Table:
    plans = {p.country: p for p in laws.listing(ctx.session, ctx.principal, year=ctx.year)}
    rows = tuple(
        (state, plans[state].reference, plans[state].status, str(plans[state].latest_revision))
        if state in plans else (state, "-", "not submitted", "-")
        for state in ctx.countries
    )  # fmt: skip
    return Table(f"National plans for {ctx.year}", ("Member state", "Plan", "Status", "Revision"), rows)


def coverage_section(ctx: Context, key: str = "laws") -> Section:
    matrix = laws_coverage.matrix(ctx.session, ctx.year, ctx.baseline_year, viewer=_viewer(ctx))
    states = [s for s in matrix.states if s in ctx.countries]
    rows, yes_now, yes_base = [], [], []
    for row in matrix.rows:
        now = Counter(row.cells[s].level for s in states)
        base = Counter(c.level for s in states if (c := row.baseline[s]) is not None)
        changes = Counter(row.changes[s] for s in states)
        rows.append((row.topic.id, str(now[Level.yes]), str(now[Level.partial]), str(now[Level.no]),
                     str(now[Level.not_reported]), str(base[Level.yes]), str(changes["improved"]),
                     str(changes["worse"])))  # fmt: skip
        yes_now.append(now[Level.yes])
        yes_base.append(base[Level.yes])
    gaps = laws_coverage.common_gaps(ctx.session, ctx.year, viewer=_viewer(ctx))
    gap_rows = tuple(
        (g.topic.id, ", ".join(f"{s} ({level.value})" for s, level in g.lacking if s in ctx.countries), g.proposal)
        for g in gaps
    )
    received = plans_received(ctx)
    submitted = sum(1 for r in received.rows if r[2] != "not submitted")
    topics = [r[0] for r in rows]
    return Section(
        key=key,
        title="Laws Reporting Scheme and Mapping Study",
        paragraphs=(
            f"National plans for {ctx.year}: {submitted} of {len(ctx.countries)} member states.",
            f"Coverage per topic in {ctx.year} beside the {matrix.baseline_year} baseline (the Mapping Study where "
            "the Work Plan states a member state's category, else that year's national plan). A plan counts once "
            "accepted, or as submitted while under review; drafts and returned plans never count.",
        ),
        tables=(
            received,
            Table(
                "Coverage by topic (number of member states)",
                (
                    "Topic",
                    "Yes",
                    "Partial",
                    "No",
                    "Not reported",
                    f"Yes in {matrix.baseline_year}",
                    "Improved",
                    "Worse",
                ),
                tuple(rows),
                note="Levels derived by the rule in monitoring/data/laws.yaml; 'not reported': no plan counts.",
            ),
            Table(
                f"Common gaps in {ctx.year}",
                ("Topic", "Member states lacking coverage", "Proposal"),
                gap_rows,
                note="A common gap: at least the number of member states set in laws.yaml (an operational "
                "setting, not a Work Plan figure) at 'no' or 'not reported'.",
            ),
        ),
        charts=(
            bar_chart(
                f"Member states at 'yes' per topic: {matrix.baseline_year} and {ctx.year}",
                topics,
                [Series(str(matrix.baseline_year), yes_base), Series(str(ctx.year), yes_now)],
            ),
        ),
    )


def baseline_vs_end(ctx: Context) -> Section:
    """The final review's first element: the Mapping Study against the assessment at the end."""
    matrix = laws_coverage.matrix(ctx.session, ctx.year, ctx.baseline_year, viewer=_viewer(ctx))
    states = [s for s in matrix.states if s in ctx.countries]

    def cell(row: laws_coverage.Row, state: str) -> str:
        before = row.baseline[state]
        return f"{'?' if before is None else SHORT[before.level]}>{SHORT[row.cells[state].level]}"

    rows = tuple((row.topic.id, *(cell(row, s) for s in states)) for row in matrix.rows)
    return Section(
        key="mapping-study",
        title=f"Mapping Study {matrix.baseline_year} against {ctx.year}",
        paragraphs=(
            "Each cell: the baseline level > the level at the end of the period. Y yes, P partial, N no, "
            "- not reported, ? baseline not stated in the Mapping Study as the Work Plan quotes it and no "
            f"{matrix.baseline_year} national plan.",
        ),
        tables=(Table("Coverage, baseline > end", ("Topic", *states), rows),),
    )
