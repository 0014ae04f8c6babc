"""The application and audit workflow through the real app: apply, answer, upload evidence, submit,
per-criterion review, information requests, grant (issues a credential that verifies), refusal,
withdrawal, renewal with the annual declaration, scope, and every refusal of bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.core.dates import utcnow
from crossborder.core.errors import ValidationFailed
from crossborder.trust import applications as workflow
from crossborder.trust.application_settings import application_settings
from crossborder.trust.evidence import safe_filename, sniff
from crossborder.trust.models import IssuedCredential
from crossborder.trust.settings import schemes
from tests import factories as f

URL = "/api/v1/trust"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
AREAS = schemes()["trust_mark"].criteria_areas


def _errors(response: Any) -> dict[str, Any]:
    return {e["path"]: e for e in response.json()["errors"]}


def _setup(db: Session, country: str = "VN") -> tuple[Organisation, str, str, Organisation, str]:
    """An operator with an auditor key, and a business with a business-user key."""
    operator = f.org(db, kind=OrgKind.trust_mark_operator, country=country)
    auditor = f.api_key(db, organisation=operator, role=Role.trust_auditor)
    operator_key = f.api_key(db, organisation=operator, role=Role.trust_operator)
    business = f.org(db, kind=OrgKind.business, country=country, name="Saigon Silk Co")
    return operator, auditor, operator_key, business, f.api_key(db, organisation=business, role=Role.business_user)


def _apply(client: TestClient, key: str, operator_id: int, reference: str = "A-1", **extra: Any) -> Any:
    body = {"client_reference": reference, "operator_org_id": operator_id, "scheme": "trust_mark",
            "business_id": "VN-0101234567", **extra}  # fmt: skip
    return client.post(f"{URL}/applications", headers=f.bearer(key), json=body)


def _answer_all(client: TestClient, key: str, ref: str) -> None:
    for area in AREAS:
        response = client.put(
            f"{URL}/applications/{ref}/answers/{area}", headers=f.bearer(key), json={"answer": f"How we meet {area}"}
        )
        assert response.status_code == 200, response.text


def _upload(client: TestClient, key: str, ref: str, criterion: str, content: bytes, name: str = "proof.pdf") -> Any:
    return client.post(
        f"{URL}/evidence",
        headers=f.bearer(key),
        data={"application": ref, "criterion": criterion},
        files={"file": (name, content, "application/pdf")},
    )


def _review_all(client: TestClient, key: str, ref: str, outcome: str = "met") -> None:
    for area in AREAS:
        response = client.post(
            f"{URL}/applications/{ref}/reviews", headers=f.bearer(key),
            json={"criterion": area, "outcome": outcome, "comment": "checked"},
        )  # fmt: skip
        assert response.status_code == 201, response.text


def test_apply_review_request_information_grant_and_verify(client: TestClient, db: Session) -> None:
    operator, auditor, _op, _business, applicant = _setup(db)
    created = _apply(client, applicant, operator.id, answers={"legal_compliance": "Registered with the DPI"})
    assert created.status_code == 201, created.text
    app = created.json()
    ref = app["reference"]
    assert (app["status"], app["kind"], app["country"], app["business_name"]) == (
        "draft", "initial", "VN", "Saigon Silk Co"
    )
    assert app["answers"] == {"legal_compliance": "Registered with the DPI"}
    again = _apply(client, applicant, operator.id)
    assert again.status_code == 200 and again.json()["reference"] == ref

    incomplete = client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    assert incomplete.status_code == 422
    assert set(_errors(incomplete)) == {f"answers.{a}" for a in AREAS if a != "legal_compliance"}

    _answer_all(client, applicant, ref)
    uploaded = _upload(client, applicant, ref, "legal_compliance", PDF)
    assert uploaded.status_code == 201, uploaded.text
    evidence = uploaded.json()
    assert evidence["media_type"] == "application/pdf" and len(evidence["sha256"]) == 64
    assert _upload(client, applicant, ref, "legal_compliance", PDF).json()["id"] == evidence["id"]  # same file
    download = client.get(f"{URL}/applications/{ref}/evidence/{evidence['id']}", headers=f.bearer(auditor))
    assert download.content == PDF and download.headers["x-content-type-options"] == "nosniff"

    submitted = client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    assert submitted.json()["status"] == "submitted"
    frozen = client.put(f"{URL}/applications/{ref}/answers/security", headers=f.bearer(applicant), json={"answer": "x"})
    assert frozen.status_code in (409, 422)

    # The applicant cannot review; the operator's auditor can.
    own = client.post(f"{URL}/applications/{ref}/reviews", headers=f.bearer(applicant),
                      json={"criterion": "legal_compliance", "outcome": "met"})  # fmt: skip
    assert own.status_code == 403
    _review_all(client, auditor, ref)
    unclear = client.post(
        f"{URL}/applications/{ref}/reviews", headers=f.bearer(auditor),
        json={"criterion": "financial_stability", "outcome": "more_information_needed", "comment": ""},
    )  # fmt: skip
    assert unclear.status_code == 422 and "comment" in _errors(unclear)
    client.post(
        f"{URL}/applications/{ref}/reviews", headers=f.bearer(auditor),
        json={"criterion": "financial_stability", "outcome": "more_information_needed", "comment": "Send accounts"},
    )  # fmt: skip
    premature = client.post(f"{URL}/applications/{ref}/decision", headers=f.bearer(auditor),
                            json={"decision": "grant", "reason": "ok"})  # fmt: skip
    assert premature.status_code == 409
    assert _errors(premature)["reviews.financial_stability"]["value"] == "more_information_needed"

    sent_back = client.post(f"{URL}/applications/{ref}/request-information", headers=f.bearer(auditor),
                            json={"comment": "Audited accounts for 2025, please"})  # fmt: skip
    assert sent_back.json()["status"] == "information_requested"
    assert _upload(client, applicant, ref, "financial_stability", PNG, "accounts.pdf").json()["media_type"] == (
        "image/png"  # recognised from the bytes, whatever the name says
    )
    client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    client.post(f"{URL}/applications/{ref}/reviews", headers=f.bearer(auditor),
                json={"criterion": "financial_stability", "outcome": "met"})  # fmt: skip
    granted = client.post(f"{URL}/applications/{ref}/decision", headers=f.bearer(auditor),
                          json={"decision": "grant", "reason": "All criteria met"})  # fmt: skip
    assert granted.status_code == 200, granted.text
    done = granted.json()
    assert done["status"] == "granted" and done["credential_id"] and done["reviews"]["financial_stability"]["outcome"]
    assert len(done["review_history"]) == len(AREAS) + 2

    issued = db.execute(select(IssuedCredential).where(IssuedCredential.credential_id == done["credential_id"]))
    row = issued.scalar_one()
    assert (row.scheme, row.subject_id, row.subject_country, row.issuer_org_id) == (
        "trust_mark", "VN-0101234567", "VN", operator.id
    )
    verified = client.post(f"{URL}/verify", json={"credential": row.token, "country": "VN"}).json()
    assert verified["valid"] and verified["scheme"] == "trust_mark"
    final = client.post(f"{URL}/applications/{ref}/decision", headers=f.bearer(auditor),
                        json={"decision": "refuse", "reason": "changed my mind"})  # fmt: skip
    assert final.status_code == 409

    actions = list(db.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())
    for expected in ("trust.application.create", "trust.application.evidence", "trust.application.submitted",
                     "trust.application.review", "trust.application.information_requested",
                     "trust.credential.issue", "trust.application.granted"):  # fmt: skip
        assert expected in actions
    assert verify_chain(db).ok


def test_scope_other_states_and_other_operators(client: TestClient, db: Session) -> None:
    operator, _auditor, _op, _business, applicant = _setup(db, "VN")
    ref = _apply(client, applicant, operator.id).json()["reference"]
    thai = f.org(db, kind=OrgKind.trust_mark_operator, country="TH")
    thai_auditor = f.api_key(db, organisation=thai, role=Role.trust_auditor)
    assert client.get(f"{URL}/applications/{ref}", headers=f.bearer(thai_auditor)).status_code == 404
    assert client.get(f"{URL}/applications", headers=f.bearer(thai_auditor)).json()["applications"] == []
    # Same state, another operator: sees the queue of the state, but may not review for someone else.
    other = f.org(db, kind=OrgKind.trust_mark_operator, country="VN")
    other_auditor = f.api_key(db, organisation=other, role=Role.trust_auditor)
    assert client.get(f"{URL}/applications/{ref}", headers=f.bearer(other_auditor)).status_code == 200
    _answer_all(client, applicant, ref)
    client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    foreign = client.post(f"{URL}/applications/{ref}/reviews", headers=f.bearer(other_auditor),
                          json={"criterion": AREAS[0], "outcome": "met"})  # fmt: skip
    assert foreign.status_code == 403
    stranger = f.caller(db, Role.business_user, "VN")[1]
    assert client.get(f"{URL}/applications/{ref}", headers=f.bearer(stranger)).status_code == 404
    assert client.get(f"{URL}/applications", headers=f.bearer(stranger)).json()["applications"] == []
    listed = client.get(f"{URL}/applications", headers=f.bearer(applicant)).json()["applications"]
    assert [a["reference"] for a in listed] == [ref]


def test_bad_applications_name_the_field(client: TestClient, db: Session) -> None:
    operator, auditor, _op, _business, applicant = _setup(db)
    customs = f.org(db, kind=OrgKind.customs_authority, country="VN")
    wrong_operator = _apply(client, applicant, customs.id)
    assert wrong_operator.status_code == 422 and "operator_org_id" in _errors(wrong_operator)
    unknown = _apply(client, applicant, operator.id, "A-2", scheme="gold_star", answers={"x": "y"})
    assert unknown.status_code == 422 and _errors(unknown)["scheme"]["value"] == "gold_star"
    bad_criterion = _apply(client, applicant, operator.id, "A-3", answers={"bribery": "none"})
    assert bad_criterion.status_code == 422 and _errors(bad_criterion)["criterion"]["value"] == "bribery"
    missing = client.post(f"{URL}/applications", headers=f.bearer(applicant), json={"client_reference": "A-4"})
    assert missing.status_code == 422 and {"operator_org_id", "business_id"} <= set(_errors(missing))
    by_auditor = _apply(client, auditor, operator.id, "A-5")
    assert by_auditor.status_code == 403
    assert db.execute(select(AuditEntry).where(AuditEntry.action == "trust.application.create")).first() is None


def test_evidence_limits_and_types(client: TestClient, db: Session) -> None:
    operator, _auditor, _op, _business, applicant = _setup(db)
    ref = _apply(client, applicant, operator.id).json()["reference"]
    exe = _upload(client, applicant, ref, AREAS[0], b"MZ\x90\x00\x03\x00\x00\x00", "setup.pdf")
    assert exe.status_code == 422 and _errors(exe)["file"]["value"] == "unrecognised"
    empty = _upload(client, applicant, ref, AREAS[0], b"")
    assert empty.status_code == 422
    limit = application_settings().max_file_bytes
    big = _upload(client, applicant, ref, AREAS[0], b"%PDF-" + b"0" * limit)
    assert big.status_code == 422 and str(limit) in _errors(big)["file"]["rule"]
    huge = _upload(client, applicant, ref, AREAS[0], b"%PDF-" + b"0" * (limit + 200_000))
    assert huge.status_code == 413
    wrong_criterion = _upload(client, applicant, ref, "bribery", PDF)
    assert wrong_criterion.status_code == 422
    stranger = f.caller(db, Role.business_user, "VN")[1]
    assert _upload(client, stranger, ref, AREAS[0], PDF).status_code == 404
    assert client.get(f"{URL}/applications/{ref}", headers=f.bearer(applicant)).json()["evidence"] == []


def test_refuse_and_withdraw_are_final(client: TestClient, db: Session) -> None:
    operator, auditor, _op, _business, applicant = _setup(db)
    first = _apply(client, applicant, operator.id, "A-1").json()["reference"]
    _answer_all(client, applicant, first)
    client.post(f"{URL}/applications/{first}/submit", headers=f.bearer(applicant), json={})
    refused = client.post(f"{URL}/applications/{first}/decision", headers=f.bearer(auditor),
                          json={"decision": "refuse", "reason": "No evidence of product safety testing"})  # fmt: skip
    assert refused.json()["status"] == "refused" and refused.json()["credential_id"] is None
    assert client.post(f"{URL}/applications/{first}/withdraw", headers=f.bearer(applicant),
                       json={"reason": "late"}).status_code == 409  # fmt: skip
    second = _apply(client, applicant, operator.id, "A-2").json()["reference"]
    withdrawn = client.post(f"{URL}/applications/{second}/withdraw", headers=f.bearer(applicant),
                            json={"reason": "not ready"})  # fmt: skip
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.put(f"{URL}/applications/{second}/answers/{AREAS[0]}", headers=f.bearer(applicant),
                      json={"answer": "x"}).status_code == 409  # fmt: skip


def _granted_long_ago(client: TestClient, db: Session, days_ago: int) -> tuple[Organisation, str, str, str]:
    operator, auditor, _op, _business, applicant = _setup(db)
    ref = _apply(client, applicant, operator.id).json()["reference"]
    _answer_all(client, applicant, ref)
    client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    _review_all(client, auditor, ref)
    acting = Principal(actor="test", organisation_id=operator.id, country="VN", roles=frozenset({Role.trust_auditor}))
    row = workflow.decide(db, acting, ref, "grant", "met", now=utcnow() - timedelta(days=days_ago))
    db.commit()
    assert row.credential_id is not None
    return operator, auditor, applicant, row.credential_id


def test_renewal_with_annual_declaration_continues_without_gap(client: TestClient, db: Session) -> None:
    _operator, auditor, applicant, credential_id = _granted_long_ago(client, db, days_ago=300)
    renewal = client.post(f"{URL}/applications", headers=f.bearer(applicant),
                          json={"client_reference": "R-1", "renews_credential_id": credential_id})  # fmt: skip
    assert renewal.status_code == 201, renewal.text
    body = renewal.json()
    assert body["kind"] == "renewal" and set(body["answers"]) == set(AREAS)  # carried over, to update
    ref = body["reference"]
    undeclared = client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    assert undeclared.status_code == 422 and "annual_declaration" in _errors(undeclared)
    declared = client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant),
                           json={"annual_declaration": True})  # fmt: skip
    assert declared.json()["annual_declaration"] is True
    _review_all(client, auditor, ref)
    granted = client.post(f"{URL}/applications/{ref}/decision", headers=f.bearer(auditor),
                          json={"decision": "grant", "reason": "Renewed"}).json()  # fmt: skip
    old, new = (
        db.execute(select(IssuedCredential).where(IssuedCredential.credential_id == c)).scalar_one()
        for c in (credential_id, granted["credential_id"])
    )
    assert new.valid_from == old.valid_until and new.credential_id != old.credential_id


def test_renewal_refused_too_early_or_for_someone_else(client: TestClient, db: Session) -> None:
    _operator, _auditor, applicant, credential_id = _granted_long_ago(client, db, days_ago=10)
    early = client.post(f"{URL}/applications", headers=f.bearer(applicant),
                        json={"client_reference": "R-1", "renews_credential_id": credential_id})  # fmt: skip
    assert early.status_code == 409 and "renews_credential_id" in _errors(early)
    stranger = f.caller(db, Role.business_user, "VN")[1]
    theirs = client.post(f"{URL}/applications", headers=f.bearer(stranger),
                         json={"client_reference": "R-2", "renews_credential_id": credential_id})  # fmt: skip
    assert theirs.status_code == 404
    mixed = client.post(
        f"{URL}/applications",
        headers=f.bearer(applicant),
        json={"client_reference": "R-3", "renews_credential_id": credential_id, "scheme": "x"},
    )
    assert mixed.status_code == 422 and "scheme" in _errors(mixed)


@given(st.binary(max_size=64))
def test_sniff_takes_only_known_kinds(content: bytes) -> None:
    kind = sniff(content)
    assert kind in {None, "application/pdf", "image/png", "image/jpeg", "text/plain"}
    if kind == "text/plain":
        assert b"\x00" not in content and content.decode("utf-8") is not None


@given(st.text(max_size=300))
def test_safe_filenames_are_a_single_printable_part(name: str) -> None:
    cleaned = safe_filename(name)
    assert 1 <= len(cleaned) <= 200 and "/" not in cleaned and "\\" not in cleaned and '"' not in cleaned
    assert cleaned.isprintable() and cleaned not in {".", ".."}


def test_a_registered_business_applies_under_its_regional_identifier(client: TestClient, db: Session) -> None:
    operator, auditor, operator_key, business, applicant = _setup(db)
    registered = client.post(
        f"{URL}/businesses", headers=f.bearer(operator_key),
        json={"country": "VN", "national_number": "0100000010", "legal_name": "Saigon Silk Company Limited",
              "organisation_id": business.id},
    )  # fmt: skip
    assert registered.status_code == 201, registered.text
    regional_id = registered.json()["regional_id"]
    body = {"client_reference": "A-1", "operator_org_id": operator.id, "scheme": "trust_mark"}
    app = client.post(f"{URL}/applications", headers=f.bearer(applicant), json=body).json()
    assert (app["business_id"], app["business_name"]) == (regional_id, "Saigon Silk Company Limited")
    _answer_all(client, applicant, app["reference"])
    client.post(f"{URL}/applications/{app['reference']}/submit", headers=f.bearer(applicant), json={})
    _review_all(client, auditor, app["reference"])
    granted = client.post(f"{URL}/applications/{app['reference']}/decision", headers=f.bearer(auditor),
                          json={"decision": "grant", "reason": "met"}).json()  # fmt: skip
    linked = client.get(f"{URL}/businesses/{regional_id}/credentials", headers=f.bearer(operator_key))
    assert granted["credential_id"] in {c["credential_id"] for c in linked.json()["credentials"]}


def test_decisions_need_a_reason_whoever_calls(client: TestClient, db: Session) -> None:
    operator, _auditor, _op, _business, applicant = _setup(db)
    ref = _apply(client, applicant, operator.id).json()["reference"]
    _answer_all(client, applicant, ref)
    client.post(f"{URL}/applications/{ref}/submit", headers=f.bearer(applicant), json={})
    acting = Principal(actor="test", organisation_id=operator.id, country="VN", roles=frozenset({Role.trust_auditor}))
    for call in (
        lambda: workflow.decide(db, acting, ref, "refuse", "   "),
        lambda: workflow.request_information(db, acting, ref, ""),
    ):
        try:
            call()
        except ValidationFailed as exc:
            assert exc.errors[0].rule == "required, not blank"
        else:
            raise AssertionError("a blank reason was accepted")
    db.rollback()
    assert client.get(f"{URL}/applications/{ref}", headers=f.bearer(applicant)).json()["status"] == "submitted"
