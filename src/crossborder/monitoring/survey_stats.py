"""The survey's statistics, pure and exact where they can be: means and variances from counts, sums
and sums of squares (what SQL hands back), 95 % intervals with the normal quantile of
`statistics.NormalDist`. Means use the normal approximation (mean ± z·s/√n; no t quantile in the
standard library, and cells under the small-n threshold are suppressed anyway); proportions use
Wilson's score interval; year-over-year differences use Welch's standard error for means and the
normal (Wald) approximation for proportions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist

MEAN_PLACES = Decimal("0.001")
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Interval:
    estimate: Decimal
    low: Decimal
    high: Decimal

    @property
    def significant(self) -> bool:
        """The interval excludes 0 (used for differences)."""
        return self.low > 0 or self.high < 0


def z_value(confidence: Decimal) -> Decimal:
    return Decimal(repr(NormalDist().inv_cdf(float((1 + confidence) / 2))))


def _dec(f: Fraction) -> Decimal:
    return Decimal(f.numerator) / Decimal(f.denominator)


def _sqrt(f: Fraction) -> Decimal:
    return _dec(f).sqrt() if f > 0 else Decimal(0)


def mean_var(n: int, total: int, squares: int) -> tuple[Fraction, Fraction]:
    """Exact mean and sample variance (n-1 denominator; 0 for a single answer)."""
    mean = Fraction(total, n)
    var = Fraction(squares * n - total * total, n * (n - 1)) if n > 1 else Fraction(0)
    return mean, var


def mean_ci(n: int, total: int, squares: int, z: Decimal, places: Decimal = MEAN_PLACES) -> Interval:
    mean, var = mean_var(n, total, squares)
    half = z * _sqrt(var / n)
    m = _dec(mean)
    return Interval(m.quantize(places), (m - half).quantize(places), (m + half).quantize(places))


def wilson(k: int, n: int, z: Decimal, places: Decimal = SHARE_PLACES) -> Interval:
    p = Fraction(k, n)
    z2 = z * z
    denom = 1 + z2 / n
    centre = (_dec(p) + z2 / (2 * n)) / denom
    half = z * (_dec(p * (1 - p) / n) + z2 / (4 * n * n)).sqrt() / denom
    return Interval(_dec(p).quantize(places), max(Decimal(0), centre - half).quantize(places),
                    min(Decimal(1), centre + half).quantize(places))  # fmt: skip


def mean_diff(a: tuple[int, int, int], b: tuple[int, int, int], z: Decimal, places: Decimal = MEAN_PLACES) -> Interval:
    """Change from a (earlier year) to b: mean_b - mean_a, Welch's standard error, normal quantile."""
    ma, va = mean_var(*a)
    mb, vb = mean_var(*b)
    d = _dec(mb - ma)
    half = z * _sqrt(va / a[0] + vb / b[0])
    return Interval(d.quantize(places), (d - half).quantize(places), (d + half).quantize(places))


def share_diff(ka: int, na: int, kb: int, nb: int, z: Decimal, places: Decimal = SHARE_PLACES) -> Interval:
    """Change of a proportion from a to b: p_b - p_a, normal (Wald) approximation, unpooled."""
    pa, pb = Fraction(ka, na), Fraction(kb, nb)
    d = _dec(pb - pa)
    half = z * _sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return Interval(d.quantize(places), (d - half).quantize(places), (d + half).quantize(places))
