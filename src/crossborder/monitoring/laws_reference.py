"""Reference data of the Laws Reporting Scheme, read once and validated: the reference instruments
the Work Plan names per topic (instruments.yaml), the 2021 baseline as the Work Plan reports the
Mapping Study (mapping_study_2021.yaml) and the operational settings with the coverage rule
(laws.yaml). A malformed file stops start-up with ReferenceDataError naming file, key path and rule."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring.law_models import Alignment, LawStatus
from crossborder.monitoring.plans import load_plans

DATA = Path(__file__).resolve().parent / "data"
NO_INSTRUMENT = "no_reference_instrument"  # the alignment key where the Work Plan names no instrument
STATUS_ORDER = (LawStatus.none, LawStatus.drafting, LawStatus.enacted, LawStatus.in_force)


class Level(StrEnum):
    yes = "yes"
    partial = "partial"
    no = "no"
    not_reported = "not_reported"


RANK = {Level.no: 0, Level.partial: 1, Level.yes: 2}  # not_reported has no rank: no comparison


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    quote: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    topics: tuple[str, ...]
    source: Source
    named_in: tuple[tuple[str, Source], ...]  # (topic, where the Work Plan names it under that topic)


@dataclass(frozen=True)
class BaselineTopic:
    topic_id: str
    summary: str
    regional_level: str | None
    states: dict[str, Level] | None  # None: the Work Plan does not say which state was in which category
    states_quote: str | None
    source: Source

    def level_of(self, state: str) -> Level | None:
        if self.states is None:
            return None
        return self.states.get(state, self.states.get("all"))


@dataclass(frozen=True)
class Rule:
    level: Level
    statuses: frozenset[str]
    alignments: frozenset[str]


@dataclass(frozen=True)
class LawSettings:
    first_year: int
    years_ahead: int
    baseline_year: int
    common_gap_min_states: int
    rules: tuple[Rule, ...]


def _read(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise ReferenceDataError(f"monitoring/data/{name}", "", "must be a mapping")
    return loaded


def _text(file: str, raw: dict[str, Any], key: str, path: str, *, nullable: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ReferenceDataError(file, f"{path}.{key}".lstrip("."), "required text" if not nullable else "text or null")
    return value


def _source(file: str, raw: Any, path: str) -> Source:
    if not isinstance(raw, dict):
        raise ReferenceDataError(file, path, "source must be a mapping {document, section}")
    return Source(
        str(_text(file, raw, "document", path)),
        str(_text(file, raw, "section", path)),
        _text(file, raw, "quote", path, nullable=True),
    )


def _topic(file: str, topic: Any, path: str) -> str:
    if not isinstance(topic, str) or topic not in load_plans().topics:
        raise ReferenceDataError(file, path, f"unknown Work Plan topic {topic!r} (known: A.1 … C.4)")
    return topic


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    file = "monitoring/data/instruments.yaml"
    found: dict[str, Instrument] = {}
    for i, raw in enumerate(_read("instruments.yaml").get("instruments") or []):
        path = f"instruments[{i}]"
        iid = str(_text(file, raw, "id", path))
        if iid in found:
            raise ReferenceDataError(file, f"{path}.id", f"duplicate instrument id {iid!r}")
        topics = raw.get("topics")
        if not isinstance(topics, list) or not topics:
            raise ReferenceDataError(file, f"{path}.topics", "a non-empty list of topic ids")
        named = tuple(
            (_topic(file, n.get("topic"), f"{path}.named_in[{j}].topic"), _source(file, {**raw["source"], **n}, path))
            for j, n in enumerate(raw.get("named_in") or [])
        )
        found[iid] = Instrument(
            iid,
            str(_text(file, raw, "title", path)),
            tuple(_topic(file, t, f"{path}.topics[{j}]") for j, t in enumerate(topics)),
            _source(file, raw.get("source"), f"{path}.source"),
            named,
        )
    return found


def instruments_for(topic_id: str) -> list[Instrument]:
    return [i for i in instruments().values() if topic_id in i.topics]


@lru_cache(maxsize=1)
def baseline() -> dict[str, BaselineTopic]:
    file = "monitoring/data/mapping_study_2021.yaml"
    found: dict[str, BaselineTopic] = {}
    for i, raw in enumerate(_read("mapping_study_2021.yaml").get("topics") or []):
        path = f"topics[{i}]"
        tid = _topic(file, raw.get("topic"), f"{path}.topic")
        if tid in found:
            raise ReferenceDataError(file, f"{path}.topic", f"duplicate topic {tid!r}")
        states = raw.get("states")
        parsed: dict[str, Level] | None = None
        if states is not None:
            if not isinstance(states, dict):
                raise ReferenceDataError(file, f"{path}.states", "a mapping state -> yes|partial|no, or null")
            parsed = {}
            for state, level in states.items():
                if level not in ("yes", "partial", "no"):
                    raise ReferenceDataError(
                        file, f"{path}.states.{state}", f"{level!r} is not one of yes, partial, no"
                    )
                parsed[str(state)] = Level(level)
        found[tid] = BaselineTopic(
            tid,
            str(_text(file, raw, "summary", path)),
            _text(file, raw, "regional_level", path, nullable=True),
            parsed,
            _text(file, raw, "states_quote", path, nullable=True),
            _source(file, raw.get("source"), f"{path}.source"),
        )
    return found


def _rules(file: str, raw: Any) -> tuple[Rule, ...]:
    statuses = {s.value for s in LawStatus}
    alignments = {a.value for a in Alignment} | {NO_INSTRUMENT}
    rules = []
    for i, r in enumerate(raw or []):
        path = f"coverage_rules[{i}]"
        if not isinstance(r, dict) or r.get("level") not in ("yes", "partial", "no"):
            raise ReferenceDataError(file, f"{path}.level", "one of yes, partial, no")
        got: list[frozenset[str]] = []
        for key, allowed in (("best_status", statuses), ("alignment", alignments)):
            value = r.get(key)
            items = allowed if value == "any" else set(value) if isinstance(value, list) else None
            if items is None or not items <= allowed:
                raise ReferenceDataError(file, f"{path}.{key}", f"`any` or a list of {sorted(allowed)}")
            got.append(frozenset(items))
        rules.append(Rule(Level(r["level"]), got[0], got[1]))
    for status, alignment in itertools.product(sorted(statuses), sorted(alignments)):
        if not any(status in r.statuses and alignment in r.alignments for r in rules):
            raise ReferenceDataError(file, "coverage_rules", f"no rule matches best_status {status}, {alignment}")
    return tuple(rules)


@lru_cache(maxsize=1)
def settings() -> LawSettings:
    file = "monitoring/data/laws.yaml"
    raw = _read("laws.yaml")
    numbers = {}
    for key in ("first_year", "years_ahead", "baseline_year", "common_gap_min_states"):
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < (0 if key == "years_ahead" else 1):
            raise ReferenceDataError(file, key, "a positive whole number")
        numbers[key] = value
    return LawSettings(**numbers, rules=_rules(file, raw.get("coverage_rules")))
