"""Report sections from the composite indices: each index's latest cycle up to the report's year,
with ranks, change on the previous cycle, the missing-value treatments counted, and what the data is
(the shipped sample is synthetic and says so)."""

from __future__ import annotations

from collections import Counter

from crossborder.monitoring import index_service
from crossborder.monitoring.charts import Series, bar_chart, line_chart
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section, Table


def _cycle_year(cycle: str) -> int | None:
    head = cycle[:4]
    return int(head) if head.isdigit() else None


def section(ctx: Context) -> Section:
    tables, charts, paragraphs = [], [], []
    for cfg in index_service.all_configs():
        if index_service.uses_platform(cfg):
            tables.append(_platform_table(ctx, cfg.code))
        computed = index_service.compute_sample(cfg.code)
        cycles = [c for c in computed.result.cycles if (_cycle_year(c.cycle) or 0) <= ctx.year]
        if not cycles:
            paragraphs.append(f"{cfg.name}: no cycle up to {ctx.year} in the data.")
            continue
        latest = cycles[-1]
        shown = [s for s in latest.states if s.state in ctx.countries]
        rows = tuple(
            (s.state, "-" if s.index is None else str(s.index), "-" if s.rank is None else str(s.rank),
             "-" if s.change is None else f"{s.change:+}")
            for s in shown
        )  # fmt: skip
        treated = Counter(t.kind for t in computed.result.treatments if t.cycle == latest.cycle)
        note = f"Data: {computed.data_label}. Digest {computed.digest[:16]}."
        if treated:
            note += " Treatments in this cycle: " + ", ".join(f"{k} {n}" for k, n in sorted(treated.items())) + "."
        tables.append(Table(f"{cfg.name}, cycle {latest.cycle}", ("Member state", "Index", "Rank", "Change"), rows,
                            note=note))  # fmt: skip
        charts.append(bar_chart(f"{cfg.name}, {latest.cycle}", [s.state for s in shown],
                                [Series(latest.cycle, [s.index for s in shown])]))  # fmt: skip
        over = {c.cycle: {s.state: s.index for s in c.states} for c in cycles}
        labels = list(over)
        series = [Series(state, [over[c].get(state) for c in labels]) for state in [s.state for s in shown]]
        charts.append(line_chart(f"{cfg.name} over cycles", labels, series))
        paragraphs.append(f"{cfg.name}: {cfg.normalisation} normalisation, {' / '.join(computed.result.aggregation)} "
                          f"aggregation (sub-indices / index); {len(cycles)} cycle(s) up to {ctx.year}.")  # fmt: skip
    return Section("indices", "Composite indices", tuple(paragraphs), tuple(tables), tuple(charts))


def _platform_table(ctx: Context, code: str) -> Table:
    """The index recomputed from this platform's records for the report's year."""
    computed = index_service.compute_platform(ctx.session, code, list(range(ctx.baseline_year, ctx.year + 1)))
    cycle = computed.result.cycle(str(ctx.year))
    scores = {s.state: s for s in cycle.states} if cycle else {}
    rows = []
    for state in ctx.countries:
        score = scores.get(state)
        done = 0 if score is None else sum(v is not None for v in score.sub_indices.values())
        total = len(computed.config.sub_indices)
        shown = "-" if score is None or score.index is None else str(score.index)
        rows.append((state, shown, f"{done} of {total}"))
    treated = Counter(t.kind for t in computed.result.treatments if t.cycle == str(ctx.year))
    note = f"Data: {computed.data_label}. Digest {computed.digest[:16]}."
    if treated:
        note += " Treatments: " + ", ".join(f"{k} {n}" for k, n in sorted(treated.items())) + "."
    name = computed.config.name
    return Table(f"{name}, {ctx.year}, from this platform's records", ("Member state", "Index", "Sub-indices computed"),
                 tuple(rows), note=note)  # fmt: skip
