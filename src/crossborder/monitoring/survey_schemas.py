"""Survey API shapes: what comes in (panel members, responses) and how results go out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crossborder.monitoring.survey_models import SurveyPanelMember, SurveyResponse
from crossborder.monitoring.survey_questionnaires import Questionnaire
from crossborder.monitoring.survey_results import Change, QuestionResult, Results
from crossborder.monitoring.survey_stats import Interval


class MemberBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: str = Field(max_length=8)
    segment: str = Field(max_length=16)
    sector: str | None = Field(default=None, max_length=64)
    panel_id: str | None = Field(default=None, max_length=32)


class LinksBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100)


class ResponseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200)
    answers: dict[str, Any] = Field(max_length=200)


def member_out(m: SurveyPanelMember) -> dict[str, Any]:
    return {"panel_id": m.panel_id, "country": m.country, "segment": m.segment, "sector": m.sector,
            "demo": m.demo, "active": m.active}  # fmt: skip


def response_out(r: SurveyResponse, created: bool) -> dict[str, Any]:
    return {"year": r.year, "questionnaire_version": r.questionnaire_version, "panel_id": r.panel_id,
            "created": created, "submitted_at": r.submitted_at.isoformat()}  # fmt: skip


def questionnaire_out(q: Questionnaire) -> dict[str, Any]:
    return {
        "id": q.id, "year": q.year, "version": q.version, "title": q.title, "note": q.note, "changes": list(q.changes),
        "questions": [
            {"code": x.code, "text": x.text, "type": x.type, "required": x.required, "topics": list(x.topics),
             "options": [{"code": o.code, "label": o.label} for o in x.options], "min": x.min, "max": x.max,
             "wording": x.wording, "source": {"activity": x.activity, "document": x.document, "section": x.section}}
            for x in q.questions
        ],
    }  # fmt: skip


def interval_out(i: Interval | None) -> dict[str, str] | None:
    return None if i is None else {"estimate": str(i.estimate), "low": str(i.low), "high": str(i.high)}


def question_result_out(q: QuestionResult) -> dict[str, Any]:
    return {"code": q.code, "type": q.type, "n": q.n, "suppressed": q.suppressed, "mean": interval_out(q.mean),
            "options": [{"code": o.code, "label": o.label, "count": o.count, "share": interval_out(o.share)}
                        for o in q.options]}  # fmt: skip


def results_out(r: Results) -> dict[str, Any]:
    return {
        "year": r.year, "questionnaire_version": r.version, "country": r.country, "segment": r.segment,
        "min_cell_n": r.min_cell_n, "mean_interval": "normal approximation (z)", "share_interval": "Wilson",
        "questions": [question_result_out(q) for q in r.questions],
    }  # fmt: skip


def change_out(c: Change) -> dict[str, Any]:
    return {"code": c.code, "measure": c.measure, "before": None if c.before is None else str(c.before),
            "after": None if c.after is None else str(c.after), "n_before": c.n_before, "n_after": c.n_after,
            "difference": interval_out(c.difference), "method": c.method,
            "significant": None if c.difference is None else c.difference.significant}  # fmt: skip
