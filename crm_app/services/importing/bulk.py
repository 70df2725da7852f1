"""Inserting many new records at once through ``writes.bulk_insert``, ids read back.

An import of thousands of rows creates its records in slices with one statement and one
audit entry each (the batch's ImportChange rows name every record it created), as the large
seed does; a row-by-row insert with an audit entry per row takes several times longer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlmodel import Session, SQLModel

from .. import writes

SLICE = 5000


class ConcurrentWrite(RuntimeError):
    """Another writer added rows to the same table during the insert (never on SQLite)."""


def defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The values the model would give a new row's unset fields (the id aside)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        if info.default_factory is not None:
            out[name] = info.default_factory()  # type: ignore[call-arg]
        elif info.default is not PydanticUndefined:
            out[name] = info.default
    return out


def insert_rows(
    session: Session,
    model: type[SQLModel],
    rows: list[Mapping[str, Any]],
    *,
    actor_id: int | None,
    note: str,
) -> list[int]:
    """Insert ``rows`` (missing fields get the model's defaults); their new ids, in order."""
    table = model.__table__  # type: ignore[attr-defined]
    base = defaults(model)
    ids: list[int] = []
    for start in range(0, len(rows), SLICE):
        part = [{**base, **row} for row in rows[start : start + SLICE]]
        before = session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
        writes.bulk_insert(session, model, part, actor_id=actor_id, note=note)
        query = sa.select(table.c.id).where(table.c.id > before).order_by(table.c.id)
        new = [int(i) for i in session.execute(query).scalars()]
        if len(new) != len(part):
            raise ConcurrentWrite(f"{table.name}: another writer inserted rows during the import")
        ids += new
    return ids
