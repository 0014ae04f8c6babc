"""The complaint dashboard: counts by category, pair, stage and outcome, median and 90th-percentile
resolution time, trend by month, CSV; scoped to the officer's member state; percentiles agree with
PostgreSQL's percentile_cont definition."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.redress.dashboard import histogram_percentile, percentile
from crossborder.redress.models import RedressCase
from tests import factories as f
from tests.redress.helpers import URL


def _case(db: Session, n: int, consumer: str, seller: str, category: str, created: datetime,
          days_to_close: float | None, outcome: str | None = None) -> None:  # fmt: skip
    closed = created + timedelta(days=days_to_close) if days_to_close is not None else None
    minutes = int(days_to_close * 1440) if days_to_close is not None else None
    db.add(RedressCase(
        reference=f"RC-T-{n}", client_reference=str(n), language="en", consumer_name="C", consumer_email=f"c{n}@x.org",
        consumer_country=consumer, seller_name="S", seller_country=seller, order_date=created.date(),
        amount=Decimal("10"), currency="USD", category=category, remedy="refund", description="d",
        handling_country=consumer, stage="closed" if closed else "negotiation", outcome=outcome if closed else None,
        created_at=created, verified_at=created, closed_at=closed, filed_month=f"{created:%Y-%m}",
        closed_month=f"{closed:%Y-%m}" if closed else None, resolution_minutes=minutes,
    ))  # fmt: skip


def test_figures_scope_and_csv(client: TestClient, db: Session) -> None:
    jan, feb = datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 2, 3, tzinfo=UTC)
    _case(db, 1, "MY", "VN", "non_delivery", jan, 2, "settled")
    _case(db, 2, "MY", "VN", "non_delivery", jan, 4, "recommendation_issued")
    _case(db, 3, "MY", "TH", "counterfeit", feb, 10, "settled")
    _case(db, 4, "TH", "VN", "refund_refused", feb, None)
    _case(db, 5, "SG", "PH", "other", feb, 1, "withdrawn")  # no MY or VN involvement
    db.commit()
    _, my_key = f.caller(db, Role.consumer_protection_officer, country="MY")
    got = client.get(f"{URL}/dashboard", headers=f.bearer(my_key)).json()
    assert got["total"] == 3 and got["scope"] == "MY"
    assert got["by_category"] == {"counterfeit": 1, "non_delivery": 2}
    assert got["by_pair"] == {"MY-TH": 1, "MY-VN": 2}
    assert got["by_outcome"] == {"recommendation_issued": 1, "settled": 2}
    assert (got["resolved"], got["median_days"], got["p90_days"]) == (3, 4.0, 8.8)
    # Closures land in the month they happened (case 1 and 2 in January, case 3 in February).
    assert got["by_month"] == [
        {"month": "2026-01", "filed": 2, "closed": 2},
        {"month": "2026-02", "filed": 1, "closed": 1},
    ]
    window = client.get(f"{URL}/dashboard?since=2026-02-01", headers=f.bearer(my_key)).json()
    assert window["total"] == 1
    _, regional = f.caller(db, Role.secretariat, country="ASEAN")
    assert client.get(f"{URL}/dashboard", headers=f.bearer(regional)).json()["total"] == 5
    _, business = f.caller(db, Role.business_user, country="MY")
    assert client.get(f"{URL}/dashboard", headers=f.bearer(business)).status_code == 403
    bad = client.get(f"{URL}/dashboard?since=2026-03-01&until=2026-02-01", headers=f.bearer(my_key))
    assert bad.status_code == 422
    rows = list(csv.reader(io.StringIO(client.get(f"{URL}/dashboard.csv", headers=f.bearer(my_key)).text)))
    assert rows[0] == ["measure", "key", "value"] and ["by_pair", "MY-VN", "2"] in rows
    assert ["resolution", "median_days", "4.0"] in rows


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50), st.sampled_from([0.5, 0.9]))
def test_percentile_is_within_the_data_and_monotonic(values: list[float], fraction: float) -> None:
    ordered = sorted(values)
    found = percentile(ordered, fraction)
    assert found is not None and ordered[0] <= found <= ordered[-1]
    assert percentile(ordered, 0.5) <= percentile(ordered, 0.9)  # type: ignore[operator]
    assert percentile([], fraction) is None
    assert percentile([3.0], fraction) == 3.0


@given(
    st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=60), st.sampled_from([0.5, 0.9, 0.0, 1.0])
)
def test_the_histogram_percentile_equals_the_expanded_one(values: list[int], fraction: float) -> None:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    expected = percentile([float(v) for v in sorted(values)], fraction)
    found = histogram_percentile(sorted(counts.items()), fraction)
    assert found is not None and expected is not None and abs(found - expected) < 1e-9
