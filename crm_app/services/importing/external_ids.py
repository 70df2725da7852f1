"""Deals and tickets from rows, by the other system's ID: which rows are one record, and which
stored record that record is.

Rules:
- Rows of the file sharing an ID from the other system are one record, later non-blank cells
  winning; a row without an ID is a record of its own.
- A record with an ID is the stored one with that external id (the first by id, or the first
  one a caller prefers); a record without one is the record an earlier, not undone import
  created from the same row (its row key). So the same file twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import ImportBatch, ImportChange

from .merging import chunks, groups
from .rows import RowValues


@dataclass
class Item:
    """One record's worth of rows (rows sharing an external id are one record)."""

    rows: list[RowValues]
    values: dict[str, Any]

    @property
    def key(self) -> str:
        return self.rows[0].key

    @property
    def external_id(self) -> str | None:
        return self.values.get("external_id")


def merge_by_external_id(rows: list[RowValues]) -> list[Item]:
    """The file's records in order of their first row, each row's values laid over the last."""
    keys = [
        [("x", str(r.values["external_id"]))] if r.values.get("external_id") else [("k", r.key)]
        for r in rows
    ]
    items = []
    for members in groups(keys):
        values: dict[str, Any] = {}
        for i in members:
            values.update(rows[i].values)
        items.append(Item(rows=[rows[i] for i in members], values=values))
    return items


class StoredRecords:
    """The stored records (of ``model``, imported as ``entity``) the items match: by external
    id, and by the row key of an earlier import; read with a few queries."""

    def __init__(self, session: Session, model: Any, entity: str, items: list[Item]):
        self.by_external: dict[str, list[Any]] = defaultdict(list)
        self.by_key: dict[str, Any] = {}
        wanted = sorted({str(i.external_id) for i in items if i.external_id})
        for part in chunks(wanted):
            q = sa.select(model).where(model.external_id.in_(part)).order_by(model.id)
            for record in session.execute(q).scalars():
                self.by_external[str(record.external_id)].append(record)
        keys = sorted({i.key for i in items if not i.external_id})
        for part in chunks(keys):
            q = (
                sa.select(ImportChange.row_key, model)
                .join(ImportBatch, ImportBatch.id == ImportChange.batch_id)
                .join(model, model.id == ImportChange.record_id)
                .where(
                    ImportChange.entity == entity,
                    ImportChange.action == "created",
                    ImportChange.row_key.in_(part),
                    ImportBatch.undone_at.is_(None),
                )
                .order_by(ImportChange.id)
            )
            for key, record in session.execute(q):
                self.by_key.setdefault(key, record)

    def match(self, item: Item, prefer: Callable[[Any], bool] | None = None) -> Any | None:
        """The stored record ``item`` is (None: a new one); of several with its external id,
        the first that ``prefer`` accepts, else the first."""
        if not item.external_id:
            return self.by_key.get(item.key)
        found = self.by_external.get(str(item.external_id), [])
        preferred = [r for r in found if prefer(r)] if prefer is not None else []
        return (preferred or found or [None])[0]
