"""The command line over the same services as the API."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.access.models import User
from crossborder.core.audit.service import verify_chain

runner = CliRunner()


def _json(args: list[str], **kwargs: object) -> dict[str, object]:
    result = runner.invoke(cli, args, **kwargs)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_org_user_and_api_key_lifecycle(db: Session) -> None:
    org = _json(["org", "create", "--name", "Kastam", "--kind", "customs_authority", "--country", "MY", "--json"])
    user = _json(
        [
            "user",
            "create",
            "--email",
            "siti@example.org",
            "--org",
            str(org["id"]),
            "--role",
            "customs_officer",
            "--json",
        ],
        env={"CROSSBORDER_NEW_PASSWORD": "a long enough password"},
    )
    assert user["roles"] == ["customs_officer"]
    key = _json(["apikey", "create", "--org", str(org["id"]), "--role", "customs_officer", "--json"])
    assert str(key["token"]).startswith("cbk_")
    revoked = runner.invoke(cli, ["apikey", "revoke", str(key["key_id"])])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert verify_chain(db).ok and verify_chain(db).entries == 4


def test_bad_input_names_field_and_rule_and_exits_2() -> None:
    result = runner.invoke(cli, ["org", "create", "--name", "X", "--kind", "bank", "--country", "ZZ"])
    assert result.exit_code == 2
    assert "kind: must be one of" in result.output and "country:" in result.output


def test_short_password_is_refused_without_echoing_it(db: Session) -> None:
    org = _json(["org", "create", "--name", "Shop", "--kind", "business", "--country", "VN", "--json"])
    result = runner.invoke(
        cli,
        ["user", "create", "--email", "a@example.org", "--org", str(org["id"]), "--role", "business_user"],
        env={"CROSSBORDER_NEW_PASSWORD": "short"},
    )
    assert result.exit_code == 2 and "password" in result.output and "short" not in result.output
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_demo_seed_is_idempotent(db: Session) -> None:
    first = runner.invoke(cli, ["demo", "seed"])
    assert first.exit_code == 0, first.output
    count = db.execute(select(func.count()).select_from(User)).scalar_one()
    assert count > 30
    again = runner.invoke(cli, ["demo", "seed"])
    assert again.exit_code == 0 and "(0 users added)" in again.output
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == count
    from crossborder.redress.models import RedressCase

    [case] = db.execute(select(RedressCase)).scalars().all()  # journey 2, once
    assert (case.stage, case.consumer_country, case.seller_country) == ("negotiation", "MY", "VN")
    assert case.seller_org_id is not None  # Linh Batik's own users answer it


def test_reference_show_prints_the_day_s_parameters() -> None:
    body = _json(["reference", "show", "SG", "--on", "2025-06-01", "--json"])
    assert body["parameters"]["indirect_tax.standard_rate"]["value"] == "9"  # type: ignore[index]
