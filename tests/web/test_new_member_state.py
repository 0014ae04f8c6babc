"""An eleventh member state is a data change only: a new file, no code."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from crossborder.core.errors import ReferenceDataError
from crossborder.core.settings import DEFAULT_REFERENCE_DIR, get_settings
from crossborder.reference import reset_registry_cache


@pytest.fixture
def reference_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, folder)
    monkeypatch.setenv("CROSSBORDER_REFERENCE_DIR", str(folder))
    get_settings.cache_clear()
    reset_registry_cache()
    yield folder
    monkeypatch.delenv("CROSSBORDER_REFERENCE_DIR")
    get_settings.cache_clear()
    reset_registry_cache()


def test_a_fictitious_state_appears_everywhere(reference_copy: Path, client: TestClient) -> None:
    source = yaml.safe_load((reference_copy / "countries" / "MY.yaml").read_text())
    source.update(code="XA", name="Fictitia", m49="999")
    (reference_copy / "countries" / "XA.yaml").write_text(yaml.safe_dump(source, allow_unicode=True))
    reset_registry_cache()

    assert "XA" in [c["code"] for c in client.get("/api/v1/countries").json()]
    assert client.get("/api/v1/countries/XA?on=2025-06-01").json()["name"] == "Fictitia"
    assert "Fictitia" in client.get("/countries/compare", headers={"accept": "text/html"}).text
    assert "Fictitia" in client.get("/countries/XA", headers={"accept": "text/html"}).text
    # Organisations can now be registered there too.
    from crossborder.core.access.service import check_country

    assert check_country("XA") == "XA"
    # Its consumers can complain; deadlines run in the time zone its file gives.
    from tests.redress.helpers import complaint

    filed = client.post("/api/v1/redress/complaints", json=complaint(consumer_country="XA", currency="USD"))
    assert filed.status_code == 202, filed.text


def test_a_malformed_file_stops_start_up_naming_file_and_key(reference_copy: Path) -> None:
    path = reference_copy / "countries" / "SG.yaml"
    path.write_text(path.read_text().replace("source: https://", "source: ftp://", 1))
    reset_registry_cache()
    from crossborder.app import create_app

    with pytest.raises(ReferenceDataError) as raised:
        create_app()
    assert "SG.yaml" in raised.value.file
    assert "source" in raised.value.key_path
