"""SQL that only one database understands, behind one interface with one module per dialect.

``for_session`` picks the implementation from the session's bind: ``sqlite`` (FTS5 search
index) or ``postgres`` (portable fallback, also used for any other database). Everything
outside this package stays portable SQLAlchemy.

The search index lives in tables whose names start with ``fts_``. They are not SQLModel
tables (the FTS5 virtual tables and their shadow tables are made by migration 0002 and by
``rebuild``), so every alembic autogenerate, including the one Reflex runs without our
env.py, is told to leave them alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select
from sqlmodel import Session

from . import postgres, sqlite

SEARCH_TABLE_PREFIX = "fts_"


class SearchDialect(Protocol):
    """What search.py needs from a database: matching and keeping the index in step."""

    def contact_match_ids(self, words: Sequence[str], *, ranked: bool = False) -> Select: ...
    def company_match_ids(self, words: Sequence[str], *, ranked: bool = False) -> Select: ...
    def index_contacts(self, session: Session, ids: Sequence[int]) -> None: ...
    def unindex_contacts(self, session: Session, ids: Sequence[int]) -> None: ...
    def index_companies(self, session: Session, ids: Sequence[int]) -> list[int]: ...
    def unindex_companies(self, session: Session, ids: Sequence[int]) -> None: ...
    def rebuild(self, session: Session) -> dict[str, int]: ...
    def like_any_case(self, column: Any, pattern: str) -> ColumnElement[bool]: ...


def for_session(session: Session) -> SearchDialect:
    """The implementation for the database ``session`` talks to."""
    if session.get_bind().dialect.name == "sqlite":
        return sqlite
    return postgres


def is_search_table(name: str | None) -> bool:
    """True for the search index's tables (FTS5 and its shadow tables), which no model maps."""
    return bool(name) and str(name).startswith(SEARCH_TABLE_PREFIX)


def _drop_search_table_ops(autogen_context: Any, upgrade_ops: Any, schemas: Any) -> None:
    """Autogenerate comparator: forget "remove table" for the search index's tables."""
    upgrade_ops.ops[:] = [
        op for op in upgrade_ops.ops if not is_search_table(getattr(op, "table_name", None))
    ]


def _ignore_search_tables_in_autogenerate() -> None:
    """Reflex's autogenerate (``reflex db makemigrations`` and its startup schema check) does
    not run alembic/env.py, so its include_object never applies there; alembic's global
    comparator registry is copied into every autogenerate run, Reflex's included."""
    from alembic.autogenerate.compare import comparators
    from alembic.util import DispatchPriority

    registered = comparators._registry.get(("schema", "default", DispatchPriority.LAST), [])
    if any(getattr(fn, "__name__", "") == _drop_search_table_ops.__name__ for fn, _ in registered):
        return
    comparators.dispatch_for("schema", priority=DispatchPriority.LAST, subgroup="rapport_fts")(
        _drop_search_table_ops
    )


_ignore_search_tables_in_autogenerate()
