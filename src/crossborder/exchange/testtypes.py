"""A tiny document type for exercising exchange before the real ones are registered, and in tests:
"test-json", a JSON object {"id": non-empty string, "amount": number >= 0}. Off by default;
CROSSBORDER_EXCHANGE_TEST_TYPES=1 registers it at start-up. Never enable it on a real node."""

from __future__ import annotations

import json
import os

from crossborder.documents.issues import Issue
from crossborder.documents.validate import register

TEST_TYPE = "test-json"


def validate_test_json(payload: bytes) -> list[Issue]:
    try:
        doc = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [Issue("TEST-JSON-SYNTAX", "", f"not UTF-8 JSON: {exc}")]
    if not isinstance(doc, dict):
        return [Issue("TEST-JSON-SCHEMA", "", "must be a JSON object")]
    issues: list[Issue] = []
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        issues.append(Issue("TEST-JSON-SCHEMA", "/id", "required: a non-empty string"))
    amount = doc.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        issues.append(Issue("TEST-JSON-SCHEMA", "/amount", "required: a number"))
    elif amount < 0:
        issues.append(Issue("TEST-JSON-AMOUNT", "/amount", f"must not be negative, got {amount}"))
    return issues


def register_test_types() -> None:
    register(TEST_TYPE, validate_test_json)


def register_if_enabled() -> None:
    if os.environ.get("CROSSBORDER_EXCHANGE_TEST_TYPES") == "1":
        register_test_types()
