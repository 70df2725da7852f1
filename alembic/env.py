"""Alembic environment for Rapport.

`rapport migrate` passes its own connection in ``config.attributes["connection"]``;
the plain ``alembic`` command builds an engine from REFLEX_DB_URL / the default SQLite file.
"""

from sqlmodel import SQLModel

import crm_app.models  # noqa: F401  (registers every table)
from alembic import context
from crm_app.db import get_engine
from crm_app.services.dialect import is_search_table

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine().begin() as conn:
        _run(conn)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the search index alone: FTS5 tables (``fts_*``) are made by hand, not by models."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return not is_search_table(table)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
