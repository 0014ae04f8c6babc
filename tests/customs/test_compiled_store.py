"""Declarations stored from the compiled manifest path are the thorough path's declarations: same
columns (the JSON ones compared as read back), same first events, and the API reads them alike."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.customs.bulk import _new_ids, persist_batch
from crossborder.customs.compiled_store import EVENT, ROW
from crossborder.customs.manifest import CSV_COLUMNS, clear_file
from crossborder.customs.models import Declaration, DeclarationEvent
from tests import factories as f
from tests.customs.test_compiled import ON, Spy, _references, _row, _write, plain_rows
from tests.customs.test_compiled import watched_and_trusted as watched_and_trusted  # the fixture, shared

pytestmark = pytest.mark.usefixtures("customs_data", "watched_and_trusted")

SKIPPED = ("id", "submitter_org_id", "submitted_at", "decided_at")  # instants: compared as "decided on submission"
COMPARED = [c.name for c in Declaration.__table__.columns if c.name not in SKIPPED]


def test_compiled_rows_fill_every_column_of_the_table() -> None:
    assert set(ROW) == {c.name for c in Declaration.__table__.columns} - {"id"}
    assert set(EVENT) == {c.name for c in DeclarationEvent.__table__.columns} - {"id"}


@pytest.fixture
def declarants(db: Session) -> tuple[Principal, Principal]:
    made = []
    for _ in range(2):
        org = f.org(db, kind=OrgKind.platform, country="VN")
        made.append(Principal("test", org.id, "VN", frozenset({Role.platform_operator})))
    return made[0], made[1]


def stored(db: Session, principal: Principal) -> dict[str, dict[str, Any]]:
    """The organisation's declarations by reference, with their events; then removed, so the next
    run starts from the same records (stored parcels count in the split-shipment rule)."""
    db.expire_all()
    out = {}
    for row in db.execute(
        select(Declaration).where(Declaration.submitter_org_id == principal.organisation_id)
    ).scalars():
        values = {name: getattr(row, name) for name in COMPARED}
        values["customs_value"] = str(row.customs_value)  # the exact text, not only the value
        values["decided"] = row.decided_at is not None and row.decided_at == row.submitted_at
        events = db.execute(
            select(DeclarationEvent).where(DeclarationEvent.declaration_id == row.id).order_by(DeclarationEvent.id)
        ).scalars()
        values["events"] = [(e.at == row.submitted_at, e.from_status, e.to_status, e.actor, e.reason) for e in events]
        out[row.client_reference] = values
    ids = select(Declaration.id).where(Declaration.submitter_org_id == principal.organisation_id)
    db.execute(delete(DeclarationEvent).where(DeclarationEvent.declaration_id.in_(ids)))
    db.execute(delete(Declaration).where(Declaration.submitter_org_id == principal.organisation_id))
    db.commit()
    return out


def store_both(
    db: Session, rows: list[dict[str, str]], declarants: tuple[Principal, Principal]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "m.csv"
        _write(source, rows)
        for compiled, principal in zip((True, False), declarants, strict=True):

            def persist(batch: list[Any], principal: Principal = principal) -> None:
                persist_batch(db, principal, batch)

            out = Path(folder) / f"out-{compiled}.jsonl"
            clear_file(db, source, out, checkpoint_every=4, persist=persist, today=ON, compiled=compiled)
            results.append(stored(db, principal))
    return results[0], results[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_stored_declarations_are_the_thorough_path_s(
    db: Session,
    declarants: tuple[Principal, Principal],
    monkeypatch: pytest.MonkeyPatch,
    data: st.DataObject,
) -> None:
    tag = next(_references)
    rows = [_row(data, db, f"S{tag}-{i}") for i in range(data.draw(st.integers(1, 8)))]
    if data.draw(st.booleans()) and len(rows) > 1:
        rows[-1]["client_reference"] = rows[0]["client_reference"]  # a repeat: stored once
    spy = Spy(monkeypatch)
    compiled, thorough = store_both(db, rows, declarants)
    assert compiled == thorough
    event(f"stored from the compiled path: {'some' if spy.answered else 'none'}")


def test_plain_rows_are_stored_alike(
    db: Session, declarants: tuple[Principal, Principal], watched_and_trusted: None
) -> None:
    rows = list(plain_rows("store"))
    rows[4]["client_reference"] = rows[3]["client_reference"]
    compiled, thorough = store_both(db, rows, declarants)
    assert compiled == thorough
    assert len(compiled) == len(rows) - 1
    assert {v["lane"] for v in compiled.values()} <= {"green", "yellow", "red"}


def test_the_api_reads_a_compiled_declaration_as_a_thorough_one(client: TestClient, db: Session) -> None:
    officer_org, token = f.caller(db, Role.customs_officer, country="MY")
    del officer_org
    officer = f.bearer(token)
    bodies = []
    for compiled in (True, False):
        org = f.org(db, kind=OrgKind.platform, country="VN")
        principal = Principal("test", org.id, "VN", frozenset({Role.platform_operator}))
        rows = [r for r in plain_rows(f"api-{compiled}") if r["destination"] == "MY"]
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "m.csv"
            _write(source, rows)
            clear_file(
                db,
                source,
                Path(folder) / "out.jsonl",
                checkpoint_every=10,
                persist=lambda batch, p=principal: persist_batch(db, p, batch),
                today=date(2026, 1, 2),
                compiled=compiled,
            )
        ids = db.execute(
            select(Declaration.id).where(Declaration.submitter_org_id == org.id).order_by(Declaration.id)
        ).scalars()
        for declaration_id in ids:
            response = client.get(f"/api/v1/customs/declarations/{declaration_id}", headers=officer)
            assert response.status_code == 200, response.text
            body = response.json()
            for key in ("id", "client_reference", "submitted_at", "decided_at"):
                body.pop(key)
            body["events"] = [{k: v for k, v in e.items() if k != "at"} for e in body["events"]]
            bodies.append((compiled, body))
    compiled_bodies = [b for c, b in bodies if c]
    thorough_bodies = [b for c, b in bodies if not c]
    assert compiled_bodies == thorough_bodies and len(compiled_bodies) == 3
    assert compiled_bodies[0]["assessment"]["totals"]["landed_cost"]


def test_rows_of_a_manifest_in_another_column_order_are_stored_alike(
    db: Session, declarants: tuple[Principal, Principal], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = list(plain_rows("order"))
    spy = Spy(monkeypatch)
    header = list(reversed(CSV_COLUMNS))  # the compiled path reads columns by name
    results = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "m.csv"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        source.write_text(buffer.getvalue())
        for compiled, principal in zip((True, False), declarants, strict=True):
            clear_file(
                db,
                source,
                Path(folder) / f"out-{compiled}.jsonl",
                checkpoint_every=7,
                persist=lambda batch, p=principal: persist_batch(db, p, batch),
                today=ON,
                compiled=compiled,
            )
            results.append(stored(db, principal))
            if compiled:
                assert spy.answered == len(rows)
    assert results[0] == results[1] and len(results[0]) == len(rows)


def test_the_ids_of_a_batch_are_read_back_only_when_the_newest_rows_are_its_own(
    db: Session, declarants: tuple[Principal, Principal]
) -> None:
    principal, other = declarants
    rows = list(plain_rows("ids"))[:3]
    references = [r["client_reference"] for r in rows]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "m.csv"
        _write(source, rows)
        clear_file(
            db,
            source,
            Path(folder) / "out.jsonl",
            checkpoint_every=10,
            persist=lambda batch: persist_batch(db, principal, batch),
            today=ON,
        )
    query = select(Declaration.client_reference, Declaration.id).where(
        Declaration.submitter_org_id == principal.organisation_id
    )
    ids = {row.client_reference: row.id for row in db.execute(query)}
    assert _new_ids(db, principal.organisation_id, set(references)) == ids
    assert _new_ids(db, principal.organisation_id, {references[0], references[2]}) is None  # not the newest two
    assert _new_ids(db, other.organisation_id, set(references)) is None
    stored(db, principal)
