"""Platform KPIs checked against records the customs and trust capabilities create through their own
services: declarations lodged and released, businesses registered with trust-mark credentials
issued, suspended, expired. Figures are hand-computed; an empty period stores nothing and says "no
records" (exchange and redress: test_kpi_platform_records.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import CLI, Principal
from crossborder.core.access.roles import Role
from crossborder.core.access.service import authenticate_api_key
from crossborder.customs import declarations
from crossborder.customs.declaration_input import party_key
from crossborder.customs.models import WatchListEntry
from crossborder.demo.service import seed_customs_data
from crossborder.monitoring import kpi_platform
from crossborder.monitoring.kpi_models import KpiMeasurement, KpiMeasurementHistory
from crossborder.monitoring.kpi_platform import compute
from crossborder.trust import business, service
from crossborder.trust.business import Registration
from crossborder.trust.schemas import IssueIn
from tests import factories as f
from tests.customs.conftest import declaration

OCT = datetime(2026, 10, 1, tzinfo=UTC)
AFTER_OCT = datetime(2026, 11, 2, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _principal(db: Session, role: Role, country: str) -> Principal:
    _, token = f.caller(db, role, country=country)
    return authenticate_api_key(db, token)


def _stored(db: Session, kpi: str, country: str, period: str, breakdown: str = "") -> KpiMeasurement | None:
    db.expire_all()
    return db.execute(
        select(KpiMeasurement).where(
            KpiMeasurement.kpi_code == kpi, KpiMeasurement.country == country,
            KpiMeasurement.period_label == period, KpiMeasurement.breakdown == breakdown,
        )
    ).scalar_one_or_none()  # fmt: skip


def _no_records(result: kpi_platform.Computed, kpi: str, country: str) -> bool:
    return any(r["kpi"] == kpi and r["country"] == country and "no records" in r["reason"] for r in result.no_records)


# --- customs: a rapid time release study ---------------------------------------------------------


@pytest.fixture
def released(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Declarations to MY released after 120 (lodged in September), 10, 30, 90 and 240 minutes in
    October; one released in November; one refused. The consignor is on MY's watch list, so every
    declaration waits in the red lane for an officer's release."""
    seed_customs_data(db)
    db.add(WatchListEntry(destination="MY", party_key=party_key("Linh Batik", "5 Hang Gai, Hanoi", "VN"),
                          label="Linh Batik", reason="test: every parcel inspected"))  # fmt: skip
    db.commit()
    merchant = _principal(db, Role.business_user, "VN")
    officer = _principal(db, Role.customs_officer, "MY")
    clock = Clock(OCT)
    monkeypatch.setattr(declarations, "utcnow", clock)
    plan: list[tuple[datetime, int | None]] = [
        (datetime(2026, 9, 30, 23, 0, tzinfo=UTC), 120),
        (datetime(2026, 10, 3, 8, 0, tzinfo=UTC), 10),
        (datetime(2026, 10, 7, 9, 0, tzinfo=UTC), 30),
        (datetime(2026, 10, 15, 9, 0, tzinfo=UTC), 90),
        (datetime(2026, 10, 31, 19, 0, tzinfo=UTC), 240),  # released 23:00, still October
        (datetime(2026, 10, 31, 23, 0, tzinfo=UTC), 90),  # released in November
        (datetime(2026, 10, 20, 9, 0, tzinfo=UTC), None),  # refused
    ]
    for i, (lodged, minutes) in enumerate(plan):
        clock.at = lodged
        row, _ = declarations.submit(db, merchant, declaration(f"TRS-{i}", consignee=f"Buyer {i}"))
        db.commit()
        assert row.status == "inspection", row.risk_rules
        clock.at = lodged + timedelta(minutes=minutes or 5)
        declarations.act(db, officer, row.id, "release" if minutes else "refuse", "checked")
        db.commit()


def test_release_time_median_and_p90_per_destination(released: None, db: Session) -> None:
    result = compute(db, CLI, "2026-10", ["MY", "TH"], now=AFTER_OCT)
    db.commit()
    median = _stored(db, "lvd_release_time_median", "MY", "2026-10")
    p90 = _stored(db, "lvd_release_time_p90", "MY", "2026-10")
    assert median is not None and p90 is not None
    # sorted minutes 10, 30, 90, 120, 240: median 90; p90 at rank 3.6 = 120 + 0.6 x 120 = 192
    assert (median.value, median.sample_size, median.unit) == (Decimal("90.00"), 5, "minutes")
    assert (p90.value, p90.sample_size) == (Decimal("192.00"), 5)
    assert median.source_kind == "platform" and median.period_start.isoformat() == "2026-10-01"
    assert "5 low-value declarations to MY released 2026-10-01T00:00:00+00:00..2026-11-01T00:00:00+00:00" in (
        median.source_detail
    )
    assert "lodgement (submitted_at) to first release event" in median.source_detail
    assert "1 lodged in the period not released" in median.source_detail  # the refused one
    # TH has no declarations: nothing stored, reported as no records (never 0).
    assert _stored(db, "lvd_release_time_median", "TH", "2026-10") is None
    assert _no_records(result, "lvd_release_time_median", "TH")
    regional = compute(db, CLI, "2026-10", ["ASEAN"], now=AFTER_OCT)
    assert [(m["kpi"], m["value"]) for m in regional.stored if m["kpi"].startswith("lvd")] == [
        ("lvd_release_time_median", "90"), ("lvd_release_time_p90", "192")
    ]  # fmt: skip
    november = compute(db, CLI, "2026-11", ["MY"], now=datetime(2026, 11, 5, tzinfo=UTC))
    assert [m["value"] for m in november.stored if m["kpi"] == "lvd_release_time_median"] == ["90"]
    assert "period not over: as of 2026-11-05" in november.stored[0]["source"]["detail"]


def test_recomputing_replaces_the_value_and_keeps_the_previous(released: None, db: Session) -> None:
    compute(db, CLI, "2026-10", ["MY"], now=datetime(2026, 10, 16, tzinfo=UTC))  # mid-month: 10, 30, 90, 120
    db.commit()
    early = _stored(db, "lvd_release_time_median", "MY", "2026-10")
    assert early is not None and (early.value, early.sample_size) == (Decimal("60.00"), 4)
    compute(db, CLI, "2026-10", ["MY"], now=AFTER_OCT)
    db.commit()
    final = _stored(db, "lvd_release_time_median", "MY", "2026-10")
    assert final is not None and final.id == early.id and final.value == Decimal("90.00")
    (old,) = db.execute(select(KpiMeasurementHistory).where(KpiMeasurementHistory.measurement_id == final.id)).scalars()
    assert old.value == Decimal("60.00") and old.sample_size == 4 and old.superseded_by == "cli"
    count = db.execute(select(func.count()).select_from(KpiMeasurement).where(KpiMeasurement.country == "MY"))
    assert count.scalar_one() == 2  # median and p90 only: the other KPIs had no MY records


# --- trust: share of trust-marked sellers --------------------------------------------------------


def test_share_of_trust_marked_sellers(db: Session) -> None:
    operator_org, key = f.caller(db, Role.trust_operator, country="MY")
    operator = authenticate_api_key(db, key)
    ids = []
    for n in range(6):
        made, _ = business.register(db, operator, Registration("MY", f"20190100000{n}", f"Kedai {n} Sdn Bhd"))
        ids.append(made.regional_id)
    db.commit()
    now = datetime.now(UTC)

    def issue(ref: str, regional_id: str, scheme: str = "trust_mark", **extra: Any) -> str:
        body = IssueIn(client_reference=ref, scheme=scheme, business_id=regional_id, subject_name="x",
                       subject_country="MY", **extra)  # fmt: skip
        row, _ = service.issue(db, operator, operator_org.id, body)
        db.commit()
        return row.credential_id

    issue("c0", ids[0])  # active: counts
    suspended = issue("c1", ids[1])
    service.change_status(db, operator, suspended, "suspend", "complaints under review")
    db.commit()
    issue("c2", ids[2], valid_from=now - timedelta(days=400), valid_until=now - timedelta(days=1))  # expired
    issue("c3", ids[3], scheme="trusted_trader")  # another scheme
    issue("c5", ids[5])  # active, but the business is deregistered below
    business.deregister(db, operator, ids[5], "ceased trading")
    db.commit()
    # ids[4] holds nothing. Registered: 0..4 (5); trust-marked among them: 0 only.
    label = f"{now:%Y-%m}"
    result = compute(db, CLI, label, ["MY", "VN"], now=datetime.now(UTC))
    db.commit()
    row = _stored(db, "trust_marked_seller_share", "MY", label)
    assert row is not None and (row.value, row.sample_size, row.unit) == (Decimal("20.00"), 5, "percent")
    assert row.source_detail.startswith("1 of 5 businesses of MY registered at ")
    assert _no_records(result, "trust_marked_seller_share", "VN")
    # At the end of the previous month none of them was registered yet: no records, not 0 %.
    before = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    earlier = compute(db, CLI, before, ["MY"], now=datetime.now(UTC))
    assert _no_records(earlier, "trust_marked_seller_share", "MY")


def test_compute_validates_its_input(db: Session) -> None:
    from crossborder.core.errors import Forbidden, ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        compute(db, CLI, "2026-Q3")
    assert caught.value.errors[0].path == "period" and "measured monthly" in caught.value.errors[0].rule
    with pytest.raises(ValidationFailed) as caught:
        compute(db, CLI, "2026-10", ["XX"])
    assert caught.value.errors[0].path == "countries"
    with pytest.raises(ValidationFailed) as caught:
        compute(db, CLI, "2031-01", now=AFTER_OCT)
    assert "must have begun" in caught.value.errors[0].rule
    with pytest.raises(Forbidden):
        compute(db, _principal(db, Role.focal_point, "MY"), "2026-10")
