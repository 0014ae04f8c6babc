"""Tables for monitoring: Annual Business Survey: questionnaires, panel, links, responses."""

from __future__ import annotations
