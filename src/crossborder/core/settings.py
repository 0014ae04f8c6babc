"""Settings read from the environment (CROSSBORDER_*). One immutable object, built once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE_DIR = PACKAGE_DIR / "reference" / "data"


@dataclass(frozen=True)
class Settings:
    database_url: str
    reference_dir: Path
    secret_key: str
    max_body_bytes: int
    max_manifest_bytes: int
    demo_on_first_start: bool
    log_level: str
    secure_cookies: bool


def _default_database_url() -> str:
    var = Path(os.environ.get("CROSSBORDER_VAR_DIR", "var")).resolve()
    return f"sqlite:///{var / 'crossborder.sqlite3'}"


def _secret_key() -> str:
    """A deployment sets CROSSBORDER_SECRET_KEY; otherwise one is generated once and kept
    under var/ so sessions survive restarts of a local install."""
    key = os.environ.get("CROSSBORDER_SECRET_KEY")
    if key:
        return key
    var = Path(os.environ.get("CROSSBORDER_VAR_DIR", "var")).resolve()
    path = var / "secret_key"
    if path.exists():
        return path.read_text().strip()
    import secrets

    var.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("CROSSBORDER_DATABASE_URL") or _default_database_url(),
        reference_dir=Path(os.environ.get("CROSSBORDER_REFERENCE_DIR") or DEFAULT_REFERENCE_DIR),
        secret_key=_secret_key(),
        max_body_bytes=int(os.environ.get("CROSSBORDER_MAX_BODY_BYTES", str(1024 * 1024))),
        max_manifest_bytes=int(os.environ.get("CROSSBORDER_MAX_MANIFEST_BYTES", str(2 * 1024**3))),
        demo_on_first_start=os.environ.get("CROSSBORDER_DEMO", "1") == "1",
        log_level=os.environ.get("CROSSBORDER_LOG_LEVEL", "INFO"),
        secure_cookies=os.environ.get("CROSSBORDER_SECURE_COOKIES", "0") == "1",
    )
