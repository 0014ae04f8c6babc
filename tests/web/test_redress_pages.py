"""Redress pages through the real app: a consumer files in Malay with an evidence file and no
account, confirms by the e-mailed link (kept in a cookie, not the address bar), writes to the seller;
the seller answers through its own link; the authorities of both states see the case, a third
state's does not; a bad form re-renders with every reason; script in text stays inert."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.redress.models import CaseEvidence, RedressCase
from tests import factories as f
from tests.redress.helpers import authorities, complaint, tokens_for
from tests.web.test_customs_pages import HTML, csrf_token, sign_in

PDF = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n"  # above the default 1 MiB body limit


def _file(client: TestClient, data: dict[str, Any], **kwargs: Any) -> Any:
    page = client.get("/redress/complain", headers=HTML).text
    reference = re.search(r'name="client_reference" value="([^"]+)"', page)
    assert reference is not None
    body = {k: v for k, v in data.items() if k not in ("language", "client_reference")}
    body |= {"client_reference": reference.group(1), "csrf_token": csrf_token(client, "/redress/complain")}
    return client.post("/redress/complaints", data=body, headers=HTML, follow_redirects=False, **kwargs)


def _open_link(browser: TestClient, token: str) -> Any:
    """What a click on the e-mailed link does: the page, then its one button (nothing on GET)."""
    page = browser.get(f"/redress/access?token={token}", headers=HTML)
    assert page.status_code == 200 and 'id="open-case"' in page.text
    form = {"csrf_token": csrf_token(browser, f"/redress/access?token={token}"), "token": token}
    return browser.post("/redress/access", headers=HTML, follow_redirects=False, data=form)


def test_file_confirm_and_talk_through_the_pages(client: TestClient, db: Session) -> None:
    auth = authorities(db)
    client.cookies.set("cb_lang", "ms")
    data = complaint(description='<script>alert("x")</script> Barang tidak sampai.')
    filed = _file(client, data, files={"files": ("<img src=x onerror=alert(1)>.pdf", PDF, "application/pdf")})
    assert filed.status_code == 202, filed.text
    assert "arif@example.my" in filed.text and "<script>" not in filed.text
    case = db.execute(select(RedressCase)).scalar_one()
    assert case.language == "ms" and case.stage == "pending_verification"
    # Following the link with GET (a mail scanner) confirms nothing.
    [unused] = tokens_for(db, "arif@example.my")
    assert TestClient(client.app).get(f"/redress/access?token={unused}", headers=HTML).status_code == 200
    db.expire_all()
    assert case.stage == "pending_verification"
    assert db.execute(select(CaseEvidence.filename)).scalar_one() == "_img src_x onerror_alert(1)_.pdf"

    [token] = tokens_for(db, "arif@example.my")
    opened = _open_link(client, token)
    assert opened.status_code == 303 and "token" not in opened.headers["location"]
    assert opened.headers["location"].endswith("?done=verified")
    page = client.get(opened.headers["location"], headers=HTML)
    assert page.status_code == 200 and 'data-stage="negotiation"' in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    sent = client.post(f"/redress/cases/{case.reference}/actions", headers=HTML, follow_redirects=False,
                       data={"csrf_token": csrf_token(client, f"/redress/cases/{case.reference}"), "action": "message",
                             "body": "Bila barang saya akan sampai?"})  # fmt: skip
    assert sent.status_code == 303, sent.text
    empty = client.post(f"/redress/cases/{case.reference}/actions", headers=HTML,
                        data={"csrf_token": csrf_token(client, f"/redress/cases/{case.reference}"), "action": "message",
                              "body": "  "})  # fmt: skip
    assert empty.status_code == 422 and "body" in empty.text
    no_csrf = client.post(
        f"/redress/cases/{case.reference}/actions", data={"action": "message", "body": "x"}, headers=HTML
    )
    assert no_csrf.status_code == 403

    # The seller answers through its own link, in another browser.
    seller = TestClient(client.app)
    seller_token = tokens_for(db, "shop@linhbatik.example.vn")[-1]
    _open_link(seller, seller_token)
    seller_page = seller.get(f"/redress/cases/{case.reference}", headers=HTML).text
    assert 'data-role="seller"' in seller_page and "Bila barang" in seller_page
    offered = seller.post(f"/redress/cases/{case.reference}/actions", headers=HTML, follow_redirects=False,
                          data={"csrf_token": csrf_token(seller, f"/redress/cases/{case.reference}"), "action": "offer",
                                "terms": "Full refund", "amount": "59.90", "currency": "MYR"})  # fmt: skip
    assert offered.status_code == 303
    assert "Accept this offer" not in seller.get(f"/redress/cases/{case.reference}", headers=HTML).text

    # Both authorities see it (signed in); a third state's officer gets 404.
    officer = TestClient(client.app)
    sign_in(officer, auth.other_officer.email)
    assert 'data-role="authority"' in officer.get(f"/redress/cases/{case.reference}", headers=HTML).text
    assert case.reference in officer.get("/redress/cases", headers=HTML).text
    th_org, _ = f.caller(db, Role.consumer_protection_officer, country="TH")
    th_user = f.user(db, organisation=th_org, roles=[Role.consumer_protection_officer])
    outsider = TestClient(client.app)
    sign_in(outsider, th_user.email)
    assert outsider.get(f"/redress/cases/{case.reference}", headers=HTML).status_code == 404
    # Without a link or a sign-in, the page asks to sign in.
    assert TestClient(client.app).get(f"/redress/cases/{case.reference}", headers=HTML,
                                      follow_redirects=False).status_code == 303  # fmt: skip


def test_a_bad_complaint_form_shows_every_reason(client: TestClient, db: Session) -> None:
    data = complaint(consumer_email="nope", seller_country="", seller_name="", amount="abc")
    shown = _file(client, data)
    assert shown.status_code == 422
    for field in ("consumer_email", "seller_name", "seller_country", "amount"):
        assert f"<code>{field}</code>" in shown.text
    assert db.execute(select(RedressCase)).first() is None
