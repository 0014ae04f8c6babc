"""The Annual Business Survey's questionnaires: one YAML file per year (`data/surveys/2025.yaml` …),
each question with a code kept across years, a type, topic tags and the Work Plan activity it comes
from. A malformed file stops start-up with file, key path and the rule it breaks; tags and activities
are checked against the plans, so a question never cites an activity that does not exist."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import NotFound, ReferenceDataError
from crossborder.monitoring.plans import Plans, load_plans

SURVEY_DIR = Path(__file__).resolve().parent / "data" / "surveys"
YEAR_FILE = re.compile(r"^(\d{4})\.yaml$")
CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")
OPTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TYPES = ("likert_5", "yes_no", "single_choice", "multiple_choice", "integer", "text")
LIKERT = (1, 2, 3, 4, 5)
YES_NO = ("yes", "no")
WORDING = "drafted from the activity text"
# Sums of squares are BIGINT: 10^6 answers of at most 3*10^6 each give 9*10^18 < 2^63.
INT_LIMIT = 3_000_000


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    type: str
    required: bool
    topics: tuple[str, ...]
    activity: str
    document: str
    section: str
    wording: str
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None

    @property
    def option_codes(self) -> tuple[str, ...]:
        if self.type == "yes_no":
            return YES_NO
        if self.type == "likert_5":
            return tuple(str(v) for v in LIKERT)
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    year: int
    version: int
    title: str
    note: str | None
    changes: tuple[str, ...]
    questions: tuple[Question, ...]

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)


@dataclass(frozen=True)
class SurveySettings:
    min_cell_n: int
    link_valid_days: int
    confidence: Decimal


class _File:
    def __init__(self, path: Path) -> None:
        self.shown = f"monitoring/data/surveys/{path.name}"
        try:
            self.root: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise self.fail("", f"not valid YAML: {exc}") from None

    def fail(self, path: str, rule: str) -> ReferenceDataError:
        return ReferenceDataError(self.shown, path, rule)

    def mapping(
        self, value: Any, path: str, required: Mapping[str, type], optional: Mapping[str, type]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, found {type(value).__name__}")
        for key in value:
            if key not in required and key not in optional:
                raise self.fail(
                    f"{path}.{key}".lstrip("."), f"unknown key (allowed: {', '.join([*required, *optional])})"
                )
        for key, kind in {**required, **optional}.items():
            if key in required and key not in value:
                raise self.fail(f"{path}.{key}".lstrip("."), "required key missing")
            if key in value and (not isinstance(value[key], kind) or (kind is int and isinstance(value[key], bool))):
                raise self.fail(f"{path}.{key}".lstrip("."), f"must be {kind.__name__}, found {value[key]!r}")
            if kind is str and key in value and not value[key].strip():
                raise self.fail(f"{path}.{key}".lstrip("."), "must not be empty")
        return value


def _question(f: _File, raw: Any, path: str, plans: Plans) -> Question:
    q = f.mapping(
        raw, path,
        {"code": str, "text": str, "type": str, "required": bool, "topics": list, "source": dict, "wording": str},
        {"options": list, "min": int, "max": int},
    )  # fmt: skip
    code = q["code"]
    if not CODE.match(code):
        raise f.fail(f"{path}.code", f"code {code!r} must match {CODE.pattern}")
    if q["type"] not in TYPES:
        raise f.fail(f"{path}.type", f"unknown type {q['type']!r} (known: {', '.join(TYPES)})")
    if q["wording"] != WORDING:
        raise f.fail(f"{path}.wording", f"must say {WORDING!r}: the wording is ours, not the Work Plan's")
    choice = q["type"] in ("single_choice", "multiple_choice")
    if choice != ("options" in q):
        raise f.fail(f"{path}.options", "options are required for single_choice/multiple_choice and only for them")
    options: list[Option] = []
    for j, o in enumerate(q.get("options", [])):
        o = f.mapping(o, f"{path}.options[{j}]", {"code": str, "label": str}, {})
        if not OPTION.match(o["code"]) or o["code"] in {x.code for x in options}:
            raise f.fail(f"{path}.options[{j}].code", f"option code {o['code']!r} must match {OPTION.pattern}, once")
        options.append(Option(o["code"], o["label"]))
    if choice and len(options) < 2:
        raise f.fail(f"{path}.options", "at least two options")
    if (q["type"] == "integer") != ("min" in q and "max" in q) or (
        q["type"] != "integer" and ("min" in q or "max" in q)
    ):
        raise f.fail(f"{path}.min", "min and max are required for integer questions and only for them")
    if q["type"] == "integer" and not (-INT_LIMIT <= q["min"] < q["max"] <= INT_LIMIT):
        raise f.fail(f"{path}.max", f"min < max, both within ±{INT_LIMIT}")
    if not q["topics"]:
        raise f.fail(f"{path}.topics", "at least one Work Plan topic")
    for j, t in enumerate(q["topics"]):
        if t not in plans.topics:
            raise f.fail(f"{path}.topics[{j}]", f"unknown Work Plan topic {t!r}")
    src = f.mapping(q["source"], f"{path}.source", {"activity": str, "document": str, "section": str}, {})
    activity = plans.activities.get(src["activity"])
    if activity is None:
        raise f.fail(f"{path}.source.activity", f"unknown Work Plan activity {src['activity']!r}")
    if activity.topic_id not in q["topics"]:
        raise f.fail(f"{path}.topics", f"must include {activity.topic_id}, the topic of activity {activity.id}")
    if (src["document"], src["section"]) != (activity.source.document, activity.source.section):
        raise f.fail(
            f"{path}.source.section", f"must cite the plan's own source of {activity.id}: {activity.source.section!r}"
        )
    return Question(code, q["text"].strip(), q["type"], q["required"], tuple(q["topics"]), activity.id,
                    src["document"], src["section"], WORDING, tuple(options), q.get("min"), q.get("max"))  # fmt: skip


def parse(path: Path, plans: Plans) -> Questionnaire:
    """One questionnaire file, validated."""
    f = _File(path)
    root = f.mapping(
        f.root, "", {"id": str, "year": int, "version": int, "title": str, "questions": list},
        {"note": str, "changes": list},
    )  # fmt: skip
    match = YEAR_FILE.match(path.name)
    if match is None or int(match.group(1)) != root["year"]:
        raise f.fail("year", f"year {root['year']} must be the file's name ({path.name})")
    if root["version"] < 1:
        raise f.fail("version", "must be 1 or more")
    questions: list[Question] = []
    for i, raw in enumerate(root["questions"]):
        q = _question(f, raw, f"questions[{i}]", plans)
        if any(x.code == q.code for x in questions):
            raise f.fail(f"questions[{i}].code", f"duplicate code {q.code!r}")
        questions.append(q)
    if not questions:
        raise f.fail("questions", "at least one question")
    changes = tuple(str(c) for c in root.get("changes", []))
    return Questionnaire(root["id"], root["year"], root["version"], root["title"], root.get("note"), changes,
                         tuple(questions))  # fmt: skip


@lru_cache(maxsize=4)
def load_questionnaires(folder: Path = SURVEY_DIR, plans: Callable[[], Plans] = load_plans) -> dict[int, Questionnaire]:
    """Every year's questionnaire, oldest first. Versions must not go down from one year to the next."""
    found: dict[int, Questionnaire] = {}
    for path in sorted(p for p in folder.iterdir() if YEAR_FILE.match(p.name)):
        found[int(path.name[:4])] = parse(path, plans())
    previous = None
    for year, q in found.items():
        if previous is not None and q.version < previous.version:
            raise ReferenceDataError(
                f"monitoring/data/surveys/{year}.yaml",
                "version",
                f"version {q.version} is lower than {previous.year}'s {previous.version}",
            )
        previous = q
    return found


def questionnaire(year: int) -> Questionnaire:
    try:
        return load_questionnaires()[year]
    except KeyError:
        raise NotFound(f"no Annual Business Survey questionnaire for {year}") from None


def previous_year(year: int) -> int | None:
    earlier = [y for y in load_questionnaires() if y < year]
    return max(earlier) if earlier else None


@lru_cache(maxsize=1)
def survey_settings(path: Path = SURVEY_DIR / "settings.yaml") -> SurveySettings:
    f = _File(path)
    s = f.mapping(f.root, "", {"min_cell_n": int, "link_valid_days": int, "confidence": float}, {})
    if s["min_cell_n"] < 1 or s["link_valid_days"] < 1 or not 0.5 < s["confidence"] < 1:
        raise f.fail("", "min_cell_n >= 1, link_valid_days >= 1, 0.5 < confidence < 1")
    return SurveySettings(s["min_cell_n"], s["link_valid_days"], Decimal(str(s["confidence"])))
