"""Alembic environment for Rapport.

`rapport migrate` passes its own connection in ``config.attributes["connection"]``;
the plain ``alembic`` command builds an engine from REFLEX_DB_URL / the default SQLite file.
"""

from sqlmodel import SQLModel

import crm_app.models  # noqa: F401  (registers every table)
from alembic import context
from crm_app.db import get_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine().begin() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
