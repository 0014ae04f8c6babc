"""Who may see and do what on a complaint: a link works for its own case only and not after it
expires; nobody but the consumer sees an unconfirmed complaint; a registered seller is reached only
through its own users; the neutral is not also an authority and cannot be self-appointed; only the
handling state's authority administers the case; offers are checked like the purchase amount."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.dates import utcnow
from crossborder.core.mail_models import OutgoingMail
from crossborder.redress.models import PartyLink, RedressCase
from tests import factories as f
from tests.redress.helpers import URL, authorities, complaint, file_and_verify, tokens_for


def _party(token: str) -> dict[str, str]:
    return {"X-Party-Token": token}


def test_a_link_opens_its_own_case_only_and_not_once_expired(client: TestClient, db: Session) -> None:
    first, token_a = file_and_verify(client, db)
    second, _ = file_and_verify(client, db, client_reference="web-2", consumer_email="mei@example.sg",
                                consumer_country="SG")  # fmt: skip
    assert client.get(f"{URL}/cases/{first}", headers=_party(token_a)).status_code == 200
    assert client.get(f"{URL}/cases/{second}", headers=_party(token_a)).status_code == 404
    refused = client.post(f"{URL}/cases/{second}/messages", headers=_party(token_a), json={"body": "hi"})
    assert refused.status_code == 404
    db.execute(update(PartyLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert client.get(f"{URL}/cases/{first}", headers=_party(token_a)).status_code == 404


def test_an_unconfirmed_complaint_is_the_consumer_s_alone(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    operator, operator_key = f.caller(db, Role.trust_operator, country="VN")
    shop = f.org(db, kind=OrgKind.business, country="VN", name="Linh Batik")
    shop_key = f.api_key(db, organisation=shop, role=Role.business_user)
    body = {
        "country": "VN",
        "national_number": "0314409058-002",
        "legal_name": "Linh Batik",
        "organisation_id": shop.id,
    }
    regional_id = client.post("/api/v1/trust/businesses", headers=f.bearer(operator_key), json=body).json()[
        "regional_id"
    ]
    body = complaint(
        seller_business_id=regional_id, seller_name=None, seller_country=None, seller_email="me@evil.example"
    )
    filed = client.post(f"{URL}/complaints", json=body)
    reference = filed.json()["reference"]
    case = db.execute(select(RedressCase)).scalar_one()
    assert case.seller_email is None  # the register's seller is reached through its own users only
    for key in (shop_key, auth.my_key, auth.vn_key):
        assert client.get(f"{URL}/cases/{reference}", headers=f.bearer(key)).status_code == 404
        assert client.get(f"{URL}/cases", headers=f.bearer(key)).json()["cases"] == []
    token = tokens_for(db, "arif@example.my")[-1]
    client.post(f"{URL}/complaints/verify", json={"token": token})
    assert client.get(f"{URL}/cases/{reference}", headers=f.bearer(shop_key)).json()["your_roles"] == ["seller"]
    assert tokens_for(db, "me@evil.example") == []
    del operator


def test_the_seller_address_cannot_be_the_consumer_s(client: TestClient, db: Session) -> None:
    refused = client.post(f"{URL}/complaints", json=complaint(seller_email="ARIF@example.my"))
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} == {"seller_email"}


def test_the_neutral_is_not_an_authority_and_not_self_appointed(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    reference, consumer = file_and_verify(client, db)
    client.post(f"{URL}/cases/{reference}/escalate", headers=_party(consumer), json={"reason": "silent"})
    officer_key = f.api_key(db, organisation=auth.my_org, role=Role.consumer_protection_officer)
    client.post(f"{URL}/cases/{reference}/notes", headers=f.bearer(officer_key), json={"body": "objection pending"})
    from crossborder.redress import access
    from tests.redress.helpers import as_user

    appointed = client.post(f"{URL}/cases/{reference}/neutral", headers=f.bearer(auth.my_key),
                            json={"neutral_user_id": auth.neutral.id, "no_conflict_declared": True})  # fmt: skip
    assert appointed.status_code == 200
    db.expire_all()
    case = db.execute(select(RedressCase)).scalar_one()
    assert access.roles_on(case, as_user(auth.neutral), None) == {"neutral"}
    # A third state's officer cannot be appointed (it would open the case to that state).
    th_org = f.org(db, kind=OrgKind.consumer_protection_authority, country="TH")
    th_officer = f.user(db, organisation=th_org, roles=[Role.consumer_protection_officer])
    third = client.post(f"{URL}/cases/{reference}/neutral", headers=f.bearer(auth.my_key),
                        json={"neutral_user_id": th_officer.id, "no_conflict_declared": True})  # fmt: skip
    assert third.status_code == 409 and "consumer-protection authority of MY, VN" in third.text


def test_only_the_handling_authority_administers_the_case(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    reference, _ = file_and_verify(client, db)
    closing = client.post(f"{URL}/cases/{reference}/close", headers=f.bearer(auth.vn_key), json={"reason": "x"})
    assert closing.status_code == 403
    moving = client.post(f"{URL}/cases/{reference}/transfer", headers=f.bearer(auth.vn_key),
                         json={"to_country": "VN", "reason": "x"})  # fmt: skip
    assert moving.status_code == 403
    # The other state's authority still takes part: notes and cooperation requests.
    noted = client.post(f"{URL}/cases/{reference}/notes", headers=f.bearer(auth.vn_key), json={"body": "seen"})
    assert noted.status_code == 200


def test_offers_are_checked_like_the_purchase(client: TestClient, db: Session) -> None:
    reference, consumer = file_and_verify(client, db)
    seller = tokens_for(db, "shop@linhbatik.example.vn")[-1]
    for amount, currency in (("1e30", "MYR"), ("10.12345", "MYR"), ("10", "myr"), ("10", "USD")):
        answer = client.post(f"{URL}/cases/{reference}/offers", headers=_party(seller),
                             json={"terms": "refund", "amount": amount, "currency": currency})  # fmt: skip
        assert answer.status_code == 422, (amount, currency)
    offered = client.post(f"{URL}/cases/{reference}/offers", headers=_party(seller),
                          json={"terms": "refund", "amount": "59.90", "currency": "MYR"})  # fmt: skip
    offer_id = [e for e in offered.json()["events"] if e["kind"] == "offer"][-1]["id"]
    settled = client.post(f"{URL}/cases/{reference}/offers/{offer_id}/accept", headers=_party(consumer))
    assert settled.json()["outcome"] == "settled"
    again = client.post(f"{URL}/cases/{reference}/offers/{offer_id}/accept", headers=_party(consumer))
    assert again.status_code == 409  # a double click settles once
    first = client.post(f"{URL}/cases/{reference}/not-honoured", headers=_party(consumer), json={"reason": "no refund"})
    second = client.post(f"{URL}/cases/{reference}/not-honoured", headers=_party(consumer), json={"reason": "still"})
    assert (first.status_code, second.status_code) == (200, 409)


def test_files_with_any_name_download_and_a_seller_file_is_an_answer(client: TestClient, db: Session) -> None:
    reference, _ = file_and_verify(client, db)
    seller = tokens_for(db, "shop@linhbatik.example.vn")[-1]
    sent = client.post(f"{URL}/evidence", headers=_party(seller), data={"reference": reference},
                       files={"file": ("hóa đơn giao hàng.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")})  # fmt: skip
    assert sent.status_code == 200, sent.text
    [evidence] = sent.json()["evidence"]
    got = client.get(f"{URL}/cases/{reference}/evidence/{evidence['id']}", headers=_party(seller))
    assert got.status_code == 200 and "filename*=UTF-8''h%C3%B3a" in got.headers["content-disposition"]
    db.expire_all()
    assert db.execute(select(RedressCase.seller_responded_at)).scalar_one() is not None
    assert db.execute(select(OutgoingMail)).first() is not None
