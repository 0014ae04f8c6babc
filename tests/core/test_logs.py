from __future__ import annotations

import json
import logging

from crossborder.core.logs import JsonFormatter


def test_secrets_never_reach_the_log() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login", None, None)
    record.password = "hunter2-very-secret"
    record.headers = {"Authorization": "Bearer cbk_a_b", "accept": "text/html"}
    line = JsonFormatter().format(record)
    assert "hunter2" not in line and "cbk_a_b" not in line
    parsed = json.loads(line)
    assert parsed["headers"]["accept"] == "text/html" and parsed["msg"] == "login"
