"""PDF tests need the Noto fonts of Debian's fonts-noto-core; without them they are skipped, saying
what to install (the refusal itself is tested without fonts)."""

from __future__ import annotations

import os

import pytest

from crossborder.documents.render_pdf import APT_LINE, fonts_available

if os.environ.get("CI") and not fonts_available():
    # CI installs them (.ci/run, dev.py): a skip there would hide a broken install step.
    raise RuntimeError(f"CI must run the PDF tests: {APT_LINE}")

needs_fonts = pytest.mark.skipif(not fonts_available(), reason=f"PDF fonts missing: {APT_LINE}")
