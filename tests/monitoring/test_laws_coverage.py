"""Coverage: the rule of laws.yaml checked by hand and by property; the matrix puts the 2021
baseline (the Mapping Study where the Work Plan states a state's category, else 2021 plans) beside
the latest; common gaps follow the threshold and carry a workshop proposal; the public view shows
only accepted plans."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.monitoring.laws_coverage import change, derive_level
from crossborder.monitoring.laws_reference import NO_INSTRUMENT, RANK, STATUS_ORDER, Level, settings
from tests.monitoring.test_laws_helpers import THIS_YEAR, URL, entry, headers, law, plan, review, submit

RULES = settings().rules
STATUSES = [s.value for s in STATUS_ORDER]
ALIGNMENTS = ["aligned", "partially_aligned", "not_aligned", "not_assessed"]


@pytest.mark.parametrize(
    ("statuses", "alignment", "has_instrument", "level"),
    [
        (["in_force"], "aligned", True, Level.yes),
        (["in_force"], "partially_aligned", True, Level.partial),
        (["in_force"], "not_assessed", True, Level.partial),
        (["enacted"], "aligned", True, Level.partial),
        (["drafting"], "aligned", True, Level.partial),
        (["none"], "aligned", True, Level.no),
        ([], "not_assessed", True, Level.no),
        (["none", "drafting", "in_force"], "aligned", True, Level.yes),
        (["in_force"], "not_assessed", False, Level.yes),  # no instrument named for the topic
        (["enacted"], "not_assessed", False, Level.partial),
    ],
)
def test_coverage_rule_by_hand(statuses: list[str], alignment: str, has_instrument: bool, level: Level) -> None:
    assert derive_level(statuses, alignment, has_instrument, RULES) is level


@given(
    st.lists(st.sampled_from(STATUSES), max_size=5), st.sampled_from(ALIGNMENTS), st.booleans(),
    st.sampled_from(STATUSES),
)  # fmt: skip
def test_adding_a_law_never_lowers_coverage(statuses: list[str], alignment: str, has: bool, extra: str) -> None:
    before = derive_level(statuses, alignment, has, RULES)
    after = derive_level([*statuses, extra], alignment, has, RULES)
    assert RANK[after] >= RANK[before]
    key = alignment if has else NO_INSTRUMENT
    assert (before is Level.yes) == ("in_force" in statuses and key in ("aligned", NO_INSTRUMENT))
    assert (before is Level.no) == all(s == "none" for s in statuses)


def test_change_labels() -> None:
    assert change(Level.partial, Level.yes) == "improved"
    assert change(Level.partial, Level.partial) == "unchanged"
    assert change(Level.yes, Level.no) == "worse"
    assert change(None, Level.yes) is None and change(Level.no, Level.not_reported) is None


def _cell(matrix: dict[str, Any], topic: str, state: str, which: str = "latest") -> Any:
    row = next(r for r in matrix["topics"] if r["topic"] == topic)
    return row[which][state], row


def test_matrix_baseline_beside_latest(client: TestClient, db: Session) -> None:
    my, secretariat = headers(db, Role.focal_point, "MY"), headers(db, Role.secretariat, "ASEAN")
    body = plan(entries=[entry("B.5", instrument=None, alignment="not_assessed"), entry("B.1")])
    ref = submit(client, my, body).json()["reference"]
    m = client.get(f"{URL}/coverage", params={"year": THIS_YEAR}, headers=secretariat).json()
    assert m["baseline_year"] == 2021 and len(m["states"]) == 10
    cell, row = _cell(m, "B.5", "MY")
    assert cell == {"level": "yes", "basis": "submitted", "plan": ref, "revision": 1}
    # B.5: "All AMS were classified to have 'partial' legislative coverage"
    assert row["baseline"]["MY"] == {"level": "partial", "basis": "mapping_study", "plan": None, "revision": None}
    assert row["change"]["MY"] == "improved" and row["mapping_study"]["regional_level"] == "relatively weak"
    # B.1: the Work Plan names no state's category: baseline not stated, no change computed.
    cell, row = _cell(m, "B.1", "MY")
    assert cell["level"] == "yes" and row["baseline"]["MY"] is None and row["change"]["MY"] is None
    assert _cell(m, "B.1", "TH")[0]["level"] == "not_reported"
    # Accepted: the basis says so. A member state's reader sees another's plan only once accepted.
    th = headers(db, Role.focal_point, "TH")
    th_view = client.get(f"{URL}/coverage", params={"year": THIS_YEAR}, headers=th).json()
    assert _cell(th_view, "B.1", "MY")[0]["level"] == "not_reported"
    review(client, secretariat, ref, 1, "accept")
    m = client.get(f"{URL}/coverage", params={"year": THIS_YEAR}, headers=th).json()
    assert _cell(m, "B.1", "MY")[0]["basis"] == "accepted"


def test_2021_plans_fill_the_baseline_where_the_seed_is_silent(client: TestClient, db: Session) -> None:
    my, secretariat = headers(db, Role.focal_point, "MY"), headers(db, Role.secretariat, "ASEAN")
    submit(
        client,
        my,
        plan(year=2021, entries=[entry("B.1", laws=[law(status="drafting", enacted_on=None, in_force_on=None)])]),
    )
    submit(client, my, plan(entries=[entry("B.1")]))
    m = client.get(f"{URL}/coverage", params={"year": THIS_YEAR, "baseline": 2021}, headers=secretariat).json()
    _latest, row = _cell(m, "B.1", "MY")
    assert row["baseline"]["MY"]["level"] == "partial" and row["baseline"]["MY"]["basis"] == "plan_2021"
    assert row["change"]["MY"] == "improved"


def test_returned_and_draft_plans_never_count(client: TestClient, db: Session) -> None:
    my, vn = headers(db, Role.focal_point, "MY"), headers(db, Role.focal_point, "VN")
    secretariat = headers(db, Role.secretariat, "ASEAN")
    ref = submit(client, my, plan()).json()["reference"]
    review(client, secretariat, ref, 1, "return", comment="Demo: redo")
    submit(client, vn, plan(country="VN"), draft="true")
    m = client.get(f"{URL}/coverage", params={"year": THIS_YEAR}, headers=secretariat).json()
    assert _cell(m, "B.1", "MY")[0]["level"] == "not_reported"
    assert _cell(m, "B.1", "VN")[0]["level"] == "not_reported"


def test_common_gaps_threshold_and_proposal(client: TestClient, db: Session) -> None:
    secretariat = headers(db, Role.secretariat, "ASEAN")
    states = ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"]
    no_law = entry("B.1", instrument="un_ecc", alignment="not_assessed", laws=[], actions=[])
    for s in states[:6]:  # BN .. MY have B.1 in force and aligned
        submit(client, headers(db, Role.focal_point, s), plan(country=s, entries=[entry("B.1")]))
    submit(client, headers(db, Role.focal_point, "PH"), plan(country="PH", entries=[no_law]))
    # PH: no; SG, TH, VN: not reported -> 4 lacking >= 3 (laws.yaml)
    gaps = client.get(f"{URL}/common-gaps", params={"year": THIS_YEAR}, headers=secretariat).json()["gaps"]
    b1 = next(g for g in gaps if g["topic"] == "B.1")
    assert b1["lacking"] == [
        {"state": "PH", "level": "no"}, {"state": "SG", "level": "not_reported"},
        {"state": "TH", "level": "not_reported"}, {"state": "VN", "level": "not_reported"},
    ]  # fmt: skip
    assert b1["leads"] == states[:6]
    assert b1["workshop_activity"]["id"] == "B.1.1.2"
    assert {i["id"] for i in b1["instruments"]} >= {"un_ecc", "uncitral_ml_ecommerce"}
    assert "B.1.1.2" in b1["proposal"] and "PH (no)" in b1["proposal"]
    # Three more states report: 1 lacking < 3, no longer a common gap.
    for s in ("SG", "TH", "VN"):
        submit(client, headers(db, Role.focal_point, s), plan(country=s, entries=[entry("B.1")]))
    gaps = client.get(f"{URL}/common-gaps", params={"year": THIS_YEAR}, headers=secretariat).json()["gaps"]
    assert "B.1" not in {g["topic"] for g in gaps} and "B.2" in {g["topic"] for g in gaps}


def test_public_view_shows_only_accepted(client: TestClient, db: Session) -> None:
    secretariat = headers(db, Role.secretariat, "ASEAN")
    my, th, vn = (headers(db, Role.focal_point, s) for s in ("MY", "TH", "VN"))
    ref_my = submit(client, my, plan(entries=[entry(laws=[law(title="Demo: MY act (example)")])])).json()["reference"]
    ref_th = submit(client, th, plan(country="TH", entries=[entry(laws=[law(title="Demo: TH act (example)")])])).json()[
        "reference"
    ]
    submit(client, vn, plan(country="VN", entries=[entry(laws=[law(title="Demo: VN draft (example)")])]), draft="true")
    review(client, secretariat, ref_my, 1, "accept")
    review(client, secretariat, ref_th, 1, "return", comment="Demo: incomplete")
    laws = client.get(f"{URL}/public").json()["laws"]
    assert [x["title"] for x in laws] == ["Demo: MY act (example)"]
    assert laws[0]["alignment"] == "aligned" and laws[0]["instrument"] == "un_ecc"
    # A resubmitted, not yet reviewed revision does not replace the accepted one in public.
    submit(client, my, plan(entries=[entry(laws=[law(title="Demo: MY act v2 (example)")])]))
    assert [x["title"] for x in client.get(f"{URL}/public").json()["laws"]] == ["Demo: MY act (example)"]
    assert client.get(f"{URL}/public", params={"country": "TH"}).json()["laws"] == []
    assert client.get(f"{URL}/public", params={"status": "drafting"}).json()["laws"] == []
    assert len(client.get(f"{URL}/public", params={"q": "my act", "topic": "B.1"}).json()["laws"]) == 1
