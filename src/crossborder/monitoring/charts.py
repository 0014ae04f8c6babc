"""Charts as server-side SVG: the same markup goes into pages (inline, no JavaScript) and into PDF
reports (fpdf2 draws SVG), so a report and its page never disagree.

Values are Decimal (or int) figures; floats appear only as drawing coordinates. A missing value
(None) is drawn as a gap labelled "n/a", never as zero. Every chart carries a <title> and a
<desc> listing its figures, so screen readers and text search see the numbers too."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

Number = Decimal | int | float

# Colour-blind-safe palette (Okabe & Ito); series beyond it repeat with a dash pattern.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 64
FONT = 'font-family="Noto Sans, DejaVu Sans, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


def _fmt(value: Number) -> str:
    """A figure as printed on a chart: at most two decimals, no exponent."""
    quantised = Decimal(str(value)).quantize(Decimal("0.01"))
    text = format(quantised.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _nice_step(span: float) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about four intervals."""
    raw = span / 4
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _scale(values: Sequence[Number], *, zero: bool) -> tuple[float, float]:
    """Axis bounds on round figures: from 0 (bars) or below the data minimum (lines), four steps."""
    floats = [float(v) for v in values] or [0.0]
    low = min(0.0, min(floats)) if zero else min(floats)
    high = max(0.0, max(floats)) if zero else max(floats)
    if high == low:
        high = low + 1.0
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    while low + 4 * step < high:
        step = _nice_step(step * 4.01)
        low = math.floor(low / step) * step
    return low, low + 4 * step


def _frame(title: str, desc: str, body: list[str], low: float, high: float, unit: str) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" class="chart">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold" {FONT}>{escape(title)}</text>',
    ]
    for step in range(5):  # five gridlines with their values
        value = low + (high - low) * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dddddd"/>')
        label = _fmt(Decimal(str(round(value, 2))))
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" {FONT}>{escape(label)}</text>'
        )
    if unit:
        parts.append(f'<text x="4" y="{TOP - 8}" font-size="10" {FONT}>{escape(unit)}</text>')
    parts.extend(body)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute above went through escape()


def _legend(series: Sequence[Series]) -> list[str]:
    out: list[str] = []
    x = LEFT
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{HEIGHT - 7}" font-size="10" {FONT}>{escape(one.name)}</text>')
        x += 24 + 7 * len(one.name)
    return out


def _desc(categories: Sequence[str], series: Sequence[Series], unit: str) -> str:
    rows = []
    for one in series:
        pairs = zip(categories, one.values, strict=True)
        cells = ", ".join(f"{c}: {'n/a' if v is None else _fmt(v)}" for c, v in pairs)
        rows.append(f"{one.name} ({unit}): {cells}" if unit else f"{one.name}: {cells}")
    return "; ".join(rows)


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for {len(categories)} categories")


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    low: Sequence[Number | None] | None = None,
    high: Sequence[Number | None] | None = None,
) -> Markup:
    """Grouped vertical bars, one group per category; `low`/`high` draw error bars (e.g. a 95%
    confidence interval) on a single-series chart."""
    _check(categories, series)
    present = [v for one in series for v in one.values if v is not None]
    bounds = [v for v in (*(low or ()), *(high or ())) if v is not None]
    y_low, y_high = _scale([*present, *bounds], zero=True)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: Number) -> float:
        return TOP + plot_h - (float(value) - y_low) / (y_high - y_low) * plot_h

    body: list[str] = []
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for c_index, category in enumerate(categories):
        x0 = LEFT + c_index * group_w + group_w * 0.1
        for s_index, one in enumerate(series):
            value = one.values[c_index]
            x = x0 + s_index * bar_w
            if value is None:
                body.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 4}" font-size="9" '
                            f'text-anchor="middle" {FONT}>n/a</text>')  # fmt: skip
                continue
            top, base = y_of(value), y_of(0 if y_low <= 0 else y_low)
            colour = PALETTE[s_index % len(PALETTE)]
            body.append(
                f'<rect x="{x:.1f}" y="{min(top, base):.1f}" width="{bar_w * 0.95:.1f}" '
                f'height="{abs(base - top):.1f}" fill="{colour}"><title>{escape(one.name)}, '
                f"{escape(category)}: {_fmt(value)}</title></rect>"
            )
        if low is not None and high is not None and low[c_index] is not None and high[c_index] is not None:
            mid = x0 + bar_w * 0.475
            y1, y2 = y_of(low[c_index]), y_of(high[c_index])  # type: ignore[arg-type]
            body.append(f'<line x1="{mid:.1f}" y1="{y1:.1f}" x2="{mid:.1f}" y2="{y2:.1f}" stroke="#000000"/>')
            for y in (y1, y2):
                body.append(f'<line x1="{mid - 4:.1f}" y1="{y:.1f}" x2="{mid + 4:.1f}" y2="{y:.1f}" stroke="#000000"/>')
        label_x = LEFT + c_index * group_w + group_w / 2
        body.append(f'<text x="{label_x:.1f}" y="{TOP + plot_h + 14}" font-size="10" text-anchor="middle" '
                    f"{FONT}>{escape(category)}</text>")  # fmt: skip
    if len(series) > 1:
        body.extend(_legend(series))
    return _frame(title, _desc(categories, series, unit), body, y_low, y_high, unit)


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], *, unit: str = "") -> Markup:
    """One line per series over the x labels (cycles, years, months); a missing value breaks the line."""
    _check(x_labels, series)
    present = [v for one in series for v in one.values if v is not None]
    y_low, y_high = _scale(present, zero=False)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)
    body: list[str] = []
    for s_index, one in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        dash = "" if s_index < len(PALETTE) else ' stroke-dasharray="4 3"'
        run: list[str] = []
        for x_index, value in enumerate([*one.values, None]):
            if value is None:
                if len(run) > 1:
                    body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                                f'stroke-width="2"{dash}/>')  # fmt: skip
                run = []
                continue
            x = LEFT + x_index * step
            y = TOP + plot_h - (float(value) - y_low) / (y_high - y_low) * plot_h
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(one.name)}, '
                        f"{escape(x_labels[x_index])}: {_fmt(value)}</title></circle>")  # fmt: skip
    for x_index, label in enumerate(x_labels):
        body.append(f'<text x="{LEFT + x_index * step:.1f}" y="{TOP + plot_h + 14}" font-size="10" '
                    f'text-anchor="middle" {FONT}>{escape(label)}</text>')  # fmt: skip
    body.extend(_legend(series))
    return _frame(title, _desc(x_labels, series, unit), body, y_low, y_high, unit)


_TOOLTIP = re.compile(r"<(title|desc)>.*?</\1>", re.DOTALL)
_TEXT = re.compile(r"<text ([^>]*)>(.*?)</text>", re.DOTALL)
# The PDF's fonts (documents/render_pdf registers them) by script: fpdf2 draws SVG text in one font
# per element, without the fallback chain, so each label gets the font of its script.
_SCRIPTS = (("noto-thai", 0x0E00, 0x0E7F), ("noto-lao", 0x0E80, 0x0EFF), ("noto-myanmar", 0x1000, 0x109F),
            ("noto-khmer", 0x1780, 0x17FF))  # fmt: skip


def _family(text: str) -> str:
    for family, first, last in _SCRIPTS:
        if any(first <= ord(ch) <= last for ch in text):
            return family
    return "noto"


def _pdf_text(match: re.Match[str]) -> str:
    attributes, text = match.group(1).replace(FONT, ""), match.group(2)
    return f'<text {attributes} font-family="{_family(text)}">{text}</text>'


def pdf_svg(chart: Markup) -> bytes:
    """The chart for fpdf2, which draws shapes and text but not the <title>/<desc> tooltips."""
    return _TEXT.sub(_pdf_text, _TOOLTIP.sub("", str(chart))).encode()
