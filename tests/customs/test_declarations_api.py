"""Low-value declarations through the real API: submit, lanes, lifecycle, scope, idempotency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.access import service as access
from crossborder.core.access.principal import SYSTEM, Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.core.db import session_scope
from crossborder.customs import declarations
from crossborder.customs.models import Declaration
from crossborder.customs.trusted import flag_trusted_trader
from tests import factories as f
from tests.core.processes import run_together
from tests.customs.conftest import declaration

pytestmark = pytest.mark.usefixtures("customs_data")
URL = "/api/v1/customs/declarations"


@pytest.fixture
def merchant(db: Session) -> dict[str, str]:
    _, token = f.caller(db, Role.business_user, country="VN")
    return f.bearer(token)


@pytest.fixture
def officer(db: Session) -> dict[str, str]:
    _, token = f.caller(db, Role.customs_officer, country="MY")
    return f.bearer(token)


def test_submit_assesses_and_chooses_a_lane(client: TestClient, merchant: dict[str, str]) -> None:
    response = client.post(URL, headers=merchant, json=declaration("ORD-1"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["lane"] in ("green", "yellow", "red")
    assert body["status"] == {"green": "released", "yellow": "document_check", "red": "inspection"}[body["lane"]]
    assert body["assessment"]["totals"]["landed_cost"]
    assert [e["to"] for e in body["events"]][:2] == ["submitted", body["status"]]


def test_same_reference_never_duplicates(client: TestClient, merchant: dict[str, str], db: Session) -> None:
    first = client.post(URL, headers=merchant, json=declaration("ORD-2"))
    again = client.post(URL, headers=merchant, json=declaration("ORD-2"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 1


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"lines": [{"id": "1", "hs_code": "12", "description": "x", "unit_value": "5", "currency": "USD"}]},
            "lines[0].hs_code",
        ),
        (
            {"lines": [{"id": "1", "hs_code": "950300", "description": "x", "unit_value": "-5", "currency": "USD"}]},
            "lines[0].unit_value",
        ),
        (
            {"lines": [{"id": "1", "hs_code": "950300", "description": "x", "unit_value": "0", "currency": "USD"}]},
            "lines[0].unit_value",
        ),
        (
            {"lines": [{"id": "1", "hs_code": "950300", "description": "x", "unit_value": "5", "currency": "usd"}]},
            "lines[0].currency",
        ),
        (
            {
                "lines": [
                    {"id": "A", "hs_code": "950300", "description": "x", "unit_value": "5", "currency": "USD"},
                    {"id": "A", "hs_code": "950300", "description": "y", "unit_value": "5", "currency": "USD"},
                ]
            },
            "lines[1].id",
        ),
        ({"consignee": None}, "consignee"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "1990-01-01"}, "date"),
        ({"destination": "ZZ"}, "destination"),
        (
            {"lines": [{"id": "1", "hs_code": "950300", "description": "x", "unit_value": "5", "currency": "XYZ"}]},
            "lines[0].currency",
        ),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    client: TestClient, merchant: dict[str, str], db: Session, change: dict[str, object], path: str
) -> None:
    response = client.post(URL, headers=merchant, json={**declaration("BAD-1"), **change})
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert path in [e["path"] for e in response.json()["errors"]]
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 0


def test_over_the_simplified_route_limit_is_refused(client: TestClient, merchant: dict[str, str]) -> None:
    response = client.post(URL, headers=merchant, json=declaration("BIG-1", value="5000.00"))
    assert response.status_code == 422
    assert "SDR 1,000" in response.json()["errors"][0]["rule"]


def test_officer_lifecycle_is_timestamped_and_audited(
    client: TestClient, merchant: dict[str, str], officer: dict[str, str], db: Session
) -> None:
    client.post(
        "/api/v1/customs/watch-list",
        headers=officer,
        json={
            "destination": "MY",
            "name": "Linh Batik",
            "address": "5 Hang Gai, Hanoi",
            "country": "VN",
            "reason": "test",
        },
    )
    created = client.post(URL, headers=merchant, json=declaration("ORD-3")).json()
    assert created["status"] == "inspection" and created["risk_rules"] is None  # the trader is not told why
    seen = client.get(f"{URL}/{created['id']}", headers=officer).json()
    assert "watch_list" in seen["risk_rules"] and "risk" in seen["assessment"]
    assert "watch list" not in str(created["events"]) and "risk" not in created["assessment"]
    url = f"{URL}/{created['id']}/actions"
    moved = client.post(url, headers=officer, json={"action": "override_lane", "lane": "yellow", "reason": "known"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "document_check"
    held = client.post(url, headers=officer, json={"action": "hold", "reason": "invoice needed"}).json()
    assert held["status"] == "held"
    answered = client.post(url, headers=merchant, json={"action": "respond", "reason": "invoice attached"})
    assert answered.json()["status"] == "document_check"
    released = client.post(url, headers=officer, json={"action": "release", "reason": "documents in order"}).json()
    assert released["status"] == "released" and released["decided_at"]
    returned = client.post(url, headers=officer, json={"action": "return", "reason": "refused by buyer"}).json()
    assert returned["status"] == "returned"
    assert Decimal(returned["refund_due"]) == Decimal(returned["duty"]) + Decimal(returned["tax_at_border"])
    statuses = [e["to"] for e in returned["events"]]
    assert statuses[-5:] == ["document_check", "held", "document_check", "released", "returned"]
    assert verify_chain(db).ok
    again = client.post(url, headers=officer, json={"action": "release", "reason": "again"})
    assert again.status_code == 409
    times = client.get("/api/v1/customs/release-times", headers=officer).json()
    assert "MY" in times or times == {}


def test_officers_of_another_state_see_nothing(client: TestClient, merchant: dict[str, str], db: Session) -> None:
    created = client.post(URL, headers=merchant, json=declaration("ORD-4")).json()
    _, token = f.caller(db, Role.customs_officer, country="TH")
    thai = f.bearer(token)
    assert client.get(f"{URL}/{created['id']}", headers=thai).status_code == 404
    assert client.get(URL, headers=thai).json() == []
    act = client.post(f"{URL}/{created['id']}/actions", headers=thai, json={"action": "release", "reason": "x"})
    assert act.status_code == 404


def test_merchant_cannot_act_as_officer(client: TestClient, merchant: dict[str, str]) -> None:
    created = client.post(URL, headers=merchant, json=declaration("ORD-5")).json()
    response = client.post(
        f"{URL}/{created['id']}/actions", headers=merchant, json={"action": "release", "reason": "I say so"}
    )
    assert response.status_code in (403, 409)


def test_split_shipment_is_caught(client: TestClient, merchant: dict[str, str], officer: dict[str, str]) -> None:
    lanes = []
    for i in range(10):  # ten parcels of USD 60 to one consignee: each under RM500, together far above
        created = client.post(URL, headers=merchant, json=declaration(f"SPLIT-{i}", value="60.00")).json()
        body = client.get(f"{URL}/{created['id']}", headers=officer).json()
        lanes.append((body["lane"], body["risk_rules"]))
    assert "split_shipment" not in lanes[0][1]
    assert all("split_shipment" in rules and lane == "red" for lane, rules in lanes[2:])


def test_trusted_trader_skips_value_band_rules_but_not_the_watch_list(
    client: TestClient, merchant: dict[str, str], officer: dict[str, str], db: Session
) -> None:
    flag_trusted_trader(db, "VN-BIZ-1", "MY", date(2025, 1, 1))
    db.commit()
    watched = client.post(
        "/api/v1/customs/watch-list",
        headers=officer,
        json={
            "destination": "MY",
            "name": "Arif bin Ahmad",
            "address": "12 Jalan Ampang, Kuala Lumpur",
            "country": "MY",
            "reason": "reported fraud",
        },
    )
    assert watched.status_code == 201
    created = client.post(URL, headers=merchant, json=declaration("TT-1", business_id="VN-BIZ-1")).json()
    body = client.get(f"{URL}/{created['id']}", headers=officer).json()
    assert body["trusted_trader"] is True
    assert body["lane"] == "red" and "watch_list" in body["risk_rules"]


def _credential(
    client: TestClient, db: Session, issuer_state: str, business_id: str, subject_state: str
) -> tuple[str, str]:
    """A trusted-trader credential issued by ISSUER_STATE's trust operator: (its id, the operator's key)."""
    operator, key = f.caller(db, Role.trust_operator, country=issuer_state)
    issued = client.post(
        f"/api/v1/trust/issuers/{operator.id}/credentials",
        headers=f.bearer(key),
        json={
            "client_reference": f"CRED-{business_id}",
            "scheme": "trusted_trader",
            "business_id": business_id,
            "subject_name": "Linh Batik",
            "subject_country": subject_state,
            "valid_from": "2025-06-01T00:00:00+00:00",
        },
    )
    assert issued.status_code == 201, issued.text
    return str(issued.json()["credential_id"]), key


def test_a_trusted_trader_credential_lightens_scrutiny(
    client: TestClient, merchant: dict[str, str], officer: dict[str, str], db: Session
) -> None:
    """The customs seam reads the trust capability's credentials (issue 4), not only the interim flag."""
    _credential(client, db, "MY", "VN-BIZ-2", "VN")
    created = client.post(URL, headers=merchant, json=declaration("TT-2", business_id="VN-BIZ-2")).json()
    assert client.get(f"{URL}/{created['id']}", headers=officer).json()["trusted_trader"] is True
    other = client.post(URL, headers=merchant, json=declaration("TT-3", business_id="VN-BIZ-9")).json()
    assert client.get(f"{URL}/{other['id']}", headers=officer).json()["trusted_trader"] is False


def test_a_revoked_key_is_refused_on_the_very_next_declaration(
    client: TestClient, merchant: dict[str, str], db: Session
) -> None:
    """API keys are read on every request, never cached: revocation takes effect at once."""
    assert client.post(URL, headers=merchant, json=declaration("REV-1")).status_code == 201
    key_id = merchant["Authorization"].split("_")[1]
    access.revoke_api_key(db, SYSTEM, key_id)
    db.commit()
    refused = client.post(URL, headers=merchant, json=declaration("REV-2"))
    assert refused.status_code == 401, refused.text


def test_trusted_trader_status_counts_from_the_very_next_declaration(
    client: TestClient, merchant: dict[str, str], db: Session
) -> None:
    """Nothing about trusted traders is cached: a credential issued (here by a partner state's operator,
    recognised under the sample SG-TH arrangement) counts at once, and a suspension ends it at once."""

    def trusted(reference: str) -> bool:
        body = declaration(reference, destination="SG", business_id="TH-BIZ-1")
        response = client.post(URL, headers=merchant, json=body)
        assert response.status_code == 201, response.text
        return bool(response.json()["trusted_trader"])

    assert not trusted("TTN-1")
    credential_id, key = _credential(client, db, "TH", "TH-BIZ-1", "TH")
    assert trusted("TTN-2")
    suspended = client.post(
        f"/api/v1/trust/credentials/{credential_id}/suspend",
        headers=f.bearer(key),
        json={"reason": "audit finding"},
    )
    assert suspended.status_code == 200, suspended.text
    assert not trusted("TTN-3")


def test_the_answer_to_a_new_declaration_is_what_reading_it_shows(client: TestClient, merchant: dict[str, str]) -> None:
    """The 201 answer is built from the values just written (not read back): it must match a read."""
    for reference, value, business in (("SAME-1", "30.00", None), ("SAME-2", "140.00", "VN-BIZ-7")):
        created = client.post(URL, headers=merchant, json=declaration(reference, value=value, business_id=business))
        assert created.status_code == 201, created.text
        assert client.get(f"{URL}/{created.json()['id']}", headers=merchant).json() == created.json()


def test_a_repeat_answers_the_first_even_when_its_body_no_longer_validates(
    client: TestClient, merchant: dict[str, str], db: Session
) -> None:
    first = client.post(URL, headers=merchant, json=declaration("REP-1"))
    changed = client.post(URL, headers=merchant, json={**declaration("REP-1"), "date": "1990-01-01"})
    assert (first.status_code, changed.status_code) == (201, 200), changed.text
    assert changed.json() == client.get(f"{URL}/{first.json()['id']}", headers=merchant).json()
    refused = client.post(URL, headers=merchant, json={**declaration("REP-2"), "date": "1990-01-01"})
    assert refused.status_code == 422  # no earlier declaration to answer with: the error stands
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 1


def test_the_audit_chain_verifies_after_many_declarations_and_actions(
    client: TestClient, merchant: dict[str, str], officer: dict[str, str], db: Session
) -> None:
    ids = []
    for i in range(30):
        response = client.post(URL, headers=merchant, json=declaration(f"CHAIN-{i}", value=f"{20 + i}.00"))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    client.post(URL, headers=merchant, json=declaration("CHAIN-0"))  # a repeat writes no entry
    for declaration_id in ids[:5]:
        row = client.get(f"{URL}/{declaration_id}", headers=officer).json()
        if row["status"] in ("document_check", "inspection"):
            moved = client.post(
                f"{URL}/{declaration_id}/actions", headers=officer, json={"action": "hold", "reason": "x"}
            )
            assert moved.status_code == 200, moved.text
    result = verify_chain(db)
    assert result.ok, result.reason
    submits = db.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "customs.declaration.submit")
    ).scalar_one()
    assert submits == 30
    ok = CliRunner().invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0 and f"intact: {result.entries} entries" in ok.output


def _submit_in_threads(principal: Principal, bodies: list[dict[str, object]]) -> list[tuple[int, bool]]:
    def one(body: dict[str, object]) -> tuple[int, bool]:
        with session_scope() as session:
            row, created = declarations.submit(session, principal, body, today=date(2026, 1, 2), commit=True)
            return row.id, created

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, bodies))


def test_concurrent_duplicates_answer_the_first(db: Session) -> None:
    org, _ = f.caller(db, Role.business_user, country="VN")
    principal = Principal(f"apikey:test{org.id}", org.id, "VN", frozenset({Role.business_user}))
    answers = _submit_in_threads(principal, [declaration("DUP-1") for _ in range(12)])
    assert len({declaration_id for declaration_id, _ in answers}) == 1
    assert sorted(created for _, created in answers) == [False] * 11 + [True]
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 1


def _parcels_seen(db: Session) -> list[int]:
    """For each stored declaration caught as a split shipment, how many parcels it counted (its own
    and the earlier ones in the window), from the risk text recorded with it."""
    seen = []
    for (assessment,) in db.execute(select(Declaration.assessment)):
        for fired in assessment["risk"]["fired"]:
            if fired["rule"] == "split_shipment":
                seen.append(int(fired["text"].split()[0]))
    return sorted(seen)


def test_concurrent_parcels_to_one_consignee_each_see_the_earlier_ones(db: Session) -> None:
    """Checked and stored one at a time (the write lock; the head-row lock on PostgreSQL): whatever
    the order, parcel k counts the k-1 before it, as sequentially (two parcels of USD 60 already
    exceed the RM500 de minimis, so every parcel but the first is caught)."""
    org, _ = f.caller(db, Role.business_user, country="VN")
    principal = Principal(f"apikey:test{org.id}", org.id, "VN", frozenset({Role.business_user}))
    _submit_in_threads(principal, [declaration(f"PAR-{i}", value="60.00") for i in range(10)])
    assert _parcels_seen(db) == list(range(2, 11))


WORKER = """
from datetime import date
from crossborder.core.access import service as access
from crossborder.core.access.principal import SYSTEM, Principal
from crossborder.core.access.roles import Role
from crossborder.core.db import session_scope
from crossborder.customs import declarations
from tests.customs.conftest import declaration

name, org_id, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
principal = Principal(f"apikey:{name}", org_id, "VN", frozenset({Role.business_user}))
for i in range(count):  # every parcel to the one consignee both processes ship to
    with session_scope() as session:
        body = declaration(f"{name}-{i}", value="60.00")
        declarations.submit(session, principal, body, today=date(2026, 1, 2), commit=True)
print("done")
"""


def test_two_worker_processes_on_one_database_both_succeed(db: Session, tmp_path: Path) -> None:
    """Like two uvicorn workers: separate processes, one database; no request fails (no 'database
    is locked'), the chain stays whole and the split-shipment check sees the other process's parcels."""
    org, _ = f.caller(db, Role.business_user, country="VN")
    db.commit()
    count = 40
    for code, out, err in run_together(WORKER, ["P1", "P2"], tmp_path, str(org.id), str(count)):
        assert code == 0 and "done" in out, err[-2000:]
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 2 * count
    assert verify_chain(db).ok
    # Each parcel counted every parcel committed before it, whichever process stored it.
    assert _parcels_seen(db) == list(range(2, 2 * count + 1))
