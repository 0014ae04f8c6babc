"""The risk engine: configurable, explainable lane decisions. Pure: it takes the declaration's
values, the destination's profile and the consignee's recent history, and returns the lane
with every rule that fired. Profiles are data (data/risk/*.yaml), set by each authority."""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import ReferenceDataError


def _short_sha256() -> Callable[[bytes], hashlib._Hash]:
    """CPython's own SHA-256 (`_sha256`, `_sha2` from 3.12): for inputs of a few dozen bytes about
    twice as fast as OpenSSL's, with the same digests."""
    for name in ("_sha256", "_sha2"):
        try:
            return importlib.import_module(name).sha256  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    return hashlib.sha256  # pragma: no cover


sha256 = _short_sha256()

LANES = ("green", "yellow", "red")
_RANK = {lane: i for i, lane in enumerate(LANES)}
RISK_DIR = Path(__file__).resolve().parent / "data" / "risk"


@dataclass(frozen=True)
class RiskProfile:
    destination: str
    yellow_percent: Decimal
    red_percent: Decimal
    seed: str
    value_bands: tuple[tuple[Decimal, str], ...]
    chapters: dict[str, str]
    undervaluation_ratio: Decimal
    reference_prices: dict[str, Decimal]
    split_window_hours: int
    split_min_parcels: int
    split_threshold_parameter: str
    split_lane: str
    trusted_random_factor: Decimal
    trusted_relieved: frozenset[str]
    source_file: str


@dataclass(frozen=True)
class RiskLine:
    hs_code: str
    unit_value: Decimal  # destination currency


@dataclass(frozen=True)
class RiskInput:
    reference: str  # the declaration's own reference: seeds the random draw
    customs_value: Decimal  # destination currency
    lines: tuple[RiskLine, ...]
    trusted_trader: bool
    watch_listed: tuple[str, ...]  # labels of watch-list entries matching consignor or consignee
    recent_values: tuple[Decimal, ...]  # the same consignee's other declarations in the window
    split_threshold: Decimal | None  # in destination currency, from the reference data


@dataclass
class Fired:
    rule: str
    lane: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "lane": self.lane, "text": self.text}


@dataclass
class Decision:
    lane: str
    fired: list[Fired] = field(default_factory=list)
    relieved: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lane": self.lane,
            "fired": [f.as_dict() for f in self.fired],
            "relieved_as_trusted_trader": self.relieved,
        }


def _dec(raw: Any, file: str, path: str) -> Decimal:
    try:
        return Decimal(str(raw))
    except ArithmeticError:  # decimal.InvalidOperation: the value is not a number
        raise ReferenceDataError(file, path, f"must be a decimal number, found {raw!r}") from None


def _lane(raw: Any, file: str, path: str) -> str:
    if raw not in LANES:
        raise ReferenceDataError(file, path, f"must be one of {', '.join(LANES)}, found {raw!r}")
    return str(raw)


def risk_dir() -> Path:
    return Path(os.environ.get("CROSSBORDER_RISK_DIR") or RISK_DIR)


@lru_cache(maxsize=64)
def load_profile(destination: str) -> RiskProfile:
    folder = risk_dir()
    path = folder / f"{destination}.yaml"
    if not path.exists():
        path = folder / "default.yaml"
    file = str(path)
    raw = yaml.safe_load(path.read_text()) or {}
    try:
        random = raw["random"]
        split = raw["split_shipment"]
        trusted = raw["trusted_trader"]
        under = raw["undervaluation"]
        return RiskProfile(
            destination=destination,
            yellow_percent=_dec(random["yellow_percent"], file, "random.yellow_percent"),
            red_percent=_dec(random["red_percent"], file, "random.red_percent"),
            seed=str(random.get("seed", "")),
            value_bands=tuple(
                (_dec(b["above"], file, f"value_bands[{i}].above"), _lane(b["lane"], file, f"value_bands[{i}].lane"))
                for i, b in enumerate(raw.get("value_bands") or [])
            ),
            chapters={
                str(k): _lane(v, file, f"hs_chapters_of_interest.{k}")
                for k, v in (raw.get("hs_chapters_of_interest") or {}).items()
            },
            undervaluation_ratio=_dec(under["ratio"], file, "undervaluation.ratio"),
            reference_prices={
                str(k): _dec(v, file, f"undervaluation.reference_prices.{k}")
                for k, v in (under.get("reference_prices") or {}).items()
            },
            split_window_hours=int(split["window_hours"]),
            split_min_parcels=int(split["min_parcels"]),
            split_threshold_parameter=str(split["threshold_parameter"]),
            split_lane=_lane(split["lane"], file, "split_shipment.lane"),
            trusted_random_factor=_dec(trusted["random_factor"], file, "trusted_trader.random_factor"),
            trusted_relieved=frozenset(trusted.get("relieved_rules") or ()),
            source_file=path.name,
        )
    except KeyError as missing:
        raise ReferenceDataError(file, str(missing.args[0]), "required key is missing") from None


_TWO_64 = Decimal(2**64)


def draw_number(reference: str, seed: str) -> int:
    """The 64-bit number behind a declaration's draw."""
    return int.from_bytes(sha256(f"{seed}:{reference}".encode()).digest()[:8], "big")


def _draw_of(number: int) -> Decimal:
    return Decimal(number) * 100 / _TWO_64


def draw(reference: str, seed: str) -> Decimal:
    """A uniform number in [0, 100) fixed by the declaration: reproducible and auditable,
    yet not guessable without the authority's seed."""
    return _draw_of(draw_number(reference, seed))


def draw_cutoff(percent: Decimal) -> int:
    """The smallest draw number whose draw is not below PERCENT. A draw grows with its number
    (an exact product, then one correctly rounded division), so `draw(...) < percent` exactly when
    `draw_number(...) < draw_cutoff(percent)`: bulk callers compare integers."""
    low, high = 0, 2**64  # numbers are below 2**64: a cutoff of 2**64 selects every one
    while low < high:
        middle = (low + high) // 2
        if _draw_of(middle) < percent:
            low = middle + 1
        else:
            high = middle
    return low


def random_factor(profile: RiskProfile, trusted_trader: bool) -> Decimal:
    return profile.trusted_random_factor if trusted_trader else Decimal(1)


def assess_risk(item: RiskInput, profile: RiskProfile) -> Decision:
    fired: list[Fired] = []
    relieved: list[str] = []

    def fire(rule: str, lane: str, text: str, relief_key: str | None = None) -> None:
        if item.trusted_trader and (relief_key or rule) in profile.trusted_relieved:
            relieved.append(f"{rule}: {text}")
            return
        fired.append(Fired(rule, lane, text))

    for label in item.watch_listed:
        fire("watch_list", "red", f"party on the watch list: {label}")
    for above, lane in profile.value_bands:
        if item.customs_value > above:
            fire("value_band", lane, f"customs value {item.customs_value} above {above}")
    for line in item.lines:
        chapter_lane = profile.chapters.get(line.hs_code[:2])
        if chapter_lane:
            fire(
                "hs_chapter",
                chapter_lane,
                f"HS chapter {line.hs_code[:2]} is of interest",
                "hs_chapter_yellow" if chapter_lane == "yellow" else "hs_chapter_red",
            )
        for prefix, price in profile.reference_prices.items():
            if line.hs_code.startswith(prefix) and line.unit_value < price * profile.undervaluation_ratio:
                fire(
                    "undervaluation",
                    "yellow",
                    f"unit value {line.unit_value} is below "
                    f"{profile.undervaluation_ratio} x the reference price {price} for {prefix}",
                )
    if item.split_threshold is not None and len(item.recent_values) + 1 >= profile.split_min_parcels:
        total = item.customs_value + sum(item.recent_values, Decimal(0))
        if total > item.split_threshold and item.customs_value <= item.split_threshold:
            fire(
                "split_shipment",
                profile.split_lane,
                f"{len(item.recent_values) + 1} parcels to the same consignee within "
                f"{profile.split_window_hours} h total {total}, above the threshold {item.split_threshold} that "
                "each stays under",
            )
    factor = random_factor(profile, item.trusted_trader)
    number = draw(item.reference, profile.seed)
    if number < profile.red_percent * factor:
        fired.append(Fired("random", "red", "selected at random for inspection"))
    elif number < (profile.red_percent + profile.yellow_percent) * factor:
        fired.append(Fired("random", "yellow", "selected at random for a document check"))
    lane = max((f.lane for f in fired), key=_RANK.__getitem__, default="green")
    return Decision(lane, fired, relieved)
