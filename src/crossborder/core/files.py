"""Uploaded files: recognised from their own bytes (a declared type or a file name proves nothing)
and given a name that is safe to show and to put in a download header."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from crossborder.core.errors import FieldError, ValidationFailed

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")


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


def safe_filename(name: str | None, fallback: str = "evidence") -> str:
    """The last path part, printable, at most 200 characters: it is shown and used in downloads."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    return base[:200] or fallback


def content_disposition(name: str) -> str:
    """An attachment header for any file name: an ASCII fallback plus the UTF-8 name (RFC 6266 and
    RFC 5987), since HTTP headers are Latin-1 and a Thai or Vietnamese name would not fit."""
    fallback = "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    media_type: str
    size: int
    sha256: str
    content: bytes


def check_upload(filename: str | None, content: bytes, max_bytes: int, allowed: frozenset[str]) -> CheckedFile:
    """Refuse an empty, oversized or unrecognised file, naming the rule; keep its SHA-256."""
    if not content:
        raise ValidationFailed("empty file", errors=[FieldError("file", "must not be empty", filename)])
    if len(content) > max_bytes:
        raise ValidationFailed(
            "file too large", errors=[FieldError("file", f"at most {max_bytes} bytes", f"{len(content)} bytes")]
        )
    media_type = sniff(content)
    if media_type is None or media_type not in allowed:
        rule = f"must be one of {sorted(allowed)} (recognised from its content)"
        raise ValidationFailed(
            "file type not accepted", errors=[FieldError("file", rule, media_type or "unrecognised")]
        )
    return CheckedFile(safe_filename(filename), media_type, len(content), hashlib.sha256(content).hexdigest(), content)
