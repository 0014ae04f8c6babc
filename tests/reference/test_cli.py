"""The `reference` Typer sub-app: show, list, check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossborder.core.settings import get_settings
from crossborder.reference import reset_registry_cache
from crossborder.reference.cli import app

from .conftest import read_country, write_country

runner = CliRunner()


def test_show_json_prints_the_snapshot() -> None:
    result = runner.invoke(app, ["show", "SG", "--on", "2025-06-01", "--json"])
    assert result.exit_code == 0, result.output
    snapshot = json.loads(result.stdout)
    assert snapshot["parameters"]["indirect_tax.standard_rate"]["value"] == "9"


def test_show_table_is_readable() -> None:
    result = runner.invoke(app, ["show", "TH", "--on", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "Thailand (TH) on 2026-11-22" in result.stdout
    assert "indirect_tax.standard_rate: GAP: last known value ended 2026-09-30" in result.stdout
    assert "indirect_tax.statutory_rate: 10 %" in result.stdout
    assert "de_minimis.customs_duty: THB 1 CIF consignment" in result.stdout


def test_show_defaults_to_today() -> None:
    result = runner.invoke(app, ["show", "MY", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["code"] == "MY"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "XX"], "must be one of: BN"),
        (["show", "SGP"], "two letters"),
        (["show", "SG", "--on", "2025-13-01"], "YYYY-MM-DD"),
        (["show", "SG", "--on", "1990-01-01"], "between 2000-01-01 and 2035-12-31"),
    ],
)
def test_show_usage_errors_go_to_stderr_with_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_list() -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    assert [r["code"] for r in json.loads(result.stdout)][:2] == ["BN", "ID"]


def test_check_packaged_data() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 10 member states")


def test_check_reports_file_key_path_and_reason(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    del data["parameters"]["indirect_tax.standard_rate"]["values"][1]["source"]
    path = write_country(data_copy, "SG", data)
    result = runner.invoke(app, ["check", str(data_copy)])
    assert result.exit_code == 1
    assert f"{path}: parameters.indirect_tax.standard_rate.values[1].source:" in result.stderr


def test_check_fails_when_a_scenario_fails(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    data["parameters"]["indirect_tax.standard_rate"]["values"][2]["value"] = 10
    write_country(data_copy, "SG", data)
    result = runner.invoke(app, ["check", str(data_copy)])
    assert result.exit_code == 1
    assert "FAIL" in result.stderr and "GST 9 % from 1 Jan 2024" in result.stderr


def test_show_uses_the_configured_folder(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = read_country(data_copy, "SG")
    del data["currency"]["source"]
    write_country(data_copy, "SG", data)
    monkeypatch.setenv("CROSSBORDER_REFERENCE_DIR", str(data_copy))
    get_settings.cache_clear()
    reset_registry_cache()
    result = runner.invoke(app, ["show", "SG"])
    assert result.exit_code == 1
    assert "reference data is invalid" in result.stderr and "currency.source" in result.stderr
