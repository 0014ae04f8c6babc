"""The business register through the real app: register (national formats, idempotency), look up,
list and deregister within scope, the business identity credential, and trust marks that name a
registered business by its regional identifier."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.trust import regional_id
from crossborder.trust.business_models import BusinessChange
from tests import factories as f

URL = "/api/v1/trust"
UEN = "197401143C"  # python-stdnum's own valid examples
MST = "0314409058-002"
MOA = "0994000617721"


def _register(client: TestClient, key: str, **overrides: Any) -> Any:
    body = {"country": "SG", "national_number": UEN, "legal_name": "Merlion Trading Pte Ltd", **overrides}
    return client.post(f"{URL}/businesses", headers=f.bearer(key), json=body)


def _claims(token: str) -> dict[str, Any]:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _errors(response: Any) -> dict[str, dict[str, Any]]:
    return {e["path"]: e for e in response.json()["errors"]}


def test_register_look_up_and_repeat(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.trust_operator, country="SG")
    first = _register(client, key, national_number=" 1974 01143c ")
    assert first.status_code == 201, first.text
    made = first.json()
    assert regional_id.is_valid(made["regional_id"]) and regional_id.country_of(made["regional_id"]) == "SG"
    assert (made["national_number"], made["format_checked"], made["number_format"]) == (UEN, True, "stdnum.sg.uen")
    assert made["status"] == "registered" and made["national_number_kind"].startswith("UEN")
    again = _register(client, key, legal_name="Another name")
    assert again.status_code == 200 and again.json() == made
    looked = client.get(f"{URL}/businesses/{made['regional_id'].lower()}", headers=f.bearer(key))
    assert looked.status_code == 200 and looked.json() == made
    listed = client.get(f"{URL}/businesses", headers=f.bearer(key), params={"q": "merlion", "country": "SG"}).json()
    assert [b["regional_id"] for b in listed["businesses"]] == [made["regional_id"]]
    assert client.get(f"{URL}/businesses", headers=f.bearer(key), params={"q": "100%"}).json()["businesses"] == []
    actions = (
        db.execute(select(AuditEntry.action).where(AuditEntry.action.like("trust.business.%")).order_by(AuditEntry.seq))
        .scalars()
        .all()
    )
    assert actions == ["trust.business.register"] and verify_chain(db).ok


@pytest.mark.parametrize(
    ("country", "number", "checked"),
    [("VN", MST, "0314409058002"), ("TH", MOA, MOA), ("ID", "01.312.166.0-091.000", "013121660091000")],
)
def test_national_formats_where_known(client: TestClient, db: Session, country: str, number: str, checked: str) -> None:
    _, key = f.caller(db, Role.trust_operator, country=country)
    made = _register(client, key, country=country, national_number=number)
    assert made.status_code == 201 and (made.json()["national_number"], made.json()["format_checked"]) == (
        checked,
        True,
    )


def test_a_state_without_a_known_format_is_recorded_unchecked(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.trust_operator, country="MY")
    made = _register(client, key, country="MY", national_number="2019 0100 0005")
    assert made.status_code == 201
    assert (made.json()["national_number"], made.json()["format_checked"]) == ("201901000005", False)
    assert made.json()["number_format"] is None


def test_bad_input_names_field_value_and_rule(client: TestClient, db: Session) -> None:
    _, key = f.caller(db, Role.trust_operator, country="SG")
    wrong_check = _register(client, key, national_number="197401143D")
    assert wrong_check.status_code == 422
    error = _errors(wrong_check)["national_number"]
    assert error["value"] == "197401143D" and "stdnum.sg.uen" in error["rule"] and "check" in error["rule"]
    _, my_key = f.caller(db, Role.trust_operator, country="MY")
    unreadable = _register(client, my_key, country="MY", national_number="12@3")
    assert unreadable.status_code == 422 and _errors(unreadable)["national_number"]["value"] == "12@3"
    not_a_state = _register(client, key, country="JP")
    assert not_a_state.status_code == 422 and _errors(not_a_state)["country"]["value"] == "JP"
    shape = _register(client, key, country="Singapore", legal_name="", extra=1)
    assert {"country", "legal_name", "extra"} <= set(_errors(shape))
    bad_id = client.get(f"{URL}/businesses/XBSG12345678ZZ", headers=f.bearer(key))
    assert bad_id.status_code == 422 and "check characters" in _errors(bad_id)["regional_id"]["rule"]
    unknown = client.get(f"{URL}/businesses/{regional_id.generate('SG')}", headers=f.bearer(key))
    assert unknown.status_code == 404
    platform_org = f.org(db, kind=OrgKind.customs_authority, country="SG")
    link = _register(client, key, organisation_id=platform_org.id)
    assert link.status_code == 422 and "organisation_id" in _errors(link)


def test_scope_authorities_of_another_state_and_other_businesses(client: TestClient, db: Session) -> None:
    _, sg_key = f.caller(db, Role.trust_operator, country="SG")
    _, vn_key = f.caller(db, Role.trust_operator, country="VN")
    _, auditor = f.caller(db, Role.trust_auditor, country="SG")
    assert _register(client, vn_key).status_code == 403
    assert _register(client, auditor).status_code == 403
    assert client.post(f"{URL}/businesses", json={}).status_code == 401
    made = _register(client, sg_key).json()
    assert client.get(f"{URL}/businesses/{made['regional_id']}", headers=f.bearer(vn_key)).status_code == 404
    assert client.get(f"{URL}/businesses", headers=f.bearer(vn_key)).json()["businesses"] == []
    gone = client.post(
        f"{URL}/businesses/{made['regional_id']}/deregister", headers=f.bearer(vn_key), json={"reason": "x"}
    )
    assert gone.status_code == 404


def test_a_business_registers_itself_only(client: TestClient, db: Session) -> None:
    own, key = f.caller(db, Role.business_user, country="VN")
    other, other_key = f.caller(db, Role.business_user, country="VN")
    assert _register(client, key, country="VN", national_number=MST, organisation_id=other.id).status_code == 403
    abroad = _register(client, key)  # SG number, but the organisation is in VN
    assert abroad.status_code == 422 and "VN" in _errors(abroad)["country"]["rule"]
    made = _register(client, key, country="VN", national_number=MST)
    assert made.status_code == 201 and made.json()["organisation_id"] == own.id
    rid = made.json()["regional_id"]
    assert client.get(f"{URL}/businesses/{rid}", headers=f.bearer(key)).status_code == 200
    assert client.get(f"{URL}/businesses/{rid}", headers=f.bearer(other_key)).status_code == 404
    assert client.get(f"{URL}/businesses", headers=f.bearer(other_key)).json()["businesses"] == []
    # Another business registering the same number learns it is taken, not whose it is.
    taken = _register(client, other_key, country="VN", national_number=MST)
    assert taken.status_code == 409 and _errors(taken)["national_number"]["rule"] == "is already registered in VN"


def test_deregistration_is_final_audited_and_stops_new_credentials(client: TestClient, db: Session) -> None:
    org, key = f.caller(db, Role.trust_operator, country="SG")
    rid = _register(client, key).json()["regional_id"]
    gone = client.post(f"{URL}/businesses/{rid}/deregister", headers=f.bearer(key), json={"reason": "struck off"})
    assert gone.status_code == 200 and gone.json()["status"] == "deregistered"
    assert gone.json()["deregistration_reason"] == "struck off"
    again = client.post(f"{URL}/businesses/{rid}/deregister", headers=f.bearer(key), json={"reason": "again"})
    assert again.status_code == 409
    assert _register(client, key).status_code == 409  # the number is not registered a second time
    mark = client.post(
        f"{URL}/issuers/{org.id}/credentials",
        headers=f.bearer(key),
        json={"client_reference": "M", "scheme": "trust_mark", "business_id": rid, "subject_name": "M",
              "subject_country": "SG"},
    )  # fmt: skip
    assert mark.status_code == 422 and "deregistered" in _errors(mark)["business_id"]["rule"]
    history = db.execute(select(BusinessChange.to_status).order_by(BusinessChange.id)).scalars().all()
    assert history == ["registered", "deregistered"]
    actions = (
        db.execute(select(AuditEntry.action).where(AuditEntry.action.like("trust.business.%")).order_by(AuditEntry.seq))
        .scalars()
        .all()
    )
    assert actions == ["trust.business.register", "trust.business.deregister"]


def test_identity_credential_and_credentials_of_a_business(client: TestClient, db: Session) -> None:
    org, key = f.caller(db, Role.trust_operator, country="SG")
    made = _register(client, key).json()
    rid = made["regional_id"]
    url = f"{URL}/businesses/{rid}/identity-credential"
    issued = client.post(url, headers=f.bearer(key), json={"client_reference": "ID-1"})
    assert issued.status_code == 201, issued.text
    credential = issued.json()
    assert (credential["scheme"], credential["business_id"], credential["issuer_org_id"]) == (
        "business_identity", rid, org.id,
    )  # fmt: skip
    claims = _claims(credential["token"])
    assert claims["type"] == ["VerifiableCredential", "BusinessIdentityCredential"]
    subject = claims["credentialSubject"]
    assert (subject["businessId"], subject["name"], subject["country"]) == (rid, "Merlion Trading Pte Ltd", "SG")
    assert subject["registration"]["nationalNumber"] == UEN and subject["registration"]["formatChecked"] is True
    verified = client.post(f"{URL}/verify", json={"credential": credential["token"], "country": "SG"}).json()
    assert verified["valid"] and verified["subject"] == f"urn:crossborder:business:SG:{rid}"
    assert client.post(url, headers=f.bearer(key), json={"client_reference": "ID-1"}).status_code == 200

    # A trust mark naming the regional id takes the register's name, whatever the request said.
    mark = client.post(
        f"{URL}/issuers/{org.id}/credentials",
        headers=f.bearer(key),
        json={"client_reference": "M", "scheme": "trust_mark", "business_id": rid.lower(),
              "subject_name": "Merlion", "subject_country": "SG"},
    )  # fmt: skip
    assert mark.status_code == 201, mark.text
    assert (mark.json()["business_id"], mark.json()["subject_name"]) == (rid, "Merlion Trading Pte Ltd")
    listed = client.get(f"{URL}/businesses/{rid}/credentials", headers=f.bearer(key)).json()
    assert [c["scheme"] for c in listed["credentials"]] == ["business_identity", "trust_mark"]
    assert listed["business"]["regional_id"] == rid

    # Another state's operator sees neither the business nor its credentials, nor issues for it.
    my_org, my_key = f.caller(db, Role.trust_operator, country="MY")
    assert client.get(f"{URL}/businesses/{rid}/credentials", headers=f.bearer(my_key)).status_code == 404
    assert client.post(url, headers=f.bearer(my_key), json={"client_reference": "X"}).status_code == 404
    # A regional admin may name the issuer, which must be an operator of the business's state.
    _, regional = f.caller(db, Role.admin, country="ASEAN")
    wrong = client.post(url, headers=f.bearer(regional), json={"client_reference": "Y", "issuer_org_id": my_org.id})
    assert wrong.status_code == 422 and "issuer_org_id" in _errors(wrong)


def test_credentials_naming_a_regional_id_must_name_a_registered_one(client: TestClient, db: Session) -> None:
    org, key = f.caller(db, Role.trust_operator, country="SG")
    rid = _register(client, key).json()["regional_id"]

    def issue(business_id: str, scheme: str = "trust_mark", country: str = "SG") -> Any:
        body = {"client_reference": f"{business_id}-{scheme}-{country}", "scheme": scheme, "business_id": business_id,
                "subject_name": "X", "subject_country": country}  # fmt: skip
        return client.post(f"{URL}/issuers/{org.id}/credentials", headers=f.bearer(key), json=body)

    typo = rid[:-1] + ("0" if rid[-1] != "0" else "1")
    assert issue(typo).status_code == 422 and "check characters" in _errors(issue(typo))["business_id"]["rule"]
    unregistered = regional_id.generate("SG")
    assert _errors(issue(unregistered))["business_id"]["rule"] == "must be in the business register"
    assert "subject_country" in _errors(issue(rid, country="VN"))
    # The identity scheme vouches for a registration: a free-form business id cannot have one.
    assert "business_id" in _errors(issue("SG-123", scheme="business_identity"))
    # Free-form ids stay as before.
    assert issue("SG-123").status_code == 201
