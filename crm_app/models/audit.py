"""The audit trail: who changed what, when, with each changed field's before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, json_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entity", "entity", "entity_id"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_field()
    user_id: int | None = fk("users.id")
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    action: str = Field(max_length=20)  # create, update, delete, bulk_create, login, …
    # {"field": [before, after]} for updates; the new values for creates; the old for deletes.
    changes: dict[str, Any] = json_field()
