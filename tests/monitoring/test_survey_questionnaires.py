"""Questionnaires as data: the shipped years load and compare like with like; a malformed file stops
loading, naming file, key path and rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring.plans import load_plans
from crossborder.monitoring.survey_questionnaires import SURVEY_DIR, load_questionnaires, parse


def test_shipped_years_load_with_stable_codes_and_one_change() -> None:
    forms = load_questionnaires()
    assert list(forms) == [2025, 2026]
    a, b = forms[2025], forms[2026]
    assert b.version > a.version
    codes_a, codes_b = {q.code for q in a.questions}, {q.code for q in b.questions}
    assert codes_b - codes_a == {"B3_ESIG_DIGITAL_DIFF"} and codes_a <= codes_b
    changed = a.question("A2_PAPERLESS_OBSTACLE"), b.question("A2_PAPERLESS_OBSTACLE")
    assert changed[0] is not None and changed[1] is not None
    assert set(changed[1].option_codes) - set(changed[0].option_codes) == {"document_not_available_electronically"}


def test_every_question_cites_a_survey_activity_of_its_topic() -> None:
    plans = load_plans()
    for form in load_questionnaires().values():
        for q in form.questions:
            activity = plans.activities[q.activity]
            assert activity.text is not None and "Survey" in activity.text
            assert activity.topic_id in q.topics
            assert q.section == activity.source.section and q.wording == "drafted from the activity text"


def _bad(tmp_path: Path, change: Any) -> ReferenceDataError:
    data = yaml.safe_load((SURVEY_DIR / "2026.yaml").read_text())
    change(data)
    path = tmp_path / "2026.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ReferenceDataError) as caught:
        parse(path, load_plans())
    return caught.value


@pytest.mark.parametrize(
    ("change", "key_path", "rule"),
    [
        (lambda d: d["questions"][0].update(topics=["Z.9"]), "questions[0].topics[0]", "unknown Work Plan topic"),
        (lambda d: d["questions"][1]["source"].update(activity="B.3.1.99"), "questions[1].source.activity",
         "unknown Work Plan activity"),
        (lambda d: d["questions"][3].update(type="slider"), "questions[3].type", "unknown type"),
        (lambda d: d["questions"][2].update(max=-5), "questions[2].max", "min < max"),
        (lambda d: d["questions"][4].update(code=d["questions"][0]["code"]), "questions[4].code", "duplicate code"),
        (lambda d: d["questions"][4].pop("required"), "questions[4].required", "required key missing"),
        (lambda d: d["questions"][4].update(wording="quoted"), "questions[4].wording", "drafted from the activity"),
        (lambda d: d["questions"][5].update(topics=["B.1"]), "questions[5].topics", "must include"),
        (lambda d: d.update(year=2027), "year", "file's name"),
    ],
)  # fmt: skip
def test_malformed_file_names_file_path_and_rule(tmp_path: Path, change: Any, key_path: str, rule: str) -> None:
    err = _bad(tmp_path, change)
    assert err.file.endswith("2026.yaml") and err.key_path == key_path and rule in err.reason
