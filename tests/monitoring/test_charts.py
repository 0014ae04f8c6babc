"""Charts: well-formed SVG whatever the figures, escaped text, gaps never drawn as zero."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.documents.xmlsafe import parse_xml_or_raise
from crossborder.monitoring.charts import Series, bar_chart, line_chart, pdf_svg

SVG = "{http://www.w3.org/2000/svg}"
figures = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=10**6, allow_nan=False, places=2))


def _parse(svg: object) -> Any:
    return parse_xml_or_raise(str(svg).encode())


def _bars(svg: str) -> list[Any]:
    return [e for e in _parse(svg).iter(f"{SVG}rect") if e.find(f"{SVG}title") is not None]


@given(st.lists(figures, min_size=1, max_size=12))
def test_any_figures_make_well_formed_svg_with_bars_inside_the_canvas(values: list[Decimal | None]) -> None:
    labels = [f"C{i}" for i in range(len(values))]
    for svg in (bar_chart("t", labels, [Series("s", values)]), line_chart("t", labels, [Series("s", values)])):
        root = _parse(svg)
        for rect in root.iter(f"{SVG}rect"):
            assert 0 <= float(rect.get("y", "0")) <= 320
            assert float(rect.get("height", "0")) >= 0
    assert len(_bars(str(bar_chart("t", labels, [Series("s", values)])))) == sum(v is not None for v in values)


def test_a_missing_value_is_labelled_not_drawn_as_zero() -> None:
    svg = str(bar_chart("Coverage", ["MY", "VN"], [Series("2025", [Decimal("40"), None])], unit="%"))
    bars = _bars(svg)
    assert len(bars) == 1 and "MY: 40" in (bars[0].findtext(f"{SVG}title") or "")
    assert ">n/a<" in svg
    assert "2025 (%): MY: 40, VN: n/a" in (_parse(svg).findtext(f"{SVG}desc") or "")


def test_text_is_escaped() -> None:
    svg = str(bar_chart("<script>alert(1)</script>", ["a&b"], [Series("<b>", [1])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    _parse(svg)


def test_error_bars_and_mismatched_series() -> None:
    svg = str(bar_chart("Mean", ["x"], [Series("2026", [Decimal("3.2")])], low=[Decimal("2.9")], high=[Decimal("3.5")]))
    assert len([e for e in _parse(svg).iter(f"{SVG}line") if e.get("stroke") == "#000000"]) == 3
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        bar_chart("t", ["x"], [Series("s", [1, 2])])


def test_a_missing_value_breaks_the_line() -> None:
    svg = str(line_chart("Index", ["2021", "2022", "2023", "2024"], [Series("MY", [1, 2, None, 4])]))
    assert len(list(_parse(svg).iter(f"{SVG}polyline"))) == 1  # 2021-2022 only; 2024 stands alone
    assert len(list(_parse(svg).iter(f"{SVG}circle"))) == 3


def test_pdf_svg_drops_tooltips_only() -> None:
    chart = bar_chart("Title", ["a"], [Series("s", [1])])
    raw = pdf_svg(chart).decode()
    assert "<title>" not in raw and "<desc>" not in raw and ">Title</text>" in raw
