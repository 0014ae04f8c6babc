"""Alembic environment: runs on the connection handed over by crossborder.core.migrate."""

from __future__ import annotations

from alembic import context

from crossborder.core.models_registry import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    from crossborder.core.db import get_engine

    with get_engine().begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
