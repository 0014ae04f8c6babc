"""Tables for monitoring: KPI definitions and measurements."""

from __future__ import annotations
