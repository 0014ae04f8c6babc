"""The plans as data: the Work Plan on the Implementation of the ASEAN Agreement on Electronic
Commerce (workstreams, topics A.1 to C.4, objectives, activities), the ASEAN Work Programme on
Electronic Commerce (outcome areas, initiatives) and the appendix mapping five frameworks onto the
Work Plan. Read once from YAML; a malformed file stops start-up with file, key path and reason."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from crossborder.monitoring.reader import SOURCE_KEY, DocumentMeta, PlanFile, Revision, Source, unique

__all__ = ["DocumentMeta", "Revision", "Source", "activities", "load_plans", "topic", "topics_by_workstream"]

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("work_plan.yaml", "work_programme.yaml", "frameworks.yaml")

TOPIC_ID = re.compile(r"^[A-C]\.[0-9]+$")
OBJECTIVE_ID = re.compile(r"^[A-C]\.[0-9]+\.[0-9]+$")
ACTIVITY_ID = re.compile(r"^[A-C]\.[0-9]+\.[0-9]+\.[0-9]+$")


@dataclass(frozen=True)
class Workstream:
    id: str
    title: str
    description: str
    section_title: str
    source: Source


@dataclass(frozen=True)
class DesiredOutcome:
    text: str
    source: Source


@dataclass(frozen=True)
class Activity:
    id: str
    topic_id: str
    objective_id: str
    text: str | None
    rationale: str | None
    outcomes: str | None
    target_timeline: str | None
    due: int | date | None  # a year, or a day where the document gives one
    lead_body: str | None
    kpi: str | None
    note: str | None
    source: Source


@dataclass(frozen=True)
class Objective:
    id: str
    topic_id: str
    title: str | None
    note: str | None
    activities: tuple[Activity, ...]
    source: Source


@dataclass(frozen=True)
class Topic:
    id: str
    workstream_id: str
    title: str
    desired_outcomes: tuple[DesiredOutcome, ...]
    objectives: tuple[Objective, ...]
    source: Source

    @property
    def activities(self) -> tuple[Activity, ...]:
        return tuple(a for o in self.objectives for a in o.activities)


@dataclass(frozen=True)
class Initiative:
    id: str
    outcome_area_id: str
    text: str
    output: str | None
    timeline: str | None
    due: int | date | None
    implementing_bodies: str | None
    note: str | None
    source: Source


@dataclass(frozen=True)
class OutcomeArea:
    id: str
    element: str
    title: str
    note: str | None
    initiatives: tuple[Initiative, ...]
    source: Source


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    source: Source


@dataclass(frozen=True)
class FrameworkTopic:
    priority_area: str
    title: str
    source: Source


@dataclass(frozen=True)
class FrameworkMapping:
    """A row (topic) of the frameworks appendix that carries a Work Plan activity."""

    priority_area: str
    framework_topic: str
    work_plan_topic: str
    work_plan_activity: str | None
    source: Source


@dataclass(frozen=True)
class BusinessCouncilInitiative:
    """One of the US-ASEAN Business Council's proposed initiatives (a proposal, not an ASEAN commitment)."""

    id: str
    theme: str
    title: str
    problem_statement: str | None
    project_governance: str | None
    note: str | None
    source: Source


@dataclass(frozen=True)
class Plans:
    work_plan: DocumentMeta
    workstreams: Mapping[str, Workstream]
    topics: Mapping[str, Topic]
    work_programme: DocumentMeta
    outcome_areas: Mapping[str, OutcomeArea]
    frameworks_meta: DocumentMeta
    frameworks: Mapping[str, Framework]
    framework_topics: tuple[FrameworkTopic, ...]
    mappings: tuple[FrameworkMapping, ...]
    business_council: tuple[BusinessCouncilInitiative, ...]

    @property
    def activities(self) -> Mapping[str, Activity]:
        return {a.id: a for t in self.topics.values() for a in t.activities}


def _work_plan(file: PlanFile) -> tuple[DocumentMeta, dict[str, Workstream], dict[str, Topic]]:
    meta = file.meta(
        {
            "adopted": date,
            "status_as_printed": str,
            "period": str,
            "living_document": bool,
            "living_document_statement": str,
            "source": dict,
        }
    )
    file.mapping(
        file.root, "", required={"meta": dict, "history": list, "workstreams": list, "topics": list}, optional={}
    )
    workstreams: dict[str, Workstream] = {}
    seen: dict[str, str] = {}
    for i, raw in enumerate(file.items(file.root, "workstreams", "")):
        path = f"workstreams[{i}]"
        ws = file.mapping(
            raw,
            path,
            required={"id": str, "title": str, "description": str, "section_title": str, **SOURCE_KEY},
            optional={},
        )
        wid = file.req_text(ws, "id", path)
        unique(file, seen, wid, f"{path}.id")
        workstreams[wid] = Workstream(
            wid,
            file.req_text(ws, "title", path),
            file.req_text(ws, "description", path),
            file.req_text(ws, "section_title", path),
            file.source(ws, path),
        )
    topics: dict[str, Topic] = {}
    for i, raw in enumerate(file.items(file.root, "topics", "")):
        path = f"topics[{i}]"
        t = file.mapping(
            raw,
            path,
            required={
                "id": str,
                "workstream": str,
                "title": str,
                "desired_outcomes": list,
                "objectives": list,
                **SOURCE_KEY,
            },
            optional={},
        )
        tid = file.req_text(t, "id", path)
        if not TOPIC_ID.match(tid):
            raise file.fail(f"{path}.id", f"topic id {tid!r} must match {TOPIC_ID.pattern} (A.1 to C.n)")
        unique(file, seen, tid, f"{path}.id")
        wid = file.req_text(t, "workstream", path)
        if wid not in workstreams:
            raise file.fail(f"{path}.workstream", f"unknown workstream {wid!r} (known: {', '.join(workstreams)})")
        if tid[0] != wid:
            raise file.fail(f"{path}.workstream", f"topic {tid} belongs to workstream {tid[0]}, not {wid}")
        outcomes = []
        for j, d in enumerate(file.items(t, "desired_outcomes", path)):
            dpath = f"{path}.desired_outcomes[{j}]"
            d = file.mapping(d, dpath, required={"text": str, **SOURCE_KEY}, optional={})
            outcomes.append(DesiredOutcome(file.req_text(d, "text", dpath), file.source(d, dpath)))
        objectives = [
            _objective(file, o, f"{path}.objectives[{j}]", tid, seen)
            for j, o in enumerate(file.items(t, "objectives", path))
        ]
        topics[tid] = Topic(
            tid, wid, file.req_text(t, "title", path), tuple(outcomes), tuple(objectives), file.source(t, path)
        )
    return meta, workstreams, topics


def _objective(file: PlanFile, raw: Any, path: str, topic_id: str, seen: dict[str, str]) -> Objective:
    o = file.mapping(
        raw, path, required={"id": str, "title": str, "activities": list, **SOURCE_KEY}, optional={"note": str}
    )
    oid = file.req_text(o, "id", path)
    if not OBJECTIVE_ID.match(oid) or not oid.startswith(topic_id + "."):
        raise file.fail(f"{path}.id", f"objective id {oid!r} must be {topic_id}.<n>")
    unique(file, seen, oid, f"{path}.id")
    title = file.text(o, "title", path, nullable=True)
    note = file.text(o, "note", path, nullable=True)
    if title is None and note is None:
        raise file.fail(f"{path}.title", "null only with a note saying why the document gives none")
    activities = []
    for k, a in enumerate(file.items(o, "activities", path)):
        apath = f"{path}.activities[{k}]"
        a = file.mapping(
            a,
            apath,
            required={
                "id": str,
                "text": str,
                "rationale": str,
                "outcomes": str,
                "target_timeline": str,
                "due": int,
                "lead_body": str,
                "kpi": str,
                **SOURCE_KEY,
            },
            optional={"note": str},
        )
        aid = file.req_text(a, "id", apath)
        if not ACTIVITY_ID.match(aid):
            raise file.fail(f"{apath}.id", f"activity id {aid!r} must be <objective>.<n>, e.g. {oid}.1")
        if not aid.startswith(oid + "."):
            raise file.fail(
                f"{apath}.id",
                f"activity {aid} is filed under objective {oid} of topic {topic_id}: its topic does not exist here",
            )
        unique(file, seen, aid, f"{apath}.id")
        text = file.text(a, "text", apath, nullable=True)
        anote = file.text(a, "note", apath, nullable=True)
        if text is None and anote is None:
            raise file.fail(f"{apath}.text", "null only with a note saying why the document gives none")
        activities.append(
            Activity(
                id=aid,
                topic_id=topic_id,
                objective_id=oid,
                text=text,
                rationale=file.text(a, "rationale", apath, nullable=True),
                outcomes=file.text(a, "outcomes", apath, nullable=True),
                target_timeline=file.text(a, "target_timeline", apath, nullable=True),
                due=file.due(a, "due", apath),
                lead_body=file.text(a, "lead_body", apath, nullable=True),
                kpi=file.text(a, "kpi", apath, nullable=True),
                note=anote,
                source=file.source(a, apath),
            )
        )
    return Objective(oid, topic_id, title, note, tuple(activities), file.source(o, path))


def _work_programme(file: PlanFile) -> tuple[DocumentMeta, dict[str, OutcomeArea]]:
    meta = file.meta(
        {"adopted": date, "period": str, "living_document": bool, "living_document_statement": str, "source": dict}
    )
    file.mapping(file.root, "", required={"meta": dict, "history": list, "outcome_areas": list}, optional={})
    areas: dict[str, OutcomeArea] = {}
    seen: dict[str, str] = {}
    for i, raw in enumerate(file.items(file.root, "outcome_areas", "")):
        path = f"outcome_areas[{i}]"
        a = file.mapping(
            raw,
            path,
            required={"id": str, "element": str, "title": str, "initiatives": list, **SOURCE_KEY},
            optional={"note": str},
        )
        aid = file.req_text(a, "id", path)
        unique(file, seen, aid, f"{path}.id")
        initiatives = []
        iseen: dict[str, str] = {}
        for j, r in enumerate(file.items(a, "initiatives", path)):
            ipath = f"{path}.initiatives[{j}]"
            r = file.mapping(
                r,
                ipath,
                required={
                    "id": str,
                    "text": str,
                    "output": str,
                    "timeline": str,
                    "due": int,
                    "implementing_bodies": str,
                    **SOURCE_KEY,
                },
                optional={"note": str},
            )
            iid = file.req_text(r, "id", ipath)
            if iid != aid and not iid.startswith(aid + "."):
                raise file.fail(f"{ipath}.id", f"initiative id {iid!r} must be {aid} or {aid}.<n>")
            unique(file, iseen, iid, f"{ipath}.id")
            initiatives.append(
                Initiative(
                    id=iid,
                    outcome_area_id=aid,
                    text=file.req_text(r, "text", ipath),
                    output=file.text(r, "output", ipath, nullable=True),
                    timeline=file.text(r, "timeline", ipath, nullable=True),
                    due=file.due(r, "due", ipath),
                    implementing_bodies=file.text(r, "implementing_bodies", ipath, nullable=True),
                    note=file.text(r, "note", ipath, nullable=True),
                    source=file.source(r, ipath),
                )
            )
        areas[aid] = OutcomeArea(
            aid,
            file.req_text(a, "element", path),
            file.req_text(a, "title", path),
            file.text(a, "note", path, nullable=True),
            tuple(initiatives),
            file.source(a, path),
        )
    return meta, areas


def _frameworks(
    file: PlanFile, topics: Mapping[str, Topic]
) -> tuple[DocumentMeta, dict[str, Framework], tuple[FrameworkTopic, ...], tuple[FrameworkMapping, ...]]:
    meta = file.meta({})
    file.mapping(
        file.root,
        "",
        required={"meta": dict, "history": list, "frameworks": list, "priority_areas": list, "mappings": list},
        optional={"business_council": dict},
    )
    frameworks: dict[str, Framework] = {}
    for i, raw in enumerate(file.items(file.root, "frameworks", "")):
        path = f"frameworks[{i}]"
        f = file.mapping(raw, path, required={"id": str, "title": str, **SOURCE_KEY}, optional={})
        fid = file.req_text(f, "id", path)
        if fid in frameworks:
            raise file.fail(f"{path}.id", f"duplicate id {fid!r}")
        frameworks[fid] = Framework(fid, file.req_text(f, "title", path), file.source(f, path))
    rows: list[FrameworkTopic] = []
    for i, raw in enumerate(file.items(file.root, "priority_areas", "")):
        path = f"priority_areas[{i}]"
        pa = file.mapping(raw, path, required={"title": str, "topics": list, **SOURCE_KEY}, optional={})
        title = file.req_text(pa, "title", path)
        file.source(pa, path)
        for j, r in enumerate(file.items(pa, "topics", path, empty_ok=True)):
            rpath = f"{path}.topics[{j}]"
            r = file.mapping(r, rpath, required={"title": str, **SOURCE_KEY}, optional={})
            rows.append(FrameworkTopic(title, file.req_text(r, "title", rpath), file.source(r, rpath)))
    known_rows = {(r.priority_area, r.title) for r in rows}
    activity_topic = {a.id: t.id for t in topics.values() for a in t.activities}
    mappings = []
    for i, raw in enumerate(file.items(file.root, "mappings", "", empty_ok=True)):
        path = f"mappings[{i}]"
        m = file.mapping(
            raw,
            path,
            required={"priority_area": str, "framework_topic": str, "work_plan_topic": str, **SOURCE_KEY},
            optional={"work_plan_activity": str},
        )
        area = file.req_text(m, "priority_area", path)
        row = file.req_text(m, "framework_topic", path)
        if (area, row) not in known_rows:
            raise file.fail(f"{path}.framework_topic", f"{row!r} is not a topic of {area!r} under priority_areas")
        tid = file.req_text(m, "work_plan_topic", path)
        if tid not in topics:
            raise file.fail(f"{path}.work_plan_topic", f"unknown Work Plan topic {tid!r}")
        aid = file.text(m, "work_plan_activity", path, nullable=True)
        if aid is not None and activity_topic.get(aid) != tid:
            raise file.fail(f"{path}.work_plan_activity", f"{aid!r} is not an activity of topic {tid}")
        mappings.append(FrameworkMapping(area, row, tid, aid, file.source(m, path)))
    return meta, frameworks, tuple(rows), tuple(mappings)


def _business_council(file: PlanFile) -> tuple[BusinessCouncilInitiative, ...]:
    if "business_council" not in file.root:
        return ()
    raw = file.mapping(
        file.root["business_council"],
        "business_council",
        required={"document": dict, "initiatives": list},
        optional={"note": str},
    )
    doc = file.mapping(raw["document"], "business_council.document", required={"seed": str, "title": str}, optional={})
    file.req_text(doc, "title", "business_council.document")
    found: list[BusinessCouncilInitiative] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(file.items(raw, "initiatives", "business_council")):
        path = f"business_council.initiatives[{i}]"
        b = file.mapping(
            item,
            path,
            required={
                "id": str,
                "theme": str,
                "title": str,
                "problem_statement": str,
                "project_governance": str,
                **SOURCE_KEY,
            },
            optional={"note": str},
        )
        bid = file.req_text(b, "id", path)
        unique(file, seen, bid, f"{path}.id")
        found.append(
            BusinessCouncilInitiative(
                id=bid,
                theme=file.req_text(b, "theme", path),
                title=file.req_text(b, "title", path),
                problem_statement=file.text(b, "problem_statement", path, nullable=True),
                project_governance=file.text(b, "project_governance", path, nullable=True),
                note=file.text(b, "note", path, nullable=True),
                source=file.source(b, path),
            )
        )
    return tuple(found)


def _open(folder: Path | None, name: str) -> PlanFile:
    if folder is None:
        return PlanFile(DATA_DIR / name, f"monitoring/data/{name}")
    return PlanFile(folder / name, str(folder / name))


class _Parsed(PlanFile):
    """A plan document already parsed (a stored version's JSON), read by the same rules as a file."""

    def __init__(self, raw: Any, shown: str) -> None:
        self.shown = shown
        self.root = self.mapping(raw, "", required={}, optional={})


@lru_cache(maxsize=4)
def load_plans(folder: Path | None = None) -> Plans:
    """The three plan files of `folder` (default: the shipped data), validated. Cached per folder."""
    return _build(
        _open(folder, "work_plan.yaml"), _open(folder, "work_programme.yaml"), _open(folder, "frameworks.yaml")
    )


def plans_from_documents(work_plan: Any, work_programme: Any, frameworks: Any, *, shown: str = "version") -> Plans:
    """The three documents as already-parsed mappings (dates as date or YYYY-MM-DD), validated exactly
    as the files are; a complaint names `shown` and the document (e.g. "version work_plan")."""
    return _build(
        _Parsed(work_plan, f"{shown} work_plan"),
        _Parsed(work_programme, f"{shown} work_programme"),
        _Parsed(frameworks, f"{shown} frameworks"),
    )


def _build(wp_file: PlanFile, prog_file: PlanFile, fw_file: PlanFile) -> Plans:
    wp_meta, workstreams, topics = _work_plan(wp_file)
    prog_meta, areas = _work_programme(prog_file)
    fw_meta, frameworks, rows, mappings = _frameworks(fw_file, topics)
    return Plans(
        wp_meta, workstreams, topics, prog_meta, areas, fw_meta, frameworks, rows, mappings, _business_council(fw_file)
    )


def topic(topic_id: str, plans: Callable[[], Plans] = load_plans) -> Topic:
    """One topic by its id as the Work Plan numbers it (A.1 … C.4)."""
    try:
        return plans().topics[topic_id]
    except KeyError:
        raise KeyError(f"no Work Plan topic {topic_id!r}") from None


def activities(topic_id: str | None = None, plans: Callable[[], Plans] = load_plans) -> tuple[Activity, ...]:
    """Every activity in document order, or those of one topic."""
    if topic_id is not None:
        return topic(topic_id, plans).activities
    return tuple(a for t in plans().topics.values() for a in t.activities)


def topics_by_workstream(plans: Callable[[], Plans] = load_plans) -> dict[Workstream, tuple[Topic, ...]]:
    """Workstreams in order, each with its topics in order."""
    loaded = plans()
    return {
        ws: tuple(t for t in loaded.topics.values() if t.workstream_id == ws.id) for ws in loaded.workstreams.values()
    }
