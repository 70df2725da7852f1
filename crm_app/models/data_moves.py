"""Imports (kept so the last one can be undone) and pairs dismissed as not duplicates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, json_field


class ImportBatch(SQLModel, table=True):
    """One committed import of a file: its summary, mapping and rejected rows."""

    __tablename__ = "import_batches"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=20, index=True)  # "contact", "company", later "ticket"
    file_name: str = Field(default="", max_length=255)
    user_id: int | None = fk("users.id")
    # {"Column header": "field"}; the field names are the import's mapping targets.
    mapping: dict[str, Any] = json_field()
    # {"created": n, "updated": n, "unchanged": n, "rejected": n, "rows": n}
    summary: dict[str, Any] = json_field()
    # [{"row": 7, "field": "email", "reason": "…", "values": {"Column": "cell", …}}, …]
    rejected: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_at: datetime = created_field()
    undone_at: datetime | None = None


class ImportChange(SQLModel, table=True):
    """One record an import created or updated; ``before`` restores an update on undo."""

    __tablename__ = "import_changes"
    __table_args__ = (
        sa.Index("ix_import_changes_batch", "batch_id", "id"),
        sa.Index("ix_import_changes_row_key", "entity", "row_key"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id", index=False, ondelete="CASCADE")
    entity: str = Field(max_length=20)
    record_id: int
    action: str = Field(max_length=10)  # "created" or "updated"
    # A created record without an email: a digest of its row's values, so that importing the
    # same file again finds it instead of creating it twice.
    row_key: str | None = Field(default=None, max_length=64)
    # For "updated": the stored values the import replaced, incl. emails, phones and tags.
    before: dict[str, Any] = json_field()


class DuplicateDismissal(SQLModel, table=True):
    """A pair of records a user said are not duplicates (low id first)."""

    __tablename__ = "duplicate_dismissals"
    __table_args__ = (
        sa.UniqueConstraint("entity", "low_id", "high_id", name="uq_duplicate_dismissals_pair"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=20)
    low_id: int
    high_id: int
    user_id: int | None = fk("users.id")
    created_at: datetime = created_field()
