"""Reference data of the Laws Reporting Scheme: the shipped files load; every text quoted from the
Work Plan is in the seed; per-state baseline categories only where the seed states them; malformed
files stop loading naming file, key path and rule."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring import laws_reference as ref
from crossborder.monitoring.plans import load_plans
from tests.monitoring.test_plans import SEEDS, WORK_PLAN_SEED


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def test_shipped_files_load() -> None:
    assert set(ref.baseline()) == set(load_plans().topics)
    assert {"un_ecc", "uncitral_ml_ecommerce", "uncitral_ml_esignatures", "asean_pdp_framework"} <= set(
        ref.instruments()
    )
    assert {i.id for i in ref.instruments_for("B.3")} == {"uncitral_ml_ecommerce", "uncitral_ml_esignatures", "un_ecc"}
    stated = {t for t, b in ref.baseline().items() if b.states is not None}
    assert stated == {"B.5", "B.7"}  # the only topics where the seed says "All AMS ... 'partial'"
    assert ref.baseline()["B.5"].level_of("MY") is ref.Level.partial
    assert ref.baseline()["B.1"].level_of("MY") is None
    assert ref.baseline()["A.3"].regional_level is None and ref.baseline()["C.4"].regional_level == "relatively average"


@pytest.mark.skipif(not (SEEDS / WORK_PLAN_SEED).exists(), reason="seed documents not beside the repository")
def test_quotes_are_in_the_seed() -> None:
    seed = _squash((SEEDS / WORK_PLAN_SEED).read_text(encoding="utf-8"))
    seed = re.sub(r"[0-9]", "", seed)  # footnote markers sit inside the sentences
    for b in ref.baseline().values():
        assert re.sub(r"[0-9]", "", _squash(b.summary)) in seed, b.topic_id
        if b.states_quote:
            assert _squash(b.states_quote) in _squash(b.summary)
        assert (b.regional_level is None) or _squash(b.regional_level) in _squash(b.summary)
    for i in ref.instruments().values():
        for source in [i.source, *(s for _, s in i.named_in)]:
            assert source.quote is not None, i.id
            for part in source.quote.split("[...]"):  # "[...]" marks a page break the quote skips
                assert re.sub(r"[0-9]", "", _squash(part)) in seed, i.id


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("instruments.yaml", "mapping_study_2021.yaml", "laws.yaml"):
        shutil.copy(ref.DATA / name, tmp_path / name)
    monkeypatch.setattr(ref, "DATA", tmp_path)
    for cached in (ref.instruments, ref.baseline, ref.settings):
        cached.cache_clear()
    yield tmp_path
    for cached in (ref.instruments, ref.baseline, ref.settings):
        cached.cache_clear()


def _edit(folder: Path, name: str, change: object) -> None:
    raw = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    change(raw)  # type: ignore[operator]
    (folder / name).write_text(yaml.safe_dump(raw), encoding="utf-8")


def test_unknown_topic_in_instruments(data: Path) -> None:
    _edit(data, "instruments.yaml", lambda r: r["instruments"][0].update(topics=["A.1", "Q.7"]))
    with pytest.raises(ReferenceDataError) as caught:
        ref.instruments()
    assert caught.value.file == "monitoring/data/instruments.yaml"
    assert caught.value.key_path == "instruments[0].topics[1]" and "Q.7" in caught.value.reason


def test_category_outside_the_enum(data: Path) -> None:
    _edit(data, "mapping_study_2021.yaml", lambda r: r["topics"][9].update(states={"all": "mostly"}))
    with pytest.raises(ReferenceDataError) as caught:
        ref.baseline()
    assert caught.value.key_path == "topics[9].states.all" and "yes, partial, no" in caught.value.reason


def test_rules_must_cover_every_case(data: Path) -> None:
    _edit(data, "laws.yaml", lambda r: r["coverage_rules"].pop())
    with pytest.raises(ReferenceDataError) as caught:
        ref.settings()
    assert caught.value.key_path == "coverage_rules" and "none" in caught.value.reason


def test_threshold_must_be_a_whole_number(data: Path) -> None:
    _edit(data, "laws.yaml", lambda r: r.update(common_gap_min_states="three"))
    with pytest.raises(ReferenceDataError, match="common_gap_min_states"):
        ref.settings()
