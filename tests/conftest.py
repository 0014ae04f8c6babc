"""Test set-up: a throw-away database (SQLite file, or the PostgreSQL database named by
CROSSBORDER_DATABASE_URL), migrated once, emptied between tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="crossborder-tests-"))
os.environ.setdefault("CROSSBORDER_VAR_DIR", str(_TMP))
os.environ.setdefault("CROSSBORDER_DATABASE_URL", f"sqlite:///{_TMP / 'test.sqlite3'}")
os.environ["CROSSBORDER_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.setdefault("CROSSBORDER_LOG_LEVEL", "WARNING")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from crossborder.core import migrate  # noqa: E402
from crossborder.core.db import get_engine, get_sessionmaker, is_postgres  # noqa: E402
from crossborder.core.models_registry import metadata  # noqa: E402


def _drop_everything() -> None:
    engine = get_engine()
    with engine.begin() as connection:
        if is_postgres(engine):
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session", autouse=True)
def _database() -> Iterator[None]:
    _drop_everything()
    migrate.upgrade()
    yield


def empty_tables() -> None:
    engine = get_engine()
    with engine.begin() as connection:
        if is_postgres(engine):
            names = ", ".join(t.name for t in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_tables() -> Iterator[None]:
    empty_tables()
    from crossborder.customs.rates import bump_version

    bump_version()  # tables were emptied behind the customs cache's back
    yield


@pytest.fixture
def db() -> Iterator[Session]:
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture(scope="session")
def app():  # type: ignore[no-untyped-def]
    from crossborder.app import create_app

    return create_app()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client
