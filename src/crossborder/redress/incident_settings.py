"""Settings of fraud-incident sharing, read once: the per-state sharing rules
(data/incident_sharing.yaml) and the operational limits (data/incident_settings.yaml). A malformed
file stops start-up naming the key.

The sharing rules answer one question, `view(reporting state, viewing state)`: full details, a
coarse match alert only, or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.access.roles import REGIONAL
from crossborder.core.errors import ReferenceDataError
from crossborder.core.ratelimit import Limit

DATA = Path(__file__).resolve().parent / "data"
SHARING_FILE = DATA / "incident_sharing.yaml"
SETTINGS_FILE = DATA / "incident_settings.yaml"
SHARING_NAME = "redress/data/incident_sharing.yaml"
PUBLIC_CHECK_SCOPE = "redress.public_check"


class View(StrEnum):
    details = "details"  # the whole report
    alert = "alert"  # only "the identifier you reported was also reported in S"
    none = "none"


@dataclass(frozen=True)
class StateRule:
    details: frozenset[str] | None  # None: every member state
    alerts: frozenset[str] | None
    public_check: bool

    def allows(self, listed: frozenset[str] | None, state: str) -> bool:
        return listed is None or state in listed


@dataclass(frozen=True)
class SharingRules:
    default: StateRule
    states: dict[str, StateRule]

    def rule(self, reporting: str) -> StateRule:
        return self.states.get(reporting, self.default)

    def view(self, reporting: str, viewer: str | None) -> View:
        """What an authority of `viewer` sees of a report from `reporting`."""
        if viewer in (reporting, REGIONAL):
            return View.details
        if viewer is None:
            return View.none
        rule = self.rule(reporting)
        if rule.allows(rule.details, viewer):
            return View.details
        if rule.allows(rule.alerts, viewer):
            return View.alert
        return View.none

    def sharing_details_with(self, viewer: str, member_states: list[str]) -> list[str]:
        """The reporting states whose reports `viewer` sees in full (as a list filter)."""
        return [s for s in member_states if self.view(s, viewer) is View.details]


def _states(raw: Any, key: str, member_states: frozenset[str]) -> frozenset[str] | None:
    if raw == "all":
        return None
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise ReferenceDataError(SHARING_NAME, key, "a list of member states, or `all`")
    unknown = set(raw) - member_states
    if unknown:
        raise ReferenceDataError(SHARING_NAME, key, f"not member states: {sorted(unknown)}")
    return frozenset(raw)


def _rule(raw: Any, key: str, member_states: frozenset[str]) -> StateRule:
    if not isinstance(raw, dict) or not {"details", "alerts", "public_check"} <= set(raw):
        raise ReferenceDataError(SHARING_NAME, key, "needs details, alerts and public_check")
    details = _states(raw["details"], f"{key}.details", member_states)
    alerts = _states(raw["alerts"], f"{key}.alerts", member_states)
    if alerts is not None:
        alerts = None if details is None else alerts | details  # details imply alerts
    if not isinstance(raw["public_check"], bool):
        raise ReferenceDataError(SHARING_NAME, f"{key}.public_check", "true or false")
    return StateRule(details, alerts, raw["public_check"])


def parse_sharing(raw: Any, member_states: list[str]) -> SharingRules:
    known = frozenset(member_states)
    if not isinstance(raw, dict):
        raise ReferenceDataError(SHARING_NAME, "(top)", "a mapping with default and states")
    states = raw.get("states") or {}
    unknown = set(states) - known
    if unknown:
        raise ReferenceDataError(SHARING_NAME, "states", f"not member states: {sorted(unknown)}")
    return SharingRules(
        default=_rule(raw.get("default"), "default", known),
        states={str(s): _rule(r, f"states.{s}", known) for s, r in states.items()},
    )


@lru_cache(maxsize=1)
def sharing_rules() -> SharingRules:
    return parse_sharing(yaml.safe_load(SHARING_FILE.read_text(encoding="utf-8")), member_states())


def member_states() -> list[str]:
    from crossborder.reference import service as reference

    return reference.member_states()


@dataclass(frozen=True)
class IncidentSettings:
    public_check: Limit
    max_alerts_per_identifier: int
    max_identifiers_per_report: int


@lru_cache(maxsize=1)
def incident_settings() -> IncidentSettings:
    raw = yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    try:
        check = raw["public_check"]
        found = IncidentSettings(
            public_check=Limit(PUBLIC_CHECK_SCOPE, int(check["requests_per_window"]), int(check["window_seconds"])),
            max_alerts_per_identifier=int(raw["max_alerts_per_identifier"]),
            max_identifiers_per_report=int(raw["max_identifiers_per_report"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReferenceDataError("redress/data/incident_settings.yaml", str(exc), "missing or malformed") from None
    if found.max_alerts_per_identifier <= 0 or found.max_identifiers_per_report <= 0:
        raise ReferenceDataError("redress/data/incident_settings.yaml", "max_*", "limits must be positive")
    return found
