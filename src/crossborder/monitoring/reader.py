"""Reading one plan file: a YAML mapping checked key by key, each complaint naming the file, the key path
inside it and the reason; plus the parts every plan file shares (source, meta, version history)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import ReferenceDataError

# A year the document gives as a due date; anything outside is a typo, not a plan.
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class Source:
    document: str
    section: str


@dataclass(frozen=True)
class Revision:
    """An earlier version of a file: its number, when it applied, and the values it held."""

    version: int
    effective_from: date | None
    superseded: date
    reason: str
    changed: Mapping[str, Any]


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    document: str
    seed: str
    version: int
    effective_from: date | None
    adopted: date | None
    living_document: bool
    living_document_statement: str | None
    notes: tuple[str, ...]
    history: tuple[Revision, ...]
    source: Source | None


class PlanFile:
    """One YAML file being read: every complaint names it and the key path."""

    def __init__(self, path: Path, shown: str) -> None:
        self.shown = shown
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReferenceDataError(shown, "", "file not found") from None
        except yaml.YAMLError as exc:
            raise ReferenceDataError(shown, "", f"not valid YAML: {exc}") from None
        self.root = self.mapping(raw, "", required={}, optional={})

    def fail(self, path: str, reason: str) -> ReferenceDataError:
        return ReferenceDataError(self.shown, path, reason)

    def mapping(
        self, value: Any, path: str, *, required: Mapping[str, object], optional: Mapping[str, object]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, found {type(value).__name__}")
        if required or optional:
            unknown = sorted(str(k) for k in value if k not in required and k not in optional)
            if unknown:
                allowed = ", ".join(sorted([*required, *optional]))
                raise self.fail(join_path(path, unknown[0]), f"unknown key (allowed: {allowed})")
            missing = [k for k in required if k not in value]
            if missing:
                why = " (every item needs a source {document, section})" if missing[0] == "source" else ""
                raise self.fail(join_path(path, missing[0]), f"required key missing{why}")
        return value

    def items(self, parent: Mapping[str, Any], key: str, path: str, *, empty_ok: bool = False) -> list[Any]:
        value = parent.get(key)
        where = join_path(path, key)
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, found {type(value).__name__}")
        if not value and not empty_ok:
            raise self.fail(where, "must not be empty")
        return value

    def text(self, parent: Mapping[str, Any], key: str, path: str, *, nullable: bool = False) -> str | None:
        value = parent.get(key)
        if value is None and nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            expected = "a non-empty string or null" if nullable else "a non-empty string"
            raise self.fail(join_path(path, key), f"expected {expected}, found {value!r}")
        return value

    def req_text(self, parent: Mapping[str, Any], key: str, path: str) -> str:
        value = self.text(parent, key, path)
        assert value is not None  # text() without nullable never returns None
        return value

    def day(self, parent: Mapping[str, Any], key: str, path: str) -> date | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(join_path(path, key), f"expected a date YYYY-MM-DD or null, found {value!r}")

    def due(self, parent: Mapping[str, Any], key: str, path: str) -> int | date | None:
        value = parent.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            if value not in YEARS:
                raise self.fail(join_path(path, key), f"year {value} outside {YEARS.start}-{YEARS.stop - 1}")
            return value
        if value is None or isinstance(value, (date, str)):
            return self.day(parent, key, path)
        raise self.fail(join_path(path, key), f"expected a year, a date YYYY-MM-DD or null, found {value!r}")

    def source(self, parent: Mapping[str, Any], path: str) -> Source:
        where = join_path(path, "source")
        if parent.get("source") is None:
            raise self.fail(where, "every item needs a source {document, section}")
        raw = self.mapping(parent["source"], where, required={"document": str, "section": str}, optional={})
        return Source(self.req_text(raw, "document", where), self.req_text(raw, "section", where))

    def meta(self, extra: Mapping[str, object]) -> DocumentMeta:
        raw = self.mapping(
            self.root.get("meta"),
            "meta",
            required={"title": str, "document": dict, "version": int},
            optional={"effective_from": date, "notes": list, **extra},
        )
        doc = self.mapping(raw["document"], "meta.document", required={"seed": str, "title": str}, optional={})
        version = raw["version"]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail("meta.version", f"expected a whole number from 1, found {version!r}")
        effective_from = self.day(raw, "effective_from", "meta")
        notes = raw.get("notes") or []
        if not isinstance(notes, list) or not all(isinstance(n, str) and n.strip() for n in notes):
            raise self.fail("meta.notes", "expected a list of non-empty strings")
        living = raw.get("living_document", False)
        if not isinstance(living, bool):
            raise self.fail("meta.living_document", f"expected true or false, found {living!r}")
        statement = self.text(raw, "living_document_statement", "meta", nullable=True)
        if living and statement is None:
            raise self.fail("meta.living_document_statement", "a living document quotes the sentence that says so")
        return DocumentMeta(
            title=self.req_text(raw, "title", "meta"),
            document=self.req_text(doc, "title", "meta.document"),
            seed=self.req_text(doc, "seed", "meta.document"),
            version=version,
            effective_from=effective_from,
            adopted=self.day(raw, "adopted", "meta"),
            living_document=living,
            living_document_statement=statement,
            notes=tuple(notes),
            history=self.history(version, effective_from),
            source=self.source(raw, "meta") if "source" in raw else None,
        )

    def history(self, version: int, effective_from: date | None) -> tuple[Revision, ...]:
        if "history" not in self.root:
            raise self.fail("history", "required key missing (an empty list for a first version)")
        found: list[Revision] = []
        for i, raw in enumerate(self.items(self.root, "history", "", empty_ok=True)):
            path = f"history[{i}]"
            entry = self.mapping(
                raw,
                path,
                required={"version": int, "superseded": date, "reason": str, "changed": dict},
                optional={"effective_from": date},
            )
            old = entry["version"]
            if not isinstance(old, int) or isinstance(old, bool) or old < 1 or old >= version:
                raise self.fail(f"{path}.version", f"expected an earlier version than {version}, found {old!r}")
            if found and old <= found[-1].version:
                raise self.fail(f"{path}.version", "history must list versions in ascending order")
            superseded = self.day(entry, "superseded", path)
            if superseded is None:
                raise self.fail(f"{path}.superseded", "required: the day the next version took effect")
            changed = self.mapping(entry["changed"], f"{path}.changed", required={}, optional={})
            if not changed:
                raise self.fail(f"{path}.changed", "must list the old value of every changed key path")
            found.append(
                Revision(
                    old,
                    self.day(entry, "effective_from", path),
                    superseded,
                    self.req_text(entry, "reason", path),
                    changed,
                )
            )
        if found and effective_from is None:
            raise self.fail("meta.effective_from", "required once the file has a history")
        if found and effective_from is not None and found[-1].superseded != effective_from:
            raise self.fail(
                f"history[{len(found) - 1}].superseded", "must equal meta.effective_from of the current version"
            )
        return tuple(found)


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def unique(file: PlanFile, seen: dict[str, str], key: str, path: str) -> None:
    if key in seen:
        raise file.fail(path, f"duplicate id {key!r} (first at {seen[key]})")
    seen[key] = path


# Every item of every plan file carries one.
SOURCE_KEY = {"source": dict}
