"""A role scoped to one member state never reads another state's restricted records:
proved for every role, over every read endpoint."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import ROLE_PERMISSIONS, ROLE_SCOPE, OrgKind, Permission, Role, Scope
from tests import factories as f


@pytest.fixture
def foreign(db: Session) -> dict[str, int]:
    """Restricted records that belong to Malaysia."""
    my_org = f.org(db, kind=OrgKind.business, country="MY", name="Kedai KL")
    my_user = f.user(db, organisation=my_org, roles=[Role.business_user])
    return {"org": my_org.id, "user": my_user.id}


READS = {
    Permission.org_read: "/api/v1/organisations",
    Permission.user_read: "/api/v1/users",
    Permission.audit_read: "/api/v1/audit",
}


@pytest.mark.parametrize("role", list(Role))
def test_role_in_thailand_never_sees_malaysian_records(
    role: Role, db: Session, client: TestClient, foreign: dict[str, int]
) -> None:
    own_org, token = f.caller(db, role, country="TH")
    headers = f.bearer(token)
    granted = ROLE_PERMISSIONS[role]
    for permission, path in READS.items():
        response = client.get(path, headers=headers)
        if permission not in granted:
            assert response.status_code == 403, (role, path)
            continue
        assert response.status_code == 200, (role, path, response.text)
        for item in response.json():
            country = item.get("country")
            if "organisation_id" in item and "country" not in item:  # users: resolve via org
                assert item["organisation_id"] != foreign["org"], (role, path)
            else:
                assert country != "MY", (role, path, item)
            assert item.get("id") != foreign["org"] or path != "/api/v1/organisations"
    # Direct reads of the foreign records look exactly like absent ones.
    for path in (f"/api/v1/organisations/{foreign['org']}", f"/api/v1/users/{foreign['user']}"):
        response = client.get(path, headers=headers)
        assert response.status_code in (403, 404), (role, path)
    if Permission.org_read in granted:
        assert client.get(f"/api/v1/organisations/{own_org.id}", headers=headers).status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if ROLE_SCOPE[r] is Scope.organisation])
def test_business_roles_see_only_their_own_organisation(role: Role, db: Session, client: TestClient) -> None:
    own_org, token = f.caller(db, role, country="VN")
    neighbour = f.org(db, kind=OrgKind.business, country="VN")
    listed = client.get("/api/v1/organisations", headers=f.bearer(token)).json()
    assert [o["id"] for o in listed] == [own_org.id]
    assert client.get(f"/api/v1/organisations/{neighbour.id}", headers=f.bearer(token)).status_code == 404


def test_country_roles_see_records_of_their_own_state(db: Session, client: TestClient) -> None:
    _, token = f.caller(db, Role.customs_officer, country="MY")
    mine = f.org(db, kind=OrgKind.business, country="MY")
    other = f.org(db, kind=OrgKind.business, country="SG")
    ids = {o["id"] for o in client.get("/api/v1/organisations", headers=f.bearer(token)).json()}
    assert mine.id in ids and other.id not in ids


def test_regional_secretariat_sees_every_state(db: Session, client: TestClient) -> None:
    _, token = f.caller(db, Role.secretariat, country="ASEAN")
    a = f.org(db, kind=OrgKind.business, country="MY")
    b = f.org(db, kind=OrgKind.business, country="SG")
    ids = {o["id"] for o in client.get("/api/v1/organisations", headers=f.bearer(token)).json()}
    assert {a.id, b.id} <= ids


def test_audit_entries_are_scoped_to_the_state(db: Session, client: TestClient) -> None:
    _, token = f.caller(db, Role.admin, country="TH")
    f.org(db, kind=OrgKind.business, country="MY")
    f.org(db, kind=OrgKind.business, country="TH")
    entries = client.get("/api/v1/audit", headers=f.bearer(token)).json()
    assert entries and {e["country"] for e in entries} == {"TH"}


def test_an_admin_cannot_create_organisations_in_another_state(db: Session, client: TestClient) -> None:
    _, token = f.caller(db, Role.admin, country="TH")
    response = client.post(
        "/api/v1/organisations", headers=f.bearer(token), json={"name": "X", "kind": "business", "country": "MY"}
    )
    assert response.status_code == 403


def test_an_organisation_cannot_grant_roles_outside_its_kind(db: Session, client: TestClient) -> None:
    _, token = f.caller(db, Role.admin, country="TH")
    biz = f.org(db, kind=OrgKind.business, country="TH")
    response = client.post(
        "/api/v1/users",
        headers=f.bearer(token),
        json={
            "email": "x@example.org",
            "password": "long enough password",
            "organisation_id": biz.id,
            "roles": ["customs_officer"],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "roles[0]"
