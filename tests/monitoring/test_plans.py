"""The plans as data: the shipped files load with the counts read from the documents, spot checks
against the seed text, and every malformed variant stops loading with file, key path and reason."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring.plans import DATA_DIR, FILES, activities, load_plans, topic, topics_by_workstream

# The seed documents live beside the repository (../shared/seeds); tests that read them are skipped
# where they are absent.
SEEDS = Path(os.environ.get("CROSSBORDER_SEEDS_DIR", Path(__file__).resolve().parents[3] / "shared" / "seeds"))
WORK_PLAN_SEED = "001_2017d52698de11b0.txt"
WORK_PROGRAMME_SEED = "000_b7a188ea8c4ca48c.txt"
FRAMEWORKS_SEED = "004_6cd5ba5a2eac207e.txt"
BUSINESS_COUNCIL_SEED = "002_9a27c4c231541e23.txt"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed document {path} not available")
    return _squash(path.read_text(encoding="utf-8"))


def test_shipped_files_load_with_the_counts_of_the_documents() -> None:
    plans = load_plans()
    assert list(plans.workstreams) == ["A", "B", "C"]
    assert list(plans.topics) == [
        "A.1", "A.2", "A.3", "A.4", "A.5",
        "B.1", "B.2", "B.3", "B.4", "B.5", "B.6", "B.7",
        "C.1", "C.2", "C.3", "C.4",
    ]  # fmt: skip
    assert sum(len(t.objectives) for t in plans.topics.values()) == 27
    assert len(plans.activities) == 81
    assert len(plans.outcome_areas) == 18
    assert sum(len(a.initiatives) for a in plans.outcome_areas.values()) == 30
    assert len(plans.frameworks) == 5
    assert len(plans.framework_topics) == 21
    assert len(plans.mappings) == 9
    assert [b.id for b in plans.business_council] == [str(n) for n in range(1, 13)]
    assert plans.work_plan.living_document is True
    assert plans.work_plan.version == 1
    assert plans.work_plan.history == ()


def test_every_item_carries_its_source() -> None:
    plans = load_plans()
    for t in plans.topics.values():
        assert t.source.document == plans.work_plan.document
        for o in t.objectives:
            assert o.source.section.endswith(f"Objective {o.id}")
            for a in o.activities:
                assert a.source.section.endswith(f"Objective {o.id}, Activity {a.id.rsplit('.', 1)[1]}")
    for area in plans.outcome_areas.values():
        assert all(i.source.document == plans.work_programme.document for i in area.initiatives)


def test_helpers() -> None:
    assert topic("C.4").title == "Cybersecurity"
    assert [a.id for a in activities("A.3")] == ["A.3.1.1"]
    assert len(activities()) == 81
    grouped = topics_by_workstream()
    assert [(ws.id, len(ts)) for ws, ts in grouped.items()] == [("A", 5), ("B", 7), ("C", 4)]
    with pytest.raises(KeyError, match=r"D\.1"):
        topic("D.1")


def test_spot_check_work_plan_activities_against_the_seed() -> None:
    seed = _seed(WORK_PLAN_SEED)
    plans = load_plans()
    mystery = plans.activities["A.1.1.2"]
    assert mystery.text is not None
    assert mystery.text.startswith("ASEAN E-commerce Mystery Shopper Initiative Survey")
    assert mystery.text in seed
    assert mystery.target_timeline == "2024-2025"
    assert mystery.due == 2025
    assert "A.1 Trade Facilitation and E-Commerce Logistics: Objectives & Activities" in seed
    assert "A.1.1 Identify and quantify impact of customs procedures" in seed
    assert mystery.source.section.startswith("5.2 Cross Border Focus Workstream, A.1 Trade Facilitation")

    guidelines = plans.activities["C.1.2.4"]
    assert guidelines.text == "Develop the ASEAN Guidelines on Consumer Protection in E-Commerce"
    assert (guidelines.target_timeline, guidelines.due, guidelines.lead_body) == ("2022", 2022, "To be led by ACCP")
    assert "4. Develop the ASEAN Guidelines on Consumer Protection in E-Commerce" in seed
    assert "2022 *To be led by ACCP" in seed
    assert "C.1 Consumer Protection: Objectives & Activities" in seed

    living = plans.work_plan.living_document_statement
    assert living is not None
    assert living.replace("living document", "**living document").replace("adjusted", "adjusted**") in seed


def test_spot_check_work_programme_and_frameworks_against_the_seeds() -> None:
    seed = _seed(WORK_PROGRAMME_SEED)
    plans = load_plans()
    (mou,) = [i for i in plans.outcome_areas["8"].initiatives if i.id == "8.3"]
    assert f"8.3 {mou.text}" in seed
    assert mou.output is not None and mou.output in seed
    assert (mou.timeline, mou.implementing_bodies) == ("2020", "ACCP")
    assert "14. The elements of ASEAN Work Programme on e-Commerce are:" in seed

    appendix = re.sub(r"[^a-z0-9]", "", _seed(FRAMEWORKS_SEED).lower())
    for mapping in plans.mappings:
        assert mapping.work_plan_activity is not None
        text = plans.activities[mapping.work_plan_activity].text
        assert text is not None
        assert re.sub(r"[^a-z0-9]", "", text.lower())[:80] in appendix

    council = _seed(BUSINESS_COUNCIL_SEED)
    lockers = plans.business_council[9]
    assert lockers.title == "ASEAN Parcel Locker Network"
    assert f"Initiative 10 – {lockers.title}" in council
    assert lockers.source.section.startswith("Potential Initiatives, Theme 4: Seamless Connectivity")
    assert lockers.project_governance is not None and lockers.project_governance in council


def test_versions_keep_the_old_values_in_history(tmp_path: Path) -> None:
    def bump(doc: dict[str, Any]) -> None:
        activity = doc["topics"][0]["objectives"][0]["activities"][0]
        old = activity["target_timeline"]
        activity["target_timeline"] = "2022-2026"
        activity["due"] = 2026
        doc["meta"]["version"] = 2
        doc["meta"]["effective_from"] = date(2024, 1, 1)
        doc["history"] = [
            {
                "version": 1,
                "effective_from": None,
                "superseded": date(2024, 1, 1),
                "reason": "mid-term review",
                "changed": {"topics[0].objectives[0].activities[0].target_timeline": old},
            }
        ]

    folder = _copy(tmp_path, "work_plan.yaml", bump)
    loaded = load_plans(folder)
    assert loaded.work_plan.version == 2
    assert loaded.work_plan.history[0].changed == {
        "topics[0].objectives[0].activities[0].target_timeline": "2022 -2025"
    }
    assert loaded.activities["A.1.1.1"].due == 2026


def _copy(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for file in FILES:
        shutil.copy(DATA_DIR / file, folder / file)
    doc = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    change(doc)
    (folder / name).write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


def _first_activity(doc: dict[str, Any]) -> dict[str, Any]:
    activity: dict[str, Any] = doc["topics"][0]["objectives"][0]["activities"][0]
    return activity


ACT = "topics[0].objectives[0].activities[0]"

BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "unknown key",
        "work_plan.yaml",
        lambda d: _first_activity(d).update(colour="red"),
        f"{ACT}.colour",
        "unknown key",
    ),
    (
        "duplicate activity id",
        "work_plan.yaml",
        lambda d: d["topics"][0]["objectives"][0]["activities"][1].update(id="A.1.1.1"),
        "topics[0].objectives[0].activities[1].id",
        "duplicate id",
    ),
    ("topic id pattern", "work_plan.yaml", lambda d: d["topics"][0].update(id="A1"), "topics[0].id", "must match"),
    ("duplicate topic", "work_plan.yaml", lambda d: d["topics"][1].update(id="A.1"), "topics[1].id", "duplicate id"),
    (
        "activity of a missing topic",
        "work_plan.yaml",
        lambda d: _first_activity(d).update(id="A.9.1.1"),
        f"{ACT}.id",
        "topic does not exist",
    ),
    (
        "unknown workstream",
        "work_plan.yaml",
        lambda d: d["topics"][0].update(workstream="D"),
        "topics[0].workstream",
        "unknown workstream",
    ),
    ("no source", "work_plan.yaml", lambda d: _first_activity(d).pop("source"), f"{ACT}.source", "source"),
    (
        "empty section",
        "work_plan.yaml",
        lambda d: _first_activity(d)["source"].update(section=""),
        f"{ACT}.source.section",
        "non-empty",
    ),
    (
        "bad date",
        "work_plan.yaml",
        lambda d: d["meta"].update(effective_from="2024-13-01"),
        "meta.effective_from",
        "YYYY-MM-DD",
    ),
    ("bad due", "work_plan.yaml", lambda d: _first_activity(d).update(due="soon"), f"{ACT}.due", "YYYY-MM-DD"),
    ("due year out of range", "work_plan.yaml", lambda d: _first_activity(d).update(due=225), f"{ACT}.due", "outside"),
    (
        "missing text without note",
        "work_plan.yaml",
        lambda d: _first_activity(d).update(text=None),
        f"{ACT}.text",
        "null only with a note",
    ),
    ("version zero", "work_plan.yaml", lambda d: d["meta"].update(version=0), "meta.version", "whole number"),
    (
        "history of a later version",
        "work_plan.yaml",
        lambda d: d.update(history=[{"version": 3, "superseded": "2024-01-01", "reason": "x", "changed": {"a": 1}}]),
        "history[0].version",
        "earlier version",
    ),
    (
        "living document without its sentence",
        "work_plan.yaml",
        lambda d: d["meta"].pop("living_document_statement"),
        "meta.living_document_statement",
        "quotes the sentence",
    ),
    (
        "duplicate outcome area",
        "work_programme.yaml",
        lambda d: d["outcome_areas"][1].update(id="1"),
        "outcome_areas[1].id",
        "duplicate id",
    ),
    (
        "initiative outside its area",
        "work_programme.yaml",
        lambda d: d["outcome_areas"][0]["initiatives"][0].update(id="2.1"),
        "outcome_areas[0].initiatives[0].id",
        "must be 1",
    ),
    (
        "mapping to a missing topic",
        "frameworks.yaml",
        lambda d: d["mappings"][0].update(work_plan_topic="C.9"),
        "mappings[0].work_plan_topic",
        "unknown Work Plan topic",
    ),
    (
        "mapping to another topic's activity",
        "frameworks.yaml",
        lambda d: d["mappings"][0].update(work_plan_topic="C.4"),
        "mappings[0].work_plan_activity",
        "not an activity of topic C.4",
    ),
    (
        "duplicate business council initiative",
        "frameworks.yaml",
        lambda d: d["business_council"]["initiatives"][1].update(id="1"),
        "business_council.initiatives[1].id",
        "duplicate id",
    ),
    (
        "business council initiative without source",
        "frameworks.yaml",
        lambda d: d["business_council"]["initiatives"][0].pop("source"),
        "business_council.initiatives[0].source",
        "source",
    ),
    (
        "mapping to an unknown row",
        "frameworks.yaml",
        lambda d: d["mappings"][0].update(framework_topic="Nowhere"),
        "mappings[0].framework_topic",
        "is not a topic",
    ),
]


@pytest.mark.parametrize(("case", "name", "change", "key_path", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_malformed_files_name_file_key_path_and_reason(
    tmp_path: Path, case: str, name: str, change: Callable[[dict[str, Any]], None], key_path: str, reason: str
) -> None:
    folder = _copy(tmp_path, name, change)
    with pytest.raises(ReferenceDataError) as caught:
        load_plans(folder)
    assert caught.value.file == str(folder / name), case
    assert caught.value.key_path == key_path
    assert reason in caught.value.reason
    assert key_path in str(caught.value)


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    for file in FILES:
        shutil.copy(DATA_DIR / file, tmp_path / file)
    (tmp_path / "work_programme.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="expected a mapping"):
        load_plans(tmp_path)
    (tmp_path / "work_programme.yaml").unlink()
    with pytest.raises(ReferenceDataError, match="file not found"):
        load_plans(tmp_path)
