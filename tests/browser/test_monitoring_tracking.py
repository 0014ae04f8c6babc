"""Tracking in a real browser: Malaysia's focal point signs in, reports an activity as completed on
its page (the form refuses it first without evidence), and the progress page for Malaysia changes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crossborder.core.access.roles import OrgKind, Role
from tests import factories as f

pytestmark = pytest.mark.browser


def test_focal_point_reports_and_sees_progress_change(page, db: Session) -> None:  # type: ignore[no-untyped-def]
    org = f.org(db, kind=OrgKind.ecommerce_focal_point, country="MY", name="MITI Malaysia")
    f.user(db, organisation=org, roles=[Role.focal_point], email="focal@miti.example.my")

    page.goto("/monitoring/tracking?country=MY")
    page.locator("#email").fill("focal@miti.example.my")
    page.locator("#password").fill(f.PASSWORD)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_url("**/monitoring/tracking?country=MY")
    assert page.locator("#overall-percent").inner_text() == "0.0 %"
    assert page.locator("#topic-A\\.3 td.value").inner_text() == "0.0 %"

    page.goto("/monitoring/tracking/activities/A.3.1.1")
    page.locator("#status").select_option("completed")
    page.locator("#as-of").fill("2024-05-01")
    page.locator("#status-form button[type=submit]").click()
    page.wait_for_selector("#errors")
    assert "required when the status is completed" in page.locator("#errors").inner_text()

    page.locator("#evidence").fill("Guidelines published by MITI")
    page.locator("#status-form button[type=submit]").click()
    page.wait_for_selector("#done")
    assert "Guidelines published by MITI" in page.locator("#history").inner_text()

    page.goto("/monitoring/tracking?country=MY")
    assert page.locator("#overall-percent").inner_text() == "1.2 %"  # 1 of 81 activities
    assert page.locator("#topic-A\\.3 td.value").inner_text() == "100.0 %"
