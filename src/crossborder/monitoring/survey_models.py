"""Tables for monitoring: Annual Business Survey: questionnaires, panel, links, responses.

Questionnaires are YAML (data/surveys/<year>.yaml), not tables. The panel holds businesses under a
pseudonymous panel id with only what the segments need (member state, size, sector): no name, no
e-mail, no person. A link stores the SHA-256 of its token, never the token. A response keeps the
panel id, state and segment copied at submission (the panel may change later; the answer keeps the
segment it was given in). Answers repeat year, code, state and segment so the results are one
GROUP BY over one covering index, never a join."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.db import Base, UTCDateTime

SEGMENTS = ("micro", "small", "medium", "large")


class SurveyPanelMember(Base):
    __tablename__ = "monitoring_survey_panel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[str] = mapped_column(String(32), unique=True)
    country: Mapped[str] = mapped_column(String(8), index=True)
    segment: Mapped[str] = mapped_column(String(8))
    sector: Mapped[str | None] = mapped_column(String(64))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveyLink(Base):
    __tablename__ = "monitoring_survey_links"
    __table_args__ = (UniqueConstraint("year", "member_id", name="uq_monitoring_survey_links_year_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("monitoring_survey_panel.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyResponse(Base):
    __tablename__ = "monitoring_survey_responses"
    __table_args__ = (UniqueConstraint("year", "panel_id", name="uq_monitoring_survey_responses_year_panel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_survey_links.id"), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    panel_id: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(8))
    segment: Mapped[str] = mapped_column(String(8))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveyAnswer(Base):
    """One answer; a multiple-choice answer is one row per option chosen. `value` holds a likert
    point or an integer, `option` a choice (yes/no too), `text` free text."""

    __tablename__ = "monitoring_survey_answers"
    __table_args__ = (
        Index("ix_monitoring_survey_answers_cube", "year", "code", "country", "segment", "option", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("monitoring_survey_responses.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(8))
    segment: Mapped[str] = mapped_column(String(8))
    option: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
