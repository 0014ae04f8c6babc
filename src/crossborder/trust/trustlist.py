"""Mutual recognition: which issuers a member state's node accepts besides its own operators, and
for what. Pure: a trust list is built once from data and answers in memory, so bulk verification
can ask it for every credential."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crossborder.core.errors import ReferenceDataError

DOMESTIC = "domestic"  # recognised_under for a credential of the verifying state's own operators


@dataclass(frozen=True)
class Arrangement:
    id: str
    title: str
    parties: frozenset[str]  # member states whose operators recognise each other
    issuers: frozenset[str]  # other schemes' issuers, by issuer id
    schemes: frozenset[str]
    subject_countries: frozenset[str]
    effective_from: date
    effective_to: date | None = None
    sample: bool = False

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Recognition:
    recognised_under: str | None
    reason: str | None  # None, "not_recognised" or "outside_scope"


@dataclass(frozen=True)
class TrustList:
    """The arrangements in force in member state `here` on `on`."""

    here: str
    on: date
    arrangements: tuple[Arrangement, ...]
    _memo: dict[tuple[str, str | None, str, str | None], Recognition] = field(default_factory=dict, compare=False)

    def recognise(
        self, issuer: str, issuer_country: str | None, scheme: str, subject_country: str | None
    ) -> Recognition:
        key = (issuer, issuer_country, scheme, subject_country)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._decide(*key)
        return found

    def _decide(self, issuer: str, issuer_country: str | None, scheme: str, subject_country: str | None) -> Recognition:
        if issuer_country is not None and issuer_country == self.here:
            return Recognition(DOMESTIC, None)
        covering = [
            a
            for a in self.arrangements
            if self.here in a.parties and (issuer in a.issuers or (issuer_country in a.parties))
        ]
        if not covering:
            return Recognition(None, "not_recognised")
        for arrangement in covering:
            if scheme in arrangement.schemes and subject_country in arrangement.subject_countries:
                return Recognition(arrangement.id, None)
        return Recognition(None, "outside_scope")


def _codes(raw: Any, where: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ReferenceDataError("trust/data/trustlist.yaml", where, "must be a list of strings")
    return frozenset(raw)


def parse_arrangements(document: dict[str, Any]) -> tuple[Arrangement, ...]:
    found = []
    for i, raw in enumerate(document.get("arrangements") or []):
        where = f"arrangements[{i}]"
        try:
            to = raw.get("effective_to")
            found.append(
                Arrangement(
                    id=str(raw["id"]),
                    title=str(raw["title"]),
                    parties=_codes(raw.get("parties", []), f"{where}.parties"),
                    issuers=_codes(raw.get("issuers", []), f"{where}.issuers"),
                    schemes=_codes(raw["schemes"], f"{where}.schemes"),
                    subject_countries=_codes(raw["subject_countries"], f"{where}.subject_countries"),
                    effective_from=date.fromisoformat(str(raw["effective_from"])),
                    effective_to=date.fromisoformat(str(to)) if to else None,
                    sample=bool(raw.get("sample", False)),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ReferenceDataError("trust/data/trustlist.yaml", where, f"malformed: {exc}") from None
    return tuple(found)


def trust_list_for(here: str, on: date, arrangements: tuple[Arrangement, ...]) -> TrustList:
    return TrustList(here, on, tuple(a for a in arrangements if a.in_force(on)))
