"""The published API contract is committed (docs/openapi.json): a change to the API must be a
deliberate change to that file too. Regenerate with `python3 dev.py openapi`."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_generated_openapi_matches_the_committed_contract(app: FastAPI) -> None:
    generated = json.loads(json.dumps(app.openapi()))
    committed = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert generated == committed, "the API changed: run `python3 dev.py openapi` and commit docs/openapi.json"
