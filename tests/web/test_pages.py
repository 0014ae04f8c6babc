"""Pages through the real app: sign-in with CSRF, language, country guides."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.i18n import translations
from crossborder.reference import get_registry
from tests import factories as f

HTML = {"accept": "text/html"}


def _csrf(client: TestClient, path: str = "/signin") -> str:
    page = client.get(path, headers=HTML).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "form has no CSRF field"
    return match.group(1)


def test_sign_in_needs_the_csrf_token(client: TestClient, db: Session) -> None:
    org = f.org(db, kind=OrgKind.customs_authority, country="TH")
    f.user(db, organisation=org, roles=[Role.customs_officer], email="officer@example.org")
    client.get("/signin", headers=HTML)  # sets the CSRF cookie
    forged = client.post(
        "/signin", data={"email": "officer@example.org", "password": f.PASSWORD}, headers=HTML, follow_redirects=False
    )
    assert forged.status_code == 403
    assert "cb_session" not in forged.cookies


def test_sign_in_and_out(client: TestClient, db: Session) -> None:
    org = f.org(db, kind=OrgKind.customs_authority, country="TH", name="Thai Customs")
    f.user(db, organisation=org, roles=[Role.customs_officer], email="officer@example.org")
    token = _csrf(client)
    wrong = client.post(
        "/signin", data={"email": "officer@example.org", "password": "nope", "csrf_token": token}, headers=HTML
    )
    assert wrong.status_code == 401 and "cb_session" not in client.cookies
    ok = client.post(
        "/signin",
        data={"email": "Officer@Example.org", "password": f.PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        headers=HTML,
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # no open redirect
    home = client.get("/", headers=HTML).text
    assert "Thai Customs (TH)" in home
    out = client.post("/signout", data={"csrf_token": _csrf(client, "/")}, headers=HTML, follow_redirects=False)
    assert out.status_code == 303
    assert "Thai Customs" not in client.get("/", headers=HTML).text


def test_language_switch_translates_the_shell(client: TestClient) -> None:
    response = client.get("/lang/vi?next=/countries", headers=HTML)
    assert response.status_code == 200 and response.url.path == "/countries"
    assert response.headers["content-language"] == "vi"
    translated = translations("vi").gettext("Country guides")
    assert translated != "Country guides" and translated in response.text
    assert 'lang="vi"' in response.text
    client.get("/lang/xx", headers=HTML)  # unknown languages change nothing
    assert client.get("/", headers=HTML).headers["content-language"] == "vi"


def test_accept_language_is_honoured_without_a_cookie(client: TestClient) -> None:
    page = client.get("/", headers={**HTML, "accept-language": "th-TH,th;q=0.9"})
    assert page.headers["content-language"] == "th"


def test_country_guide_shows_the_reference_values_and_sources(client: TestClient) -> None:
    on = date(2025, 6, 1)
    page = client.get(f"/countries/SG?on={on}", headers=HTML).text
    rate = get_registry().country("SG").value_on("indirect_tax.standard_rate", on)
    assert rate is not None
    assert f"{rate.value} %" in page
    assert rate.source in page


def test_guide_shows_a_gap_rather_than_a_guess(client: TestClient) -> None:
    page = client.get("/countries/TH?on=2026-11-22", headers=HTML).text
    assert 'id="gaps"' in page and "2026-09-30" in page


def test_compare_page_lists_every_member_state(client: TestClient) -> None:
    page = client.get("/countries/compare?on=2025-06-01", headers=HTML).text
    rows = re.findall(r'<tr data-country="([A-Z]{2})"', page)
    assert rows == get_registry().member_states()


def test_unknown_country_page_is_a_404_page(client: TestClient) -> None:
    response = client.get("/countries/ZZ", headers=HTML)
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]


def test_accept_language_weights_are_respected() -> None:
    from crossborder.core.i18n import negotiate

    assert negotiate(None, "en;q=0.1,vi;q=0.9") == "vi"
    assert negotiate(None, "fr,ms;q=0.5,th;q=0") == "ms"
    assert negotiate("th", "vi") == "th"


def test_password_guessing_is_throttled_per_account(client: TestClient, db: Session) -> None:
    from crossborder.web.pages import SIGNIN_PER_ACCOUNT

    org = f.org(db, kind=OrgKind.business, country="VN")
    user = f.user(db, organisation=org, roles=[Role.business_user])
    token = _csrf(client)
    for _ in range(SIGNIN_PER_ACCOUNT.hits):
        wrong = client.post("/signin", data={"csrf_token": token, "email": user.email, "password": "wrong password!"},
                            headers=HTML, follow_redirects=False)  # fmt: skip
        assert wrong.status_code == 401
    # Even the right password is refused now, until the window passes.
    right = client.post("/signin", data={"csrf_token": token, "email": user.email.upper(), "password": f.PASSWORD},
                        headers=HTML, follow_redirects=False)  # fmt: skip
    assert right.status_code == 429 and int(right.headers["Retry-After"]) >= 1 and 'id="too-many"' in right.text
