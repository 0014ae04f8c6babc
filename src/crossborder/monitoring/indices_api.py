"""Monitoring API: indices."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/monitoring", tags=["monitoring"])
