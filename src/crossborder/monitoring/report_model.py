"""A review report as data: sections of paragraphs, tables and charts. The HTML page and the PDF
are two renderings of the same `Report`, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from markupsafe import Markup


class ReportKind(StrEnum):
    """The three reviews of the Work Plan (section 4.2, "Review Approach")."""

    stocktake = "stocktake"  # annual stocktake report on implementation progress
    midterm = "midterm"  # mid-term review, "in roughly 2023"
    final = "final"  # final review "set for 2025": Mapping Study baseline vs an updated assessment


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None  # how the figures were made, or why a cell is empty


@dataclass(frozen=True)
class Section:
    key: str  # a stable id: the HTML anchor and the test hook
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Markup, ...] = ()


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    title: str
    period: str  # "2025", "2021-2023", "2021-2025"
    generated_at: datetime
    scope: str  # "ASEAN" or the member state the reader sees
    sections: tuple[Section, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = ()  # where the figures came from, one line each
