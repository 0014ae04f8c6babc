"""Complaints and online dispute resolution through the real app: filing without an account and the
e-mailed confirmation, negotiation with offers and a signed settlement, escalation by a missed
deadline with the trust-mark flag, the neutral (conflict checks), the recommendation, and the two
authorities' cooperation. Refusals name the field, the value and the rule."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit.service import verify_chain
from crossborder.core.dates import utcnow
from crossborder.core.db import get_sessionmaker
from crossborder.core.errors import Conflict
from crossborder.redress import authority, odr, sweep
from crossborder.redress.access import act_as, visible
from crossborder.redress.models import RedressCase
from crossborder.trust import esign
from crossborder.trust.flag_models import TrustFlag
from tests import factories as f
from tests.redress.helpers import URL, as_user, authorities, complaint, file_and_verify, tokens_for


def _errors(response: object) -> dict[str, dict[str, object]]:
    return {e["path"]: e for e in response.json()["errors"]}  # type: ignore[attr-defined]


def test_filing_waits_for_the_emailed_link_and_repeats_give_one_case(client: TestClient, db: Session) -> None:
    first = client.post(f"{URL}/complaints", json=complaint())
    again = client.post(f"{URL}/complaints", json=complaint())
    assert first.status_code == 202 and again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert db.execute(select(RedressCase)).scalars().all()[0].stage == "pending_verification"
    # Nothing reaches the seller before the consumer confirms.
    assert tokens_for(db, "shop@linhbatik.example.vn") == []
    [token] = tokens_for(db, "arif@example.my")
    opened = client.post(f"{URL}/complaints/verify", json={"token": token})
    assert opened.status_code == 200 and opened.json()["stage"] == "negotiation"
    assert opened.json()["your_roles"] == ["consumer"]
    assert len(tokens_for(db, "shop@linhbatik.example.vn")) == 1
    # The confirmation e-mail was written in the consumer's language (Malay).
    assert client.post(f"{URL}/complaints/verify", json={"token": "cbr_" + "x" * 30}).status_code == 404


def test_bad_complaints_name_field_value_and_rule(client: TestClient, db: Session) -> None:
    tomorrow = (utcnow().date() + timedelta(days=2)).isoformat()
    bad = complaint(consumer_email="not-an-address", seller_country="MY", amount="-5", currency="XXY",
                    order_date=tomorrow, seller_url="javascript:alert(1)")  # fmt: skip
    response = client.post(f"{URL}/complaints", json=bad)
    assert response.status_code == 422
    errors = _errors(response)
    assert set(errors) >= {"consumer_email", "seller_country", "amount", "currency", "order_date", "seller_url"}
    assert "cross-border" in str(errors["seller_country"]["rule"])
    assert errors["amount"]["value"] == "-5"
    assert client.post(f"{URL}/complaints", json=complaint(category="scam")).status_code == 422
    assert client.post(f"{URL}/complaints", json=complaint(seller_business_id="XBVN00000000ZZ")).status_code == 422
    assert db.execute(select(RedressCase)).first() is None


def test_negotiation_offer_acceptance_settles_and_signs(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    reference, consumer = file_and_verify(client, db)
    seller = tokens_for(db, "shop@linhbatik.example.vn")[-1]
    said = client.post(f"{URL}/cases/{reference}/messages", headers={"X-Party-Token": seller},
                       json={"body": "<script>alert(1)</script> We will look into it."})  # fmt: skip
    assert said.status_code == 200
    offered = client.post(f"{URL}/cases/{reference}/offers", headers={"X-Party-Token": seller},
                          json={"terms": "Full refund", "amount": "59.90", "currency": "MYR"})  # fmt: skip
    offer_id = [e for e in offered.json()["events"] if e["kind"] == "offer"][-1]["id"]
    # The seller cannot accept its own offer.
    own = client.post(f"{URL}/cases/{reference}/offers/{offer_id}/accept", headers={"X-Party-Token": seller})
    assert own.status_code == 409
    accepted = client.post(f"{URL}/cases/{reference}/offers/{offer_id}/accept", headers={"X-Party-Token": consumer})
    case = accepted.json()
    assert case["stage"] == "closed" and case["outcome"] == "settled"
    assert case["outcome_terms"] == "Full refund (MYR 59.90)"
    # Signed by the Malaysian authority's e-signature key, over the settlement's digest.
    row = db.execute(select(RedressCase).where(RedressCase.reference == reference)).scalar_one()
    assert row.settlement_signature is not None
    from crossborder.redress import settlement

    checked = esign.verify(db, row.settlement_signature, esign.sha256_hex(settlement.document_of(row)))
    assert checked.valid and checked.signer["organisation_id"] == auth.my_org.id
    # A closed case refuses further steps, naming the stage.
    late = client.post(f"{URL}/cases/{reference}/messages", headers={"X-Party-Token": consumer}, json={"body": "hi"})
    assert late.status_code == 409 and _errors(late)["stage"]["value"] == "closed"
    assert verify_chain(db).ok


def test_silent_seller_escalates_is_flagged_and_the_neutral_recommends(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    operator, operator_key = f.caller(db, Role.trust_operator, country="VN")
    vn_business = f.org(db, kind=OrgKind.business, country="VN", name="Linh Batik")
    body = {"country": "VN", "national_number": "0314409058-002", "legal_name": "Linh Batik",
            "organisation_id": vn_business.id}  # fmt: skip
    registered = client.post("/api/v1/trust/businesses", headers=f.bearer(operator_key), json=body)
    regional_id = registered.json()["regional_id"]
    issued = client.post(f"/api/v1/trust/issuers/{operator.id}/credentials", headers=f.bearer(operator_key),
                         json={"client_reference": "TM-1", "scheme": "trust_mark", "business_id": regional_id,
                               "subject_name": "Linh Batik", "subject_country": "VN"})  # fmt: skip
    assert issued.status_code == 201, issued.text
    reference, consumer = file_and_verify(client, db, seller_business_id=regional_id, seller_name=None,
                                          seller_country=None)  # fmt: skip
    # Both authorities see the case; a third state's officer does not.
    assert client.get(f"{URL}/cases/{reference}", headers=f.bearer(auth.vn_key)).status_code == 200
    _, th_key = f.caller(db, Role.consumer_protection_officer, country="TH")
    assert client.get(f"{URL}/cases/{reference}", headers=f.bearer(th_key)).status_code == 404
    assert [c["reference"] for c in client.get(f"{URL}/cases", headers=f.bearer(th_key)).json()["cases"]] == []

    row = db.execute(select(RedressCase).where(RedressCase.reference == reference)).scalar_one()
    assert row.seller_due_at is not None
    summary = sweep.sweep(get_sessionmaker(), now=row.seller_due_at + timedelta(seconds=1))
    assert (summary.escalated, summary.flagged) == (1, 1)
    db.expire_all()
    assert row.stage == "facilitation"
    [flag] = db.execute(select(TrustFlag)).scalars().all()
    assert (flag.issuer_org_id, flag.reason, flag.source_ref) == (operator.id, "seller_no_response", reference)
    queue = client.get("/api/v1/trust/flags", headers=f.bearer(operator_key))
    assert [q["source_ref"] for q in queue.json()["flags"]] == [reference]
    # Sweeping again changes nothing.
    assert sweep.sweep(get_sessionmaker(), now=row.seller_due_at + timedelta(seconds=2)).escalated == 0

    # The Malaysian authority notes (only authorities see it), asks Viet Nam to cooperate, appoints a neutral.
    client.post(f"{URL}/cases/{reference}/notes", headers=f.bearer(auth.my_key), json={"body": "Seller silent."})
    asked = client.post(f"{URL}/cases/{reference}/cooperation-requests", headers=f.bearer(auth.my_key),
                        json={"reason": "Please contact the seller."})  # fmt: skip
    assert asked.status_code == 200
    consumer_view = client.get(f"{URL}/cases/{reference}", headers={"X-Party-Token": consumer}).json()
    assert not any(e["kind"] in ("authority_note", "cooperation_requested") for e in consumer_view["events"])
    vn_view = client.get(f"{URL}/cases/{reference}", headers=f.bearer(auth.vn_key)).json()
    assert {"authority_note", "cooperation_requested"} <= {e["kind"] for e in vn_view["events"]}

    refused = client.post(f"{URL}/cases/{reference}/neutral", headers=f.bearer(auth.my_key),
                          json={"neutral_user_id": auth.neutral.id, "no_conflict_declared": False})  # fmt: skip
    assert refused.status_code == 409 and "no_conflict_declared" in _errors(refused)
    appointed = client.post(f"{URL}/cases/{reference}/neutral", headers=f.bearer(auth.my_key),
                            json={"neutral_user_id": auth.neutral.id, "no_conflict_declared": True})  # fmt: skip
    assert appointed.status_code == 200, appointed.text

    neutral = as_user(auth.neutral)
    db.expire_all()
    case = visible(db, reference, neutral, None)
    actor = act_as(db, case, "neutral", neutral, None)
    # The recommendation belongs to the final stage: refused in facilitation, with the reason.
    try:
        odr.recommend(db, case, actor, "Refund in full.")
        raise AssertionError("recommend in facilitation must be refused")
    except Conflict as exc:
        assert exc.errors[0].path == "stage" and "final" in exc.errors[0].rule
    odr.move_to_final(db, case, actor, "No settlement in sight.")
    odr.recommend(db, case, actor, "The seller refunds MYR 59.90 within 14 days.")
    db.commit()
    done = client.get(f"{URL}/cases/{reference}", headers={"X-Party-Token": consumer}).json()
    assert (done["stage"], done["outcome"]) == ("closed", "recommendation_issued")
    # Not honoured: flagged again, for that reason.
    client.post(f"{URL}/cases/{reference}/not-honoured", headers={"X-Party-Token": consumer},
                json={"reason": "No refund after 14 days."})  # fmt: skip
    reasons = {flag.reason for flag in db.execute(select(TrustFlag)).scalars()}
    assert reasons == {"seller_no_response", "settlement_not_honoured"}
    assert verify_chain(db).ok


def test_neutral_conflicts_and_transfer(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    reference, consumer = file_and_verify(client, db)
    escalated = client.post(f"{URL}/cases/{reference}/escalate", headers={"X-Party-Token": consumer},
                            json={"reason": "The seller will not answer."})  # fmt: skip
    assert escalated.json()["stage"] == "facilitation"
    seller_side = f.org(db, kind=OrgKind.consumer_protection_authority, country="MY")
    conflicted = f.user(db, organisation=seller_side, roles=[Role.consumer_protection_officer],
                        email="friend@linhbatik.example.vn")  # fmt: skip
    case = db.execute(select(RedressCase).where(RedressCase.reference == reference)).scalar_one()
    rules = [e.rule for e in authority.conflicts(db, case, conflicted)]
    assert rules == ["has an e-mail address at the seller's domain"]
    refused = client.post(f"{URL}/cases/{reference}/neutral", headers=f.bearer(auth.my_key),
                          json={"neutral_user_id": conflicted.id, "no_conflict_declared": True})  # fmt: skip
    assert refused.status_code == 409
    # Transfer: only to the other state of the case; the VN authority then handles it.
    wrong = client.post(f"{URL}/cases/{reference}/transfer", headers=f.bearer(auth.my_key),
                        json={"to_country": "TH", "reason": "x"})  # fmt: skip
    assert wrong.status_code == 422 and _errors(wrong)["to_country"]["value"] == "TH"
    moved = client.post(f"{URL}/cases/{reference}/transfer", headers=f.bearer(auth.my_key),
                        json={"to_country": "VN", "reason": "The seller is in Viet Nam."})  # fmt: skip
    assert moved.json()["handling_country"] == "VN"
    # The consumer cannot close it; an authority can, with a reason.
    assert client.post(f"{URL}/cases/{reference}/close", headers={"X-Party-Token": consumer},
                       json={"reason": "x"}).status_code == 401  # fmt: skip
    closed = client.post(f"{URL}/cases/{reference}/close", headers=f.bearer(auth.vn_key),
                         json={"reason": "Duplicate of another case."})  # fmt: skip
    assert (closed.json()["stage"], closed.json()["outcome"]) == ("closed", "not_pursued")


def test_unconfirmed_complaints_lapse(client: TestClient, db: Session) -> None:
    client.post(f"{URL}/complaints", json=complaint())
    case = db.execute(select(RedressCase)).scalar_one()
    assert case.due_at is not None
    assert sweep.sweep(get_sessionmaker(), now=case.due_at - timedelta(seconds=1)).lapsed == 0
    assert sweep.sweep(get_sessionmaker(), now=case.due_at).lapsed == 1
    db.expire_all()
    assert (case.stage, case.outcome) == ("closed", "not_pursued")


def test_public_filing_is_rate_limited_per_client(client: TestClient, db: Session) -> None:
    from crossborder.redress.settings import odr_settings

    limit = odr_settings().filing_limit.hits
    for n in range(limit):
        assert client.post(f"{URL}/complaints", json=complaint(client_reference=f"r{n}")).status_code == 202
    refused = client.post(f"{URL}/complaints", json=complaint(client_reference="one-more"))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert len(db.execute(select(RedressCase)).scalars().all()) == limit
