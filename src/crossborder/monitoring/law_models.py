"""Tables for monitoring: Laws Reporting Scheme: national plans, reviews."""

from __future__ import annotations
