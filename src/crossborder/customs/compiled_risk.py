"""The lane of a one-line parcel, compiled per destination and day: the profile's thresholds and
the random-selection cut-offs (integers: see `risk.draw_cutoff`) are worked out once, so the common
parcel - nothing fires, green lane - costs one hash and a few comparisons.

`lane` mirrors `risk.assess_risk` rule by rule for the lane and the rules that fired, without their
texts; `decide` runs `assess_risk` itself, for the stored decision with its texts. tests in
tests/customs/test_compiled.py prove both agree."""

from __future__ import annotations

from decimal import Decimal

from crossborder.customs.risk import (
    _RANK,
    Decision,
    RiskInput,
    RiskLine,
    RiskProfile,
    assess_risk,
    draw_cutoff,
    draw_number,
    random_factor,
    sha256,
)

ZERO = Decimal(0)
GREEN = ("green", "[]", True)


class CompiledRisk:
    def __init__(self, profile: RiskProfile, split_threshold: Decimal | None) -> None:
        self.profile = profile
        self.seed = profile.seed
        self.split_threshold = split_threshold
        self.hours = profile.split_window_hours
        self.lowest_band = min((above for above, _ in profile.value_bands), default=None)
        # `assess_risk` selects red below red% x factor, else yellow below (red + yellow)% x factor.
        self.red_below = {t: draw_cutoff(profile.red_percent * random_factor(profile, t)) for t in (False, True)}
        self.yellow_below = {
            t: draw_cutoff((profile.red_percent + profile.yellow_percent) * random_factor(profile, t))
            for t in (False, True)
        }
        self.interest: dict[str, bool] = {}

    def of_interest(self, hs_code: str) -> bool:
        """Could a chapter-of-interest or undervaluation rule fire for this code?"""
        found = self.interest.get(hs_code)
        if found is None:
            profile = self.profile
            found = bool(profile.chapters.get(hs_code[:2])) or any(
                hs_code.startswith(prefix) for prefix in profile.reference_prices
            )
            if len(self.interest) > 65_536:
                self.interest.clear()
            self.interest[hs_code] = found
        return found

    def lane(
        self,
        reference: str,
        customs_value: Decimal,
        hs_code: str,
        goods_value: Decimal,
        quantity: int,
        trusted: bool,
        watch: tuple[str, ...],
        recent: tuple[Decimal, ...],
    ) -> tuple[str, str, bool]:
        """(lane, the fired rules as a JSON list, quiet: nothing but the random draw could fire)."""
        threshold = self.split_threshold
        interest = self.interest.get(hs_code)
        if (
            not watch
            and (self.lowest_band is None or customs_value <= self.lowest_band)
            and (threshold is None or len(recent) + 1 < self.profile.split_min_parcels)
            and not (self.of_interest(hs_code) if interest is None else interest)
        ):
            number = int.from_bytes(sha256(f"{self.seed}:{reference}".encode()).digest()[:8], "big")  # draw_number
            if number < self.red_below[trusted]:
                return "red", '["random"]', True
            if number < self.yellow_below[trusted]:
                return "yellow", '["random"]', True
            return GREEN
        fired = self._fired(reference, customs_value, hs_code, goods_value, quantity, trusted, watch, recent)
        lane = max((lane for _, lane in fired), key=_RANK.__getitem__, default="green")
        return lane, "[" + ",".join(f'"{rule}"' for rule, _ in fired) + "]", False

    def _fired(
        self,
        reference: str,
        customs_value: Decimal,
        hs_code: str,
        goods_value: Decimal,
        quantity: int,
        trusted: bool,
        watch: tuple[str, ...],
        recent: tuple[Decimal, ...],
    ) -> list[tuple[str, str]]:
        """`assess_risk`'s fired rules and their lanes, in its order."""
        profile = self.profile
        relieved = profile.trusted_relieved if trusted else frozenset()
        fired: list[tuple[str, str]] = []

        def fire(rule: str, lane: str, relief_key: str | None = None) -> None:
            if (relief_key or rule) not in relieved:
                fired.append((rule, lane))

        for _ in watch:
            fire("watch_list", "red")
        for above, lane in profile.value_bands:
            if customs_value > above:
                fire("value_band", lane)
        chapter_lane = profile.chapters.get(hs_code[:2])
        if chapter_lane:
            fire("hs_chapter", chapter_lane, "hs_chapter_yellow" if chapter_lane == "yellow" else "hs_chapter_red")
        for prefix, price in profile.reference_prices.items():
            if hs_code.startswith(prefix) and goods_value / quantity < price * profile.undervaluation_ratio:
                fire("undervaluation", "yellow")
        threshold = self.split_threshold
        if threshold is not None and len(recent) + 1 >= profile.split_min_parcels:
            total = customs_value + sum(recent, ZERO)
            if total > threshold and customs_value <= threshold:
                fire("split_shipment", profile.split_lane)
        number = draw_number(reference, self.seed)
        if number < self.red_below[trusted]:
            fired.append(("random", "red"))
        elif number < self.yellow_below[trusted]:
            fired.append(("random", "yellow"))
        return fired

    def decide(
        self,
        reference: str,
        customs_value: Decimal,
        hs_code: str,
        goods_value: Decimal,
        quantity: int,
        trusted: bool,
        watch: tuple[str, ...],
        recent: tuple[Decimal, ...],
    ) -> Decision:
        """The decision with its texts, by `assess_risk` itself (for storing)."""
        line = RiskLine(hs_code, goods_value / quantity)  # as `declarations.prepare` values it
        return assess_risk(
            RiskInput(reference, customs_value, (line,), trusted, watch, recent, self.split_threshold), self.profile
        )
