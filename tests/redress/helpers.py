"""Shared steps of the redress tests: file a complaint through the real API, read the access
links out of the mail outbox (as the consumer's inbox would), set up the two authorities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation, User
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.mail_models import OutgoingMail
from tests import factories as f

URL = "/api/v1/redress"
LINK = re.compile(r"/redress/access\?token=(cbr_[A-Za-z0-9_-]+)")


def complaint(**extra: Any) -> dict[str, Any]:
    body = {
        "client_reference": "web-1",
        "language": "ms",
        "consumer_name": "Arif Rahman",
        "consumer_email": "arif@example.my",
        "consumer_country": "MY",
        "seller_name": "Linh Batik",
        "seller_url": "https://linhbatik.example.vn/shop",
        "seller_email": "shop@linhbatik.example.vn",
        "seller_country": "VN",
        "order_date": "2026-10-01",
        "amount": "59.90",
        "currency": "MYR",
        "category": "non_delivery",
        "remedy": "refund",
        "description": "Ordered a batik scarf; it never arrived.",
    }
    return body | extra


def tokens_for(db: Session, address: str) -> list[str]:
    """Every access token mailed to ADDRESS, oldest first."""
    db.expire_all()
    bodies = db.execute(select(OutgoingMail.body).where(OutgoingMail.to_address == address).order_by(OutgoingMail.id))
    return [m.group(1) for body in bodies.scalars() for m in LINK.finditer(body)]


@dataclass
class Authorities:
    my_org: Organisation
    vn_org: Organisation
    my_key: str
    vn_key: str
    neutral: User
    other_officer: User


def authorities(db: Session) -> Authorities:
    my_org = f.org(db, kind=OrgKind.consumer_protection_authority, country="MY", name="MY consumer authority")
    vn_org = f.org(db, kind=OrgKind.consumer_protection_authority, country="VN", name="VN consumer authority")
    neutral = f.user(db, organisation=my_org, roles=[Role.consumer_protection_officer], email="neutral@kpdn.example.my")
    other = f.user(db, organisation=vn_org, roles=[Role.consumer_protection_officer], email="officer@vn.example.vn")
    return Authorities(
        my_org, vn_org, f.api_key(db, organisation=my_org, role=Role.consumer_protection_officer),
        f.api_key(db, organisation=vn_org, role=Role.consumer_protection_officer), neutral, other,
    )  # fmt: skip


def as_user(user: User) -> Principal:
    return Principal(
        actor=f"user:{user.id}", organisation_id=user.organisation_id, country=user.organisation.country,
        roles=frozenset(Role(r) for r in user.roles),
    )  # fmt: skip


def file_and_verify(client: TestClient, db: Session, **extra: Any) -> tuple[str, str]:
    """(reference, consumer token) of a confirmed complaint."""
    filed = client.post(f"{URL}/complaints", json=complaint(**extra))
    assert filed.status_code == 202, filed.text
    token = tokens_for(db, complaint(**extra)["consumer_email"])[-1]
    opened = client.post(f"{URL}/complaints/verify", json={"token": token})
    assert opened.status_code == 200, opened.text
    return filed.json()["reference"], token
