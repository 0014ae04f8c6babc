"""Evidence files: recognised from their own bytes (a declared type or a file name proves nothing),
bounded in size, kept with their SHA-256."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.trust.application_settings import application_settings

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    media_type: str
    size: int
    sha256: str
    content: bytes


def sniff(content: bytes) -> str | None:
    """The media type the bytes themselves show, or None when they are none of the kinds we take."""
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def safe_filename(name: str | None) -> str:
    """The last path part, printable, at most 200 characters: it is shown and used in downloads."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    return base[:200] or "evidence"


def check(filename: str | None, content: bytes) -> CheckedFile:
    settings = application_settings()
    if not content:
        raise ValidationFailed("empty file", errors=[FieldError("file", "must not be empty", filename)])
    if len(content) > settings.max_file_bytes:
        raise ValidationFailed(
            "file too large",
            errors=[FieldError("file", f"at most {settings.max_file_bytes} bytes", f"{len(content)} bytes")],
        )
    media_type = sniff(content)
    if media_type is None or media_type not in settings.allowed_media_types:
        raise ValidationFailed(
            "file type not accepted",
            errors=[
                FieldError(
                    "file",
                    f"must be one of {sorted(settings.allowed_media_types)} (recognised from its content)",
                    media_type or "unrecognised",
                )
            ],
        )
    return CheckedFile(safe_filename(filename), media_type, len(content), hashlib.sha256(content).hexdigest(), content)
