"""The customs capability's platform settings (data/settings.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CustomsSettings:
    fx_max_age_days: int
    checkpoint_every: int
    max_line_bytes: int


@lru_cache(maxsize=1)
def customs_settings() -> CustomsSettings:
    raw = yaml.safe_load((DATA_DIR / "settings.yaml").read_text())
    return CustomsSettings(
        fx_max_age_days=int(raw["fx_max_age_days"]),
        checkpoint_every=int(raw["manifest"]["checkpoint_every"]),
        max_line_bytes=int(raw["manifest"]["max_line_bytes"]),
    )
