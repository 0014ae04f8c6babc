"""The trust capability's public pages through the real app: the registry search, a business's public
page, the embeddable badge and QR code, and live verification (of a stored credential and a pasted one)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import OrgKind
from crossborder.core.dates import utcnow
from crossborder.core.errors import ValidationFailed
from crossborder.trust import registry, service
from crossborder.trust.models import IssuedCredential
from crossborder.trust.schemas import IssueIn
from crossborder.trust.settings import trust_settings
from tests import factories as f
from tests.web.test_customs_pages import csrf_token

HTML = {"accept": "text/html"}
SVG = "{http://www.w3.org/2000/svg}"
ROW = re.compile(r'<tr data-credential="([^"]+)"')


def operator(db: Session, country: str = "VN") -> Organisation:
    return f.org(db, kind=OrgKind.trust_mark_operator, country=country, name=f"Trust Mark Operator {country}")


def issue(db: Session, org: Organisation, reference: str, **overrides: Any) -> IssuedCredential:
    body: dict[str, Any] = {
        "client_reference": reference,
        "scheme": "trust_mark",
        "business_id": "VN-0101234567",
        "subject_name": "Saigon Silk Co",
        "subject_country": org.country,
        **overrides,
    }
    row, _created = service.issue(db, SYSTEM, org.id, IssueIn(**body))
    db.commit()
    return row


def change(db: Session, row: IssuedCredential, action: str) -> None:
    service.change_status(db, SYSTEM, row.credential_id, action, "audit finding")
    db.commit()


def found(client: TestClient, **query: str) -> list[str]:
    page = client.get("/trust/registry", params=query, headers=HTML)
    assert page.status_code == 200, page.text
    return ROW.findall(page.text)


def svg(content: bytes) -> ET.Element:
    """Parsing fails unless the image is well-formed XML: the proof that every text was escaped."""
    return ET.fromstring(content)  # noqa: S314 - our own response, not outside input


def verify_url(row: IssuedCredential) -> str:
    return f"{trust_settings().public_base_url}/trust/verify/{row.credential_id}"


@pytest.fixture
def vn(db: Session) -> Organisation:
    return operator(db, "VN")


# --- the registry ------------------------------------------------------------------------------------------------


def test_registry_searches_by_name_identifier_country_and_scheme(client: TestClient, db: Session, vn: Any) -> None:
    my = operator(db, "MY")
    silk = issue(db, vn, "A")
    road = issue(db, vn, "B", business_id="VN-2", subject_name="The SILK Road Trading", scheme="trusted_trader")
    batik = issue(db, my, "C", business_id="MY-7", subject_name="KL Batik Sdn Bhd")
    percent = issue(db, my, "D", business_id="MY-8", subject_name="100% Durian")
    suspended = issue(db, vn, "E", business_id="VN-3", subject_name="Silk Suspended")
    change(db, suspended, "suspend")
    now = utcnow()
    past, future = (now - timedelta(days=30)).isoformat(), (now + timedelta(days=3)).isoformat()
    issue(db, vn, "F", business_id="VN-4", subject_name="Silk Expired", valid_from=past, valid_until=now.isoformat())
    issue(db, vn, "G", business_id="VN-5", subject_name="Silk Future", valid_from=future)

    # Only what is certified now: never the suspended, expired or not-yet-valid ones.
    assert found(client) == [percent.credential_id, batik.credential_id, silk.credential_id, road.credential_id]
    assert found(client, name="silk") == [silk.credential_id, road.credential_id]  # any case, ordered by name
    assert found(client, business_id="MY-7") == [batik.credential_id]
    assert found(client, business_id="MY") == []  # exact identifier, not a prefix
    assert found(client, country="MY") == [percent.credential_id, batik.credential_id]
    assert found(client, country="my", name="batik") == [batik.credential_id]
    assert found(client, scheme="trusted_trader") == [road.credential_id]
    # LIKE wildcards typed by a visitor are literal characters.
    assert found(client, name="%") == [percent.credential_id]
    assert found(client, name="S_lk") == []
    page = client.get("/trust/registry", params={"name": "silk"}, headers=HTML).text
    assert 'href="/trust/businesses/VN/VN-0101234567"' in page and "Certified now: 2" in page
    assert silk.token not in page and "client_reference" not in page


def test_registry_pages_with_a_hard_cap(client: TestClient, db: Session, vn: Any) -> None:
    rows = [issue(db, vn, f"P{i}", business_id=f"VN-{i}", subject_name=f"Shop {i}") for i in range(3)]
    first = client.get("/trust/registry", params={"per_page": "2"}, headers=HTML).text
    assert ROW.findall(first) == [r.credential_id for r in rows[:2]] and "Page 1 of 2" in first
    assert 'href="/trust/registry?per_page=2&amp;page=2" rel="next"' in first
    second = client.get("/trust/registry", params={"per_page": "2", "page": "2"}, headers=HTML).text
    assert ROW.findall(second) == [rows[2].credential_id]
    with pytest.raises(ValidationFailed) as refused:
        registry.parse_query({"per_page": str(registry.MAX_PAGE_SIZE + 1)})
    assert refused.value.errors[0].path == "per_page"


def test_registry_names_each_bad_field(client: TestClient) -> None:
    page = client.get(
        "/trust/registry",
        params={"country": "XX", "business_id": "a b", "scheme": "gold_star", "page": "0", "name": "n" * 201},
        headers=HTML,
    )
    assert page.status_code == 422 and 'id="errors"' in page.text and 'id="results"' not in page.text
    for field in ("country", "business_id", "scheme", "name"):
        assert f'<a href="#{field}">' in page.text
    assert "must be one of BN, ID, KH" in page.text and "<code>XX</code>" in page.text
    assert "<code>page</code>: must be a whole number from 1 to 10000 (<code>0</code>)" in page.text
    assert 'value="a b"' in page.text  # the form keeps what was typed


# --- a business's public page -----------------------------------------------------------------------------------


def test_business_page_shows_every_credential_with_its_standing(client: TestClient, db: Session, vn: Any) -> None:
    mark = issue(db, vn, "SECRET-REF-1")
    trader = issue(db, vn, "SECRET-REF-2", scheme="trusted_trader")
    old = issue(db, vn, "SECRET-REF-3", subject_name="Saigon Silk (old name)")
    change(db, trader, "suspend")
    change(db, old, "revoke")

    page = client.get("/trust/businesses/VN/VN-0101234567", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert '<h1 id="business-name">Saigon Silk (old name)</h1>' in text  # the newest credential's name
    standings = dict(re.findall(r'data-credential="([^"]+)" data-standing="([^"]+)"', text))
    assert standings == {
        mark.credential_id: "certified",
        trader.credential_id: "suspended",
        old.credential_id: "revoked",
    }
    assert "This mark is suspended by its issuer" in text and "This mark was revoked by its issuer" in text
    assert f'href="/trust/verify/{trader.credential_id}"' in text
    assert (
        f'src="/trust/badge/{mark.credential_id}.svg?lang=en"' in text
        and f'src="/trust/qr/{mark.credential_id}.svg"' in text
    )
    # The embed snippet, as text to copy: the badge image linking to absolute live verification.
    snippet = f"&lt;a href=&#34;{verify_url(mark)}&#34;&gt;&lt;img src=&#34;{trust_settings().public_base_url}"
    assert snippet in text
    # Tokens of live credentials are offered for offline checks; a revoked one's never, nor client references.
    assert mark.token in text and trader.token in text and old.token not in text
    assert "SECRET-REF" not in text
    assert client.get("/trust/businesses/MY/VN-0101234567", headers=HTML).status_code == 404


# --- badge and QR -----------------------------------------------------------------------------------------------


def test_badge_escapes_every_text_and_links_to_live_verification(client: TestClient, db: Session, vn: Any) -> None:
    name = 'Tom & Jerry\'s <script>alert("x")</script> Shop of Saigon'  # long: the badge cuts it
    row = issue(db, vn, "X", subject_name=name)
    response = client.get(f"/trust/badge/{row.credential_id}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "<script" not in response.text
    badge = svg(response.content)
    link = badge.find(f"{SVG}a")
    assert link is not None and link.get("href") == verify_url(row) and link.get("target") == "_top"
    texts = [t.text for t in badge.iter(f"{SVG}text")]
    assert texts == ["ASEAN e-commerce trust mark", name[:45] + "…", "Certified · verify live"]
    title = badge.find(f"{SVG}title")
    assert title is not None and title.text == f"ASEAN e-commerce trust mark: {name} — Certified"

    change(db, row, "suspend")
    suspended = svg(client.get(f"/trust/badge/{row.credential_id}.svg").content)
    assert suspended.get("data-standing") == "suspended"
    assert [t.text for t in suspended.iter(f"{SVG}text")][-1] == "Suspended · verify live"
    in_vietnamese = svg(client.get(f"/trust/badge/{row.credential_id}.svg?lang=vi").content)
    assert [t.text for t in in_vietnamese.iter(f"{SVG}text")][-1] == "Bị đình chỉ · xác minh trực tuyến"
    change(db, row, "revoke")
    revoked = svg(client.get(f"/trust/badge/{row.credential_id}.svg?lang=zz").content)
    assert [t.text for t in revoked.iter(f"{SVG}text")][-1] == "Revoked · verify live"


def test_qr_is_svg_of_the_live_verification_url(client: TestClient, db: Session, vn: Any) -> None:
    row = issue(db, vn, "Q")
    response = client.get(f"/trust/qr/{row.credential_id}.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    title = svg(response.content).find(f"{SVG}title")
    assert title is not None and title.text == verify_url(row)


@pytest.mark.parametrize(
    "path",
    [
        "/trust/badge/urn:uuid:00000000-0000-4000-8000-000000000000.svg",
        "/trust/qr/urn:uuid:00000000-0000-4000-8000-000000000000.svg",
        "/trust/verify/urn:uuid:00000000-0000-4000-8000-000000000000",
        "/trust/businesses/VN/NOBODY",
        "/trust/businesses/VN/bad%20id",
    ],
)
def test_unknown_ids_are_404(client: TestClient, db: Session, vn: Any, path: str) -> None:
    issue(db, vn, "N")
    assert client.get(path).status_code == 404
    assert client.get(path, headers=HTML).status_code == 404


# --- live verification ------------------------------------------------------------------------------------------


def test_live_verification_of_a_stored_credential(client: TestClient, db: Session, vn: Any) -> None:
    row = issue(db, vn, "L")
    valid = client.get(f"/trust/verify/{row.credential_id}", headers=HTML).text
    assert '<h2 id="verification-title">Valid</h2>' in valid
    assert "Valid: the signature, dates and status all check out." in valid
    assert '<dd id="verification-issuer">Trust Mark Operator VN (VN)</dd>' in valid
    assert 'href="/trust/businesses/VN/VN-0101234567"' in valid

    # Verified as Laos, party to no arrangement with Viet Nam: the answer says why it is not valid there.
    in_laos = client.get(f"/trust/verify/{row.credential_id}", params={"country": "LA"}, headers=HTML).text
    assert '<li data-reason="not_recognised">' in in_laos and "Not valid" in in_laos
    bad_country = client.get(f"/trust/verify/{row.credential_id}", params={"country": "FR"}, headers=HTML)
    assert bad_country.status_code == 422 and 'id="verification"' not in bad_country.text

    change(db, row, "suspend")
    suspended = client.get(f"/trust/verify/{row.credential_id}", headers=HTML).text
    assert '<h2 id="verification-title">Not valid</h2>' in suspended
    assert '<li data-reason="suspended">The issuer has suspended this credential.</li>' in suspended
    assert '<dd id="verification-status">Suspended</dd>' in suspended
    assert row.token not in suspended  # the page checks the token; it does not need to show it


def test_verify_form_checks_a_pasted_credential(client: TestClient, db: Session, vn: Any) -> None:
    row = issue(db, vn, "V")
    token = csrf_token(client, "/trust/verify")
    done = client.post("/trust/verify", data={"csrf_token": token, "credential": f"  {row.token}\n"}, headers=HTML)
    assert done.status_code == 200 and '<h2 id="verification-title">Valid</h2>' in done.text

    junk = client.post("/trust/verify", data={"csrf_token": token, "credential": "not.a.token"}, headers=HTML)
    assert junk.status_code == 200 and '<h2 id="verification-title">Not valid</h2>' in junk.text
    assert "This is not a readable credential: check that it was copied whole." in junk.text

    header, payload, signature = row.token.split(".")
    other = "AAAA" if not signature.startswith("AAAA") else "BBBB"  # the head of a signature has no padding bits
    forged = f"{header}.{payload}.{other}{signature[4:]}"
    tampered = client.post("/trust/verify", data={"csrf_token": token, "credential": forged}, headers=HTML).text
    assert '<li data-reason="bad_signature">The signature does not match' in tampered and "Not valid" in tampered


def test_verify_form_refuses_without_csrf_and_bad_input(client: TestClient, db: Session, vn: Any) -> None:
    row = issue(db, vn, "C")
    refused = client.post("/trust/verify", data={"credential": row.token}, headers=HTML)
    assert refused.status_code == 403 and 'id="verification"' not in refused.text
    token = csrf_token(client, "/trust/verify")
    empty = client.post("/trust/verify", data={"csrf_token": token, "credential": " "}, headers=HTML)
    assert empty.status_code == 422 and '<a href="#credential">Credential</a>: is required' in empty.text
    limit = trust_settings().max_token_bytes
    long = client.post("/trust/verify", data={"csrf_token": token, "credential": "a" * (limit + 1)}, headers=HTML)
    assert long.status_code == 422 and f"must be at most {limit} characters" in long.text
    assert "a" * (limit + 1) not in long.text
    huge = client.post("/trust/verify", data={"csrf_token": token, "credential": "a" * (limit + 5000)}, headers=HTML)
    assert huge.status_code == 413 and 'id="verification"' not in huge.text
    country = client.post(
        "/trust/verify", data={"csrf_token": token, "credential": row.token, "country": "ZZ"}, headers=HTML
    )
    assert country.status_code == 422 and '<a href="#country">Member state</a>' in country.text


def test_pages_are_public_and_translated(client: TestClient, db: Session, vn: Any) -> None:
    issue(db, vn, "T")
    home = client.get("/", headers=HTML).text
    assert '<a href="/trust/registry">Trust registry</a>' in home
    client.cookies.set("cb_lang", "th")
    thai = client.get("/trust/registry", headers=HTML).text
    assert "Saigon Silk Co" in thai and "Trust registry" not in thai
