"""Evidence files of trust-mark applications: recognised from their own bytes, bounded in size by
trust/data/applications.yaml, kept with their SHA-256 (the checks themselves: core/files.py)."""

from __future__ import annotations

from crossborder.core.files import CheckedFile, check_upload, safe_filename, sniff
from crossborder.trust.application_settings import application_settings

__all__ = ["CheckedFile", "check", "safe_filename", "sniff"]


def check(filename: str | None, content: bytes) -> CheckedFile:
    settings = application_settings()
    return check_upload(filename, content, settings.max_file_bytes, settings.allowed_media_types)
