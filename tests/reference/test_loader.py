"""Malformed reference files stop the load with the file, the key path and the reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crossborder.core.errors import ReferenceDataError
from crossborder.reference import Threshold, load_registry

from .conftest import read_country, write_country

SG_RATE = "parameters.indirect_tax.standard_rate"


def _load_error(folder: Path) -> ReferenceDataError:
    with pytest.raises(ReferenceDataError) as caught:
        load_registry(folder)
    return caught.value


def _sg_rate_values(data: dict[str, Any]) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = data["parameters"]["indirect_tax.standard_rate"]["values"]
    return values


def test_missing_source_names_file_key_path_and_reason(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    del _sg_rate_values(data)[1]["source"]
    path = write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.file == str(path)
    assert error.key_path == f"{SG_RATE}.values[1].source"
    assert "source" in error.reason and "URL" in error.reason
    assert str(error).startswith(f"{path}: {SG_RATE}.values[1].source: ")


@pytest.mark.parametrize("bad", ["www.claglobal.com/gst", "ftp://example.org/rates", "see the IRAS site", 42])
def test_source_must_be_an_http_url(data_copy: Path, bad: Any) -> None:
    data = read_country(data_copy, "SG")
    _sg_rate_values(data)[1]["source"] = bad
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[1].source"
    assert "http or https URL" in error.reason


def test_other_sources_must_be_urls_too(data_copy: Path) -> None:
    data = read_country(data_copy, "TH")
    data["parameters"]["de_minimis.customs_duty"]["values"][0]["other_sources"][1] = "not a url"
    write_country(data_copy, "TH", data)
    error = _load_error(data_copy)
    assert error.key_path == "parameters.de_minimis.customs_duty.values[0].other_sources[1]"


def test_missing_as_of(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    del _sg_rate_values(data)[2]["as_of"]
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[2].as_of"
    assert "as_of" in error.reason


def test_item_without_source(data_copy: Path) -> None:
    data = read_country(data_copy, "VN")
    del data["parameters"]["laws.e_commerce"]["items"][1]["source"]
    write_country(data_copy, "VN", data)
    assert _load_error(data_copy).key_path == "parameters.laws.e_commerce.items[1].source"


def test_float_looking_amounts_and_rates_load_as_exact_decimals(data_copy: Path) -> None:
    path = data_copy / "countries" / "TH.yaml"
    text = path.read_text()
    assert 'amount: "1500"' in text and "value: 10\n" in text
    path.write_text(text.replace('amount: "1500"', "amount: 1500.10", 1).replace("value: 10\n", "value: 0.1\n", 1))
    country = load_registry(data_copy).country("TH")
    duty = country.series("de_minimis.customs_duty").values[0]
    assert isinstance(duty.value, Threshold)
    assert duty.value.amount == Decimal("1500.10") and str(duty.value.amount) == "1500.10"
    statutory = country.series("indirect_tax.statutory_rate").values[0]
    assert statutory.value == Decimal("0.1") and isinstance(statutory.value, Decimal)


def test_overlapping_ranges(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    _sg_rate_values(data)[1]["from"] = "2022-12-01"
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[1].from"
    assert "overlaps values[0]" in error.reason


def test_two_open_starts_overlap(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    _sg_rate_values(data)[1]["from"] = None
    write_country(data_copy, "SG", data)
    assert "overlaps" in _load_error(data_copy).reason


def test_to_before_from(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    _sg_rate_values(data)[2]["to"] = "2023-06-30"
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[2]"
    assert "before `from`" in error.reason


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13-01", "01/01/2023", 20230101, "2023-01-01T00:00:00"])
def test_bad_dates(data_copy: Path, bad: Any) -> None:
    path = data_copy / "countries" / "SG.yaml"
    text = path.read_text()
    assert "- from: 2024-01-01\n" in text
    literal = bad if not isinstance(bad, str) or (bad[0].isdigit() and "/" not in bad) else f'"{bad}"'
    path.write_text(text.replace("- from: 2024-01-01\n", f"- from: {literal}\n"))
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[2].from"
    assert "date" in error.reason


def test_bad_as_of(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    _sg_rate_values(data)[0]["as_of"] = "Jan 2024"
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[0].as_of"
    assert "YYYY" in error.reason


@pytest.mark.parametrize(
    ("where", "key", "expected_path"),
    [
        ((), "curency", "curency"),
        (("currency",), "minor_unit", "currency.minor_unit"),
        (("parameters", "indirect_tax.standard_rate"), "descripton", f"{SG_RATE}.descripton"),
        (("parameters", "special_regimes"), "item", "parameters.special_regimes.item"),
    ],
)
def test_unknown_structural_key(data_copy: Path, where: tuple[str, ...], key: str, expected_path: str) -> None:
    data = read_country(data_copy, "SG")
    target = data
    for part in where:
        target = target[part]
    target[key] = "x"
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == expected_path
    assert f"unknown key `{key}`" in error.reason


def test_validity_written_as_effective_from_is_refused(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    _sg_rate_values(data)[2]["effective_from"] = _sg_rate_values(data)[2].pop("from")
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == f"{SG_RATE}.values[2]"
    assert "`from:`" in error.reason


def test_threshold_structure_is_strict(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    data["parameters"]["de_minimis.customs_duty"]["values"][0]["value"]["basis"] = "CIF"
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == "parameters.de_minimis.customs_duty.values[0].value.basis"


@pytest.mark.parametrize(
    ("parameter", "bad", "reason"),
    [
        ("indirect_tax.standard_rate", "nine", "decimal"),
        ("indirect_tax.standard_rate", 150, "between 0 and 100"),
        ("indirect_tax.standard_rate", True, "decimal"),
        ("indirect_tax.applies_at_import", "yes", "bool"),
        ("de_minimis.customs_duty", {"amount": "400"}, "currency"),
        ("de_minimis.customs_duty", {"amount": "1,500", "currency": "SGD"}, "decimal"),
        ("international.un_ecc", 3, "string"),
    ],
)
def test_value_must_fit_its_unit(data_copy: Path, parameter: str, bad: Any, reason: str) -> None:
    data = read_country(data_copy, "SG")
    data["parameters"][parameter]["values"][-1]["value"] = bad
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    count = len(data["parameters"][parameter]["values"])
    assert error.key_path.startswith(f"parameters.{parameter}.values[{count - 1}].value")
    assert reason in error.reason.lower()


def test_null_value_needs_a_note(data_copy: Path) -> None:
    data = read_country(data_copy, "BN")
    del data["parameters"]["indirect_tax.standard_rate"]["values"][0]["note"]
    write_country(data_copy, "BN", data)
    error = _load_error(data_copy)
    assert error.key_path == "parameters.indirect_tax.standard_rate.values[0]"
    assert "note" in error.reason


def test_low_confidence_needs_a_note(data_copy: Path) -> None:
    data = read_country(data_copy, "LA")
    del data["parameters"]["de_minimis.customs_duty"]["values"][0]["note"]
    data["parameters"]["de_minimis.customs_duty"]["values"][0]["value"] = {"amount": "1", "currency": "LAK"}
    write_country(data_copy, "LA", data)
    assert "confidence is low" in _load_error(data_copy).reason


def test_values_and_items_are_exclusive(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    data["parameters"]["special_regimes"]["values"] = []
    write_country(data_copy, "SG", data)
    error = _load_error(data_copy)
    assert error.key_path == "parameters.special_regimes"
    assert "either `values`" in error.reason


def test_file_name_must_match_code(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    path = write_country(data_copy, "SG", data, file_name="XB.yaml")
    error = _load_error(data_copy)
    assert error.file == str(path) and error.key_path == "code"
    assert "XB.yaml" in error.reason and "SG.yaml" in error.reason


@pytest.mark.parametrize("code", ["sg", "SGP", "S1"])
def test_code_must_be_two_capital_letters(data_copy: Path, code: str) -> None:
    data = read_country(data_copy, "SG")
    data["code"] = code
    (data_copy / "countries" / "SG.yaml").unlink()
    write_country(data_copy, code, data)
    error = _load_error(data_copy)
    assert error.key_path == "code"
    assert "two capital letters" in error.reason


def test_yaml_syntax_error_names_the_line(data_copy: Path) -> None:
    path = data_copy / "countries" / "MY.yaml"
    path.write_text(path.read_text().replace("code: MY\n", "code: [MY\n"))
    error = _load_error(data_copy)
    assert error.file == str(path)
    assert error.key_path.startswith("<line ")
    assert "YAML syntax" in error.reason


def test_duplicate_keys_are_refused(data_copy: Path) -> None:
    path = data_copy / "countries" / "MY.yaml"
    path.write_text(path.read_text().replace("name: Malaysia\n", "name: Malaysia\nname: Malaya\n"))
    error = _load_error(data_copy)
    assert "appears twice" in error.reason


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "countries" / "MY.yaml").write_text("# nothing yet\n")
    error = _load_error(data_copy)
    assert error.key_path == "<root>"
    assert "mapping" in error.reason


def test_stray_yml_file_is_not_silently_ignored(data_copy: Path) -> None:
    (data_copy / "countries" / "TL.yml").write_text("code: TL\n")
    assert "only <CODE>.yaml" in _load_error(data_copy).reason


def test_missing_pieces_of_the_folder(tmp_path: Path) -> None:
    assert "regional.yaml" in _load_error(tmp_path).reason
    (tmp_path / "regional.yaml").write_text("coverage: {from: 2000-01-01, to: 2035-12-31}\nfacts: {}\n")
    assert "countries/" in _load_error(tmp_path).reason
    (tmp_path / "countries").mkdir()
    assert "no country files" in _load_error(tmp_path).reason


def test_regional_coverage_must_be_ordered(data_copy: Path) -> None:
    path = data_copy / "regional.yaml"
    path.write_text(path.read_text().replace("to: 2035-12-31", "to: 1999-12-31"))
    error = _load_error(data_copy)
    assert error.file == str(path) and error.key_path == "coverage"


def test_every_problem_is_listed_in_extra(data_copy: Path) -> None:
    data = read_country(data_copy, "SG")
    del _sg_rate_values(data)[1]["source"]
    del _sg_rate_values(data)[1]["as_of"]
    write_country(data_copy, "SG", data)
    paths = {e["key_path"] for e in _load_error(data_copy).extra["errors"]}
    assert paths == {f"{SG_RATE}.values[1].source", f"{SG_RATE}.values[1].as_of"}
