"""Platform KPIs from the exchange and redress records, created through those capabilities' own
services: messages received and delivered, complaints filed, confirmed and closed. Hand-computed
figures; an empty period stores nothing and says "no records"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.principal import CLI
from crossborder.core.access.roles import Role
from crossborder.monitoring.kpi_platform import compute
from crossborder.redress import complaints, odr
from crossborder.redress import dashboard as board
from crossborder.redress.access import Actor
from crossborder.redress.models import RedressCase
from crossborder.redress.schemas import ComplaintIn
from tests.monitoring.test_kpi_platform import AFTER_OCT, OCT, _no_records, _principal, _stored
from tests.redress.helpers import complaint, tokens_for

# --- exchange: documents exchanged per type and month --------------------------------------------


@pytest.fixture
def my_node(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This node as Malaysia's (received messages belong to the node's member state)."""
    from crossborder.exchange import identity, nodes, sending
    from crossborder.exchange.settings import exchange_settings
    from crossborder.exchange.testtypes import register_test_types

    register_test_types()
    monkeypatch.setenv("CROSSBORDER_NODE_COUNTRY", "MY")
    for forget in (exchange_settings.cache_clear, identity.forget_cached_key, nodes.forget_cached_senders,
                   sending.forget_no_batch):  # fmt: skip
        forget()
    yield
    monkeypatch.delenv("CROSSBORDER_NODE_COUNTRY")
    for forget in (exchange_settings.cache_clear, identity.forget_cached_key, nodes.forget_cached_senders,
                   sending.forget_no_batch):  # fmt: skip
        forget()


def test_documents_exchanged_per_type_and_month(my_node: None, client: TestClient, db: Session) -> None:
    from crossborder.core.keys import keys_from_jwks
    from crossborder.exchange import delivery, inbox, outbox
    from tests.exchange.fakes import Clock as WorkerClock
    from tests.exchange.fakes import FakeReceiver
    from tests.exchange.material import Peer, doc

    peer = Peer("sg.customs", "SG")
    peer.register(db)

    def receive(at: datetime, payload: bytes) -> str:
        body, _ = peer.message(payload, now=at)
        import base64

        return inbox.receive(db, body["envelope"], base64.b64decode(body["payload"]), now=lambda: at).status

    october = datetime(2026, 10, 10, 9, 0, tzinfo=UTC)
    assert [receive(october + timedelta(hours=h), doc(ident=f"INV-{h}")) for h in range(3)] == ["accepted"] * 3
    assert receive(october, doc(amount=-1, ident="BAD")) == "rejected"  # refused: not an exchange
    # Two documents MY's customs sends this month, delivered with an accepted receipt.
    officer = _principal(db, Role.customs_officer, "MY")
    for n in range(2):
        outbox.queue(db, officer, receiver="sg.customs", document_type="test-json", payload=doc(ident=f"OUT-{n}"),
                     client_reference=f"out-{n}")  # fmt: skip
    db.commit()
    worker_clock = WorkerClock()
    fake = FakeReceiver(peer, lambda: dict(keys_from_jwks(client.get("/api/v1/exchange/node").json()["jwks"])),
                        worker_clock)  # fmt: skip
    assert delivery.deliver_batch(fake, now=worker_clock).accepted == 2

    result = compute(db, CLI, "2026-10", ["MY", "SG"], now=AFTER_OCT)
    db.commit()
    by_type = _stored(db, "documents_exchanged", "MY", "2026-10", "test-json")
    total = _stored(db, "documents_exchanged", "MY", "2026-10")
    assert by_type is not None and total is not None
    assert (by_type.value, by_type.sample_size, total.value) == (Decimal(3), 3, Decimal(3))
    assert by_type.source_detail.startswith("0 sent (outbox, receipt accepted) + 3 received (inbox, accepted)")
    assert _no_records(result, "documents_exchanged", "SG")  # SG's records are on SG's node
    month = f"{worker_clock.now:%Y-%m}"
    current = compute(db, CLI, month, ["MY"], now=worker_clock.now + timedelta(seconds=1))
    sent = [m for m in current.stored if m["kpi"] == "documents_exchanged" and m["breakdown"] == "test-json"]
    assert [m["value"] for m in sent] == ["2"]
    assert sent[0]["source"]["detail"].startswith("2 sent (outbox, receipt accepted) + 0 received")


# --- redress: complaint resolution rate and time -------------------------------------------------


def _complaint(db: Session, monkeypatch: pytest.MonkeyPatch, n: int, filed: datetime,
               confirmed: datetime | None = None, closed: datetime | None = None, **extra: Any) -> None:  # fmt: skip
    monkeypatch.setattr(complaints, "utcnow", lambda: filed)
    body = ComplaintIn(**complaint(client_reference=f"k-{n}", consumer_email=f"c{n}@example.my", **extra))
    case, _ = complaints.file(db, body)
    db.commit()
    if confirmed is None:
        return
    complaints.verify(db, tokens_for(db, f"c{n}@example.my")[-1], now=confirmed)
    db.commit()
    if closed is not None:
        monkeypatch.setattr(odr, "utcnow", lambda: closed)
        fresh = db.get(RedressCase, case.id)
        assert fresh is not None
        odr.withdraw(db, fresh, Actor("consumer", "consumer", fresh.consumer_country), "sorted out with the seller")
        db.commit()


@pytest.fixture
def complaints_filed(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def day(d: int, h: int = 10) -> datetime:
        return datetime(2026, 10, d, h, tzinfo=UTC)

    _complaint(db, monkeypatch, 1, day(2), day(2), day(4))  # 2 days
    _complaint(db, monkeypatch, 2, day(5), day(5, 12), day(9, 12))  # 4 days
    _complaint(db, monkeypatch, 3, day(10), day(10), day(20))  # 10 days
    _complaint(db, monkeypatch, 4, day(12), day(12))  # confirmed, still open
    _complaint(db, monkeypatch, 5, day(15))  # never confirmed: not counted
    _complaint(db, monkeypatch, 6, datetime(2026, 11, 1, 1, tzinfo=UTC), datetime(2026, 11, 1, 2, tzinfo=UTC),
               datetime(2026, 11, 2, 2, tzinfo=UTC))  # another month  # fmt: skip
    _complaint(db, monkeypatch, 7, day(20), day(20), consumer_country="TH", seller_country="SG", currency="THB")


def test_complaint_resolution_rate_and_time(complaints_filed: None, db: Session) -> None:
    result = compute(db, CLI, "2026-10", ["MY", "VN", "TH", "ID"], now=AFTER_OCT)
    db.commit()
    for state in ("MY", "VN"):  # the consumers' and the sellers' state see the same four cases
        rate = _stored(db, "complaint_resolution_rate", state, "2026-10")
        time = _stored(db, "complaint_resolution_time_median", state, "2026-10")
        assert rate is not None and (rate.value, rate.sample_size) == (Decimal("75.00"), 4)
        assert time is not None and (time.value, time.sample_size, time.unit) == (Decimal("4.00"), 3, "days")
    # TH: one confirmed complaint, none resolved: a 0 % rate is a figure; the time has no records.
    th_rate = _stored(db, "complaint_resolution_rate", "TH", "2026-10")
    assert th_rate is not None and th_rate.value == Decimal("0.00")
    assert _stored(db, "complaint_resolution_time_median", "TH", "2026-10") is None
    assert _no_records(result, "complaint_resolution_time_median", "TH")
    assert _no_records(result, "complaint_resolution_rate", "ID")
    # The regional figure counts every complaint once: C1-C4 and TH's, not MY's and VN's twice.
    compute(db, CLI, "2026-10", ["ASEAN"], now=AFTER_OCT)
    regional = _stored(db, "complaint_resolution_rate", "ASEAN", "2026-10")
    assert regional is not None and (regional.value, regional.sample_size) == (Decimal("60.00"), 5)
    regional_time = _stored(db, "complaint_resolution_time_median", "ASEAN", "2026-10")
    assert regional_time is not None and regional_time.value == Decimal("4.00")


def test_complaint_figures_agree_with_the_redress_dashboard(complaints_filed: None, db: Session) -> None:
    officer = _principal(db, Role.consumer_protection_officer, "MY")
    figures = board.build(db, officer, OCT.date(), datetime(2026, 10, 31, tzinfo=UTC).date())
    compute(db, CLI, "2026-10", ["MY"], now=AFTER_OCT)
    time = _stored(db, "complaint_resolution_time_median", "MY", "2026-10")
    assert time is not None and figures.median_days is not None
    assert time.value == Decimal(str(figures.median_days)) and time.sample_size == figures.resolved
