"""Settings of the application workflow (trust/data/applications.yaml), read once; a malformed
file stops start-up naming the key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from crossborder.core.errors import ReferenceDataError

FILE = Path(__file__).resolve().parent / "data" / "applications.yaml"
KNOWN_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain"})  # what core.files.sniff knows


@dataclass(frozen=True)
class ApplicationSettings:
    max_file_bytes: int
    max_files: int
    allowed_media_types: frozenset[str]
    answer_max_chars: int
    renewal_window_days: int
    annual_declaration_text: str


@lru_cache(maxsize=1)
def application_settings() -> ApplicationSettings:
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    try:
        evidence = raw["evidence"]
        found = ApplicationSettings(
            max_file_bytes=int(evidence["max_file_bytes"]),
            max_files=int(evidence["max_files_per_application"]),
            allowed_media_types=frozenset(str(t) for t in evidence["allowed_media_types"]),
            answer_max_chars=int(raw["answer_max_chars"]),
            renewal_window_days=int(raw["renewal_window_days"]),
            annual_declaration_text=" ".join(str(raw["annual_declaration_text"]).split()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReferenceDataError("trust/data/applications.yaml", str(exc), "missing or malformed") from None
    unknown = found.allowed_media_types - KNOWN_TYPES
    if unknown:
        raise ReferenceDataError(
            "trust/data/applications.yaml", "evidence.allowed_media_types", f"cannot recognise {sorted(unknown)}"
        )
    if found.max_file_bytes <= 0 or found.max_files <= 0:
        raise ReferenceDataError("trust/data/applications.yaml", "evidence", "limits must be positive")
    return found
