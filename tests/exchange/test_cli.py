"""`crossborder exchange ...`: the registry, this node's identity and key rotation, the worker."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.audit.models import AuditEntry
from crossborder.exchange.models import TrustedNode
from tests.exchange.material import Peer

runner = CliRunner()


def test_node_add_list_suspend_and_the_audit(tmp_path: Path, db: Session) -> None:
    peer = Peer("th.customs", "TH")
    jwks = tmp_path / "th.json"
    jwks.write_text(json.dumps(peer.jwks()))
    args = ["exchange", "node", "add", "--id", "th.customs", "--country", "TH", "--endpoint", "http://127.0.0.1:8003"]
    result = runner.invoke(cli, [*args, "--jwks", str(jwks), "--types", "acdd,form-d", "--types", "ubl-invoice"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(cli, ["exchange", "node", "list", "--json"]).output)
    assert [(n["node_id"], n["document_types"], n["kids"]) for n in listed] == [
        ("th.customs", ["acdd", "form-d", "ubl-invoice"], [peer.kid])
    ]
    assert runner.invoke(cli, ["exchange", "node", "suspend", "th.customs"]).exit_code == 0
    assert db.execute(select(TrustedNode.status)).scalar_one() == "suspended"
    actions = list(db.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())
    assert actions == ["exchange.node.add", "exchange.node.suspended"]


def test_node_add_refuses_bad_input_naming_each_field(tmp_path: Path, db: Session) -> None:
    jwks = tmp_path / "empty.json"
    jwks.write_text('{"keys": []}')
    args = ["exchange", "node", "add", "--id", "TH", "--country", "Thailand", "--endpoint", "http://203.0.113.7"]
    result = runner.invoke(cli, [*args, "--jwks", str(jwks), "--types", "acdd"])
    assert result.exit_code == 2
    for field in ("node_id", "country", "endpoint", "jwks"):
        assert f"  {field}:" in result.output
    assert "loopback" in result.output
    assert db.execute(select(TrustedNode)).first() is None


def test_identity_and_rotation_keep_old_keys_published(db: Session) -> None:
    first = json.loads(runner.invoke(cli, ["exchange", "identity"]).output)
    (old,) = first["jwks"]["keys"]
    assert runner.invoke(cli, ["exchange", "key", "rotate"]).exit_code == 0
    after = json.loads(runner.invoke(cli, ["exchange", "identity"]).output)
    kids = [k["kid"] for k in after["jwks"]["keys"]]
    assert len(kids) == 2 and kids[0] == old["kid"]


def test_deliver_once_with_nothing_due() -> None:
    result = runner.invoke(cli, ["exchange", "deliver", "--once", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["claimed"] == 0
