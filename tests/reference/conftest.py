"""Fixtures for the reference capability: the packaged data, a writable copy of it, and settings
isolated from the developer's environment."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossborder.core.settings import DEFAULT_REFERENCE_DIR, get_settings
from crossborder.reference import ReferenceRegistry, load_registry, reset_registry_cache
from crossborder.reference.yaml_io import load_yaml

DATA_DIR = DEFAULT_REFERENCE_DIR


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    # get_settings() would otherwise create var/secret_key in the working directory.
    monkeypatch.setenv("CROSSBORDER_SECRET_KEY", "test-secret")
    monkeypatch.setenv("CROSSBORDER_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("CROSSBORDER_REFERENCE_DIR", raising=False)
    get_settings.cache_clear()
    reset_registry_cache()
    yield
    get_settings.cache_clear()
    reset_registry_cache()


@pytest.fixture(scope="session")
def registry() -> ReferenceRegistry:
    return load_registry(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged reference folder."""
    target = tmp_path / "reference"
    shutil.copytree(DATA_DIR, target)
    return target


def read_country(folder: Path, code: str) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml((folder / "countries" / f"{code}.yaml").read_text())
    return data


def write_country(folder: Path, code: str, data: dict[str, Any], file_name: str | None = None) -> Path:
    path = folder / "countries" / (file_name or f"{code}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path
