"""Which sections each review report has, in order (Work Plan section 4.2, "Review Approach"):

- annual stocktake: implementation progress, KPIs, the Laws Reporting Scheme, the Annual Business
  Survey, the indices — for one year;
- mid-term review: the same at the halfway point, with the plan's revisions so far;
- final review: (i) the Mapping Study against the updated assessment at the end, (ii) progress against
  the original and revised objectives, (iii) what remains open for the period after."""

from __future__ import annotations

from crossborder.monitoring import report_indices, report_kpis, report_laws, report_survey, report_tracking
from crossborder.monitoring.report_context import Context
from crossborder.monitoring.report_model import Section

__all__ = ["Context", "final", "midterm", "sources", "stocktake"]


def _common(ctx: Context) -> list[Section]:
    return [report_kpis.section(ctx), report_laws.coverage_section(ctx), report_survey.section(ctx),
            report_indices.section(ctx)]  # fmt: skip


def stocktake(ctx: Context) -> list[Section]:
    return [report_tracking.progress_section(ctx), *_common(ctx)]


def midterm(ctx: Context) -> list[Section]:
    return [report_tracking.progress_section(ctx), report_tracking.versions_section(ctx), *_common(ctx)]


def final(ctx: Context) -> list[Section]:
    return [
        report_laws.baseline_vs_end(ctx),
        report_tracking.progress_section(ctx),
        report_tracking.versions_section(ctx),
        *_common(ctx),
        report_tracking.open_activities_section(ctx),
    ]


def sources(ctx: Context) -> tuple[str, ...]:
    meta = ctx.plans.work_plan
    return (
        f"{meta.title}, version {meta.version} (seed {meta.seed}): activities, targets, review approach (4.2).",
        "Activity status: reports by the member states' focal points and the secretariat (monitoring tracking).",
        "Coverage: national plans under the Laws Reporting Scheme; 2021 baseline: the Mapping Study as the "
        "Work Plan quotes it (monitoring/data/mapping_study_2021.yaml).",
        "KPIs: definitions in monitoring/data/kpis.yaml; each figure names its source (platform records or a "
        "member state's report).",
        "Survey: questionnaires in monitoring/data/surveys/ (wording drafted from the Work Plan's activities); "
        "responses through single-use anonymous links.",
        "Indices: definitions in monitoring/data/indices/; values from the data file each table names.",
    )
