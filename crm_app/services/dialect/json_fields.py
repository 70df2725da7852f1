"""JSON-path SQL for custom-field values (the ``custom_fields`` JSON column) per database.

SQLite reads a value with ``json_extract`` / ``json_type``; PostgreSQL with ``->`` / ``->>``
and ``json_typeof`` (the column is ``json``, not ``jsonb``). ``for_session`` picks one from
the session's bind. Keys are custom-field keys (letters, digits and underscores); they are
still passed as bound parameters, never spliced into the SQL.

Each implementation offers the same expressions over ``column`` and ``key``:
``text`` (the value as text; NULL when absent or JSON null), ``number`` (numeric, NULL when
the value is not a JSON number), ``is_true`` (the value is JSON true) and ``present`` (set,
not JSON null, not an empty string).
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import Session


class JsonFields(Protocol):
    def text(self, column: Any, key: str) -> ColumnElement[Any]: ...
    def number(self, column: Any, key: str) -> ColumnElement[Any]: ...
    def is_true(self, column: Any, key: str) -> ColumnElement[bool]: ...
    def present(self, column: Any, key: str) -> ColumnElement[bool]: ...


class SqliteJson:
    """SQLite's JSON1 functions (built in since 3.38)."""

    @staticmethod
    def _path(key: str) -> ColumnElement[str]:
        return sa.literal('$."' + key.replace('"', "") + '"', sa.String)

    def _type(self, column: Any, key: str) -> ColumnElement[str]:
        return sa.func.json_type(column, self._path(key))

    def text(self, column: Any, key: str) -> ColumnElement[Any]:
        return sa.cast(sa.func.json_extract(column, self._path(key)), sa.Text)

    def number(self, column: Any, key: str) -> ColumnElement[Any]:
        return sa.case(
            (
                self._type(column, key).in_(("integer", "real")),
                sa.func.json_extract(column, self._path(key)),
            ),
            else_=sa.null(),
        )

    def is_true(self, column: Any, key: str) -> ColumnElement[bool]:
        return sa.func.coalesce(self._type(column, key), "") == "true"

    def present(self, column: Any, key: str) -> ColumnElement[bool]:
        return sa.func.coalesce(self.text(column, key), "") != ""


class PostgresJson:
    """PostgreSQL's json operators; ``->>`` yields text, ``json_typeof`` the JSON type."""

    @staticmethod
    def _key(key: str) -> ColumnElement[str]:
        return sa.literal(key, sa.Text)

    def _type(self, column: Any, key: str) -> ColumnElement[str]:
        return sa.func.json_typeof(sa.cast(column, sa.JSON).op("->")(self._key(key)))

    def text(self, column: Any, key: str) -> ColumnElement[Any]:
        return sa.cast(column, sa.JSON).op("->>", return_type=sa.Text)(self._key(key))

    def number(self, column: Any, key: str) -> ColumnElement[Any]:
        return sa.case(
            (self._type(column, key) == "number", sa.cast(self.text(column, key), sa.Float)),
            else_=sa.null(),
        )

    def is_true(self, column: Any, key: str) -> ColumnElement[bool]:
        return sa.and_(
            sa.func.coalesce(self._type(column, key), "") == "boolean",
            self.text(column, key) == "true",
        )

    def present(self, column: Any, key: str) -> ColumnElement[bool]:
        return sa.func.coalesce(self.text(column, key), "") != ""


_SQLITE = SqliteJson()
_POSTGRES = PostgresJson()


def for_dialect(name: str) -> JsonFields:
    return _SQLITE if name == "sqlite" else _POSTGRES


def for_session(session: Session) -> JsonFields:
    """The implementation for the database ``session`` talks to."""
    return for_dialect(session.get_bind().dialect.name)
