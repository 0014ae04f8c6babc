"""Sharing rules decide what one state's authority sees of another's reports: in full, only as
"also reported in S" on an alert, or nothing at all. The rules file parses and refuses bad entries."""

from __future__ import annotations

import json

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.errors import ReferenceDataError
from crossborder.redress import incident_settings
from crossborder.redress.incident_settings import SHARING_FILE, SharingRules, View, parse_sharing
from tests import factories as f
from tests.redress.test_incidents import URL, incident, officer

STATES = incident_settings.member_states()
RULES = {
    "default": {"details": [], "alerts": "all", "public_check": True},
    "states": {
        "TH": {"details": ["MY"], "alerts": "all", "public_check": True},
        "VN": {"details": [], "alerts": ["MY"], "public_check": False},  # TH learns nothing of VN's reports
    },
}


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> SharingRules:
    parsed = parse_sharing(RULES, STATES)
    monkeypatch.setattr(incident_settings, "sharing_rules", lambda: parsed)
    return parsed


def test_the_shipped_file_parses_and_shares_no_details_by_default() -> None:
    shipped = parse_sharing(yaml.safe_load(SHARING_FILE.read_text(encoding="utf-8")), STATES)
    assert "NOT LEGAL FACTS" in SHARING_FILE.read_text(encoding="utf-8")
    for reporting in STATES:
        for viewer in STATES:
            expected = View.details if viewer == reporting else View.alert
            assert shipped.view(reporting, viewer) is expected
        assert shipped.view(reporting, "ASEAN") is View.details


def test_view_follows_each_states_rules(rules: SharingRules) -> None:
    assert rules.view("TH", "MY") is View.details
    assert rules.view("TH", "VN") is View.alert
    assert rules.view("VN", "MY") is View.alert
    assert rules.view("VN", "TH") is View.none
    assert rules.view("SG", "TH") is View.alert  # no entry: the regional default
    assert sorted(rules.sharing_details_with("MY", STATES)) == ["MY", "TH"]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"default": {"details": [], "alerts": "all"}}, "default"),
        ({"default": {"details": ["XX"], "alerts": "all", "public_check": True}}, "default.details"),
        ({"default": {"details": "some", "alerts": "all", "public_check": True}}, "default.details"),
        ({**RULES, "states": {"FR": RULES["default"]}}, "states"),
        ({"default": {"details": [], "alerts": "all", "public_check": "yes"}}, "default.public_check"),
    ],
)
def test_bad_rules_are_refused_naming_the_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ReferenceDataError) as caught:
        parse_sharing(raw, STATES)
    assert caught.value.key_path == key


def test_a_thai_officer_never_sees_details_vietnam_does_not_share(
    client: TestClient, db: Session, rules: SharingRules
) -> None:
    thai, viet, malay = officer(db, "TH"), officer(db, "VN"), officer(db, "MY")
    th_report = client.post(URL, headers=f.bearer(thai), json=incident("th-1")).json()
    secret = "Victims in Hanoi paid a deposit"
    vn_report = client.post(URL, headers=f.bearer(viet), json=incident("vn-1", description=secret)).json()
    # Vietnam sees that Thailand reported the same shop (Thailand's rules allow alerts to VN) ...
    assert {(a["other"]["country"], a["other"]["reference"]) for a in vn_report["alerts"]} == {("TH", None)}
    # ... but Thailand is told nothing of Vietnam's report: no alert, no list entry, no page.
    seen_by_thai = [
        client.get(URL, headers=f.bearer(thai)),
        client.get(f"{URL}/alerts", headers=f.bearer(thai)),
        client.get(f"{URL}/{th_report['reference']}", headers=f.bearer(thai)),
    ]
    for response in seen_by_thai:
        assert response.status_code == 200
        text = json.dumps(response.json())
        assert vn_report["reference"] not in text and secret not in text and '"VN"' not in text
    assert client.get(f"{URL}/{vn_report['reference']}", headers=f.bearer(thai)).status_code == 404
    # Malaysia sees Thailand's report in full, Vietnam's not at all (no match of its own).
    listed = [i["reference"] for i in client.get(URL, headers=f.bearer(malay)).json()["incidents"]]
    assert listed == [th_report["reference"]]
    assert client.get(f"{URL}/{th_report['reference']}", headers=f.bearer(malay)).json()["title"] == incident()["title"]
    assert client.get(f"{URL}/alerts", headers=f.bearer(malay)).json()["alerts"] == []


def test_details_shared_show_the_other_reference_on_alerts(
    client: TestClient, db: Session, rules: SharingRules
) -> None:
    thai, malay = officer(db, "TH"), officer(db, "MY")
    th_report = client.post(URL, headers=f.bearer(thai), json=incident("th-1")).json()
    same_shop = [{"kind": "domain", "value": "cheap-phones.example"}]
    my_report = client.post(URL, headers=f.bearer(malay), json=incident("my-1", identifiers=same_shop)).json()
    others = {(a["other"]["country"], a["other"]["reference"]) for a in my_report["alerts"]}
    assert others == {("TH", th_report["reference"])}  # TH shares details with MY
    thai_view = client.get(f"{URL}/alerts", headers=f.bearer(thai)).json()["alerts"]
    assert {(a["other"]["country"], a["other"]["reference"]) for a in thai_view} == {("MY", None)}  # MY does not
