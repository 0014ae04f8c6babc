"""The trust capability's data: schemes and their criteria, the trust list of arrangements, and
platform settings. Read once; a malformed file stops start-up with the file and key named."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import ReferenceDataError

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Scheme:
    id: str
    title: str
    credential_type: str
    effective_from: date
    validity_days: int
    criteria_areas: tuple[str, ...]
    source: str
    # Its credentials carry the business's national registration (number, validator, format checked).
    includes_registration: bool = False


@dataclass(frozen=True)
class TrustSettings:
    public_base_url: str
    status_list_bits: int
    status_list_ttl_seconds: int
    status_list_valid_days: int
    clock_skew_seconds: int
    max_token_bytes: int
    max_sign_upload_bytes: int


def data_document(name: str) -> dict[str, Any]:
    """One YAML file of trust/data as a mapping."""
    return _load(name)


def _load(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"trust/data/{name}", "", "must be a mapping")
    return raw


@lru_cache(maxsize=1)
def trust_settings() -> TrustSettings:
    raw = _load("settings.yaml")
    bits = int(raw["status_list"]["size_bits"])
    if bits < 131072 or bits % 8:
        # The spec's floor: a smaller list would let the list fetch itself reveal the credential.
        raise ReferenceDataError("trust/data/settings.yaml", "status_list.size_bits", "at least 131072, whole bytes")
    base = os.environ.get("CROSSBORDER_PUBLIC_URL") or str(raw["public_base_url"])
    return TrustSettings(
        public_base_url=base.rstrip("/"),
        status_list_bits=bits,
        status_list_ttl_seconds=int(raw["status_list"]["ttl_seconds"]),
        status_list_valid_days=int(raw["status_list"]["valid_days"]),
        clock_skew_seconds=int(raw["clock_skew_seconds"]),
        max_token_bytes=int(raw["max_token_bytes"]),
        max_sign_upload_bytes=int(raw["signatures"]["max_upload_bytes"]),
    )


@lru_cache(maxsize=1)
def schemes() -> dict[str, Scheme]:
    found: dict[str, Scheme] = {}
    for key, raw in _load("schemes.yaml")["schemes"].items():
        try:
            areas = tuple(str(a["id"]) for a in raw["criteria_areas"])
            found[key] = Scheme(
                id=key,
                title=str(raw["title"]),
                credential_type=str(raw["credential_type"]),
                effective_from=date.fromisoformat(str(raw["effective_from"])),
                validity_days=int(raw["validity_days"]),
                criteria_areas=areas,
                source=str(raw["source"]["document"]),
                includes_registration=bool(raw.get("includes_registration", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferenceDataError("trust/data/schemes.yaml", f"schemes.{key}", f"malformed: {exc}") from None
        if not areas:
            raise ReferenceDataError("trust/data/schemes.yaml", f"schemes.{key}.criteria_areas", "empty")
    return found


def scheme_documents() -> dict[str, Any]:
    """The schemes file as published (criteria with their examples and sources)."""
    return dict(_load("schemes.yaml")["schemes"])


_TRUST_LIST = DATA_DIR / "trustlist.yaml"  # joined once: asked per declaration, the join cost 3x the stat


def trust_list_version() -> int:
    """Changes whenever the trust-list file does: the key of everything derived from it."""
    return _TRUST_LIST.stat().st_mtime_ns


def trust_list_document() -> dict[str, Any]:
    """The trust list, parsed again only when the file changes (customs asks per declaration)."""
    return _trust_list(trust_list_version())


@lru_cache(maxsize=1)
def _trust_list(_modified: int) -> dict[str, Any]:
    return _load("trustlist.yaml")
