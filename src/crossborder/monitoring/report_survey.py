"""Report section from the Annual Business Survey: the year's results per question with 95%
intervals, and the significant year-over-year changes; cells under the disclosure threshold stay
suppressed here too."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from crossborder.core.errors import NotFound
from crossborder.monitoring import survey_results
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section, Table
from crossborder.monitoring.survey_stats import Interval

TITLE = "Annual Business Survey"


def _ci(interval: Interval | None) -> str:
    if interval is None:
        return "suppressed"
    return f"{interval.estimate} ({interval.low} to {interval.high})"


def _headline(q: survey_results.QuestionResult) -> tuple[str, str]:
    """The figure a reader looks for first: the mean, or the share of the first option (e.g. 'yes')."""
    if q.suppressed:
        return "-", "suppressed"
    if q.mean is not None:
        return "mean", _ci(q.mean)
    if q.options:
        first = q.options[0]
        return f"share '{first.label}'", _ci(first.share)
    return "-", "free text (not tabulated)"


def section(ctx: Context) -> Section:
    country = None if ctx.principal.is_regional else ctx.principal.country
    try:
        results = survey_results.results(ctx.session, ctx.principal, ctx.year, country)
    except NotFound:
        return Section("survey", TITLE, (f"No Annual Business Survey questionnaire for {ctx.year}.",))
    rows = []
    for q in results.questions:
        measure, figure = _headline(q)
        rows.append((q.code, ", ".join(q.topics), "-" if q.n is None else str(q.n), measure, figure))
    before, changes = survey_results.year_over_year(ctx.session, ctx.principal, ctx.year, country, current=results)
    change_rows = tuple(
        (c.code, c.measure, str(c.before), str(c.after), _ci(c.difference), "yes" if c.difference.significant else "no")
        for c in changes
        if c.difference is not None
    )
    likert = [q for q in results.questions if q.mean is not None and q.type == "likert_5"]
    charts: tuple[Markup, ...] = ()
    if likert:
        means: list[Decimal | None] = [q.mean.estimate if q.mean else None for q in likert]
        charts = (bar_chart(f"Mean answer (1-5) with 95% interval, {ctx.year}", [q.code for q in likert],
                            [Series(str(ctx.year), means)], low=[q.mean.low if q.mean else None for q in likert],
                            high=[q.mean.high if q.mean else None for q in likert]),)  # fmt: skip
    significant = sum(1 for r in change_rows if r[5] == "yes")
    paragraphs = (
        f"Questionnaire {ctx.year}, version {results.version}; "
        f"{'all member states' if country is None else country}. Intervals are 95%: normal approximation for "
        "means, Wilson for shares; cells with fewer than "
        f"{results.min_cell_n} respondents are suppressed. Results are unweighted (the Work Plan gives no "
        "sample design).",
        f"Year-over-year against {before}: {significant} of {len(change_rows)} changes significant "
        "(the interval of the difference excludes 0)."
        if before
        else "No earlier questionnaire to compare with.",
    )
    tables = (
        Table(f"Results {ctx.year}", ("Question", "Topics", "n", "Measure", "Estimate (95% interval)"), tuple(rows)),
        Table(f"Change {before} to {ctx.year}", ("Question", "Measure", str(before), str(ctx.year),
                                                 "Difference (95% interval)", "Significant"), change_rows),
    )  # fmt: skip
    return Section("survey", TITLE, paragraphs, tables if before else tables[:1], charts)
