"""Customs fixtures: the sample tariff and rates imported as a fresh install's demo would."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crossborder.demo.service import seed_customs_data


@pytest.fixture
def customs_data(db: Session) -> None:
    seed_customs_data(db)
    db.commit()


def declaration(
    reference: str,
    *,
    destination: str = "MY",
    value: str = "30.00",
    hs: str = "6205.20",
    consignee: str = "Arif bin Ahmad",
    address: str = "12 Jalan Ampang, Kuala Lumpur",
    on: str = "2026-01-02",
    origin: str = "VN",
    business_id: str | None = None,
) -> dict[str, object]:
    raw: dict[str, object] = {
        "client_reference": reference,
        "origin": origin,
        "destination": destination,
        "date": on,
        "transport_mode": "post",
        "incoterm": "DAP",
        "shipping": "2.00",
        "charges_currency": "USD",
        "consignor": {"name": "Linh Batik", "address": "5 Hang Gai, Hanoi", "country": origin},
        "consignee": {"name": consignee, "address": address, "country": destination},
        "lines": [
            {
                "id": "1",
                "hs_code": hs,
                "description": "Batik shirt",
                "quantity": 1,
                "unit_value": value,
                "currency": "USD",
            }
        ],
    }
    if business_id:
        raw["seller_business_id"] = business_id
    return raw
