from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crossborder.core.db import get_engine
from crossborder.core.migrate import MIGRATIONS_DIR, current_revision, head_revision
from crossborder.core.models_registry import metadata


def test_migration_files_are_numbered_in_order() -> None:
    files = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    numbers = [int(re.match(r"(\d{4})_", name).group(1)) for name in files]  # type: ignore[union-attr]
    assert numbers == list(range(1, len(files) + 1))
    for name in files:
        text = (MIGRATIONS_DIR / "versions" / name).read_text()
        number = name[:4]
        assert f"revision = '{number}'" in text or f'revision = "{number}"' in text


def test_database_is_at_head_and_matches_the_models() -> None:
    assert current_revision() == head_revision()
    with get_engine().connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []
