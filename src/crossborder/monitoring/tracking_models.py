"""Tables for monitoring: activity status tracking and plan versions."""

from __future__ import annotations
