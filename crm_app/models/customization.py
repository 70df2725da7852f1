"""Custom fields defined in Settings, and saved segments (named filters)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, json_field


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"
    CHECKBOX = "checkbox"


class CustomField(SQLModel, table=True):
    """A field a business adds to contacts or companies; values live in ``custom_fields`` JSON."""

    __tablename__ = "custom_fields"
    __table_args__ = (
        sa.UniqueConstraint("entity", "key", name="uq_custom_fields_entity_key"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=20, index=True)  # "contact" or "company"
    key: str = Field(max_length=60)
    label: str = Field(max_length=100)
    field_type: str = Field(default=FieldType.TEXT.value, max_length=20)
    options: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    position: int = Field(default=0)
    archived: bool = Field(default=False)
    created_at: datetime = created_field()


class Segment(SQLModel, table=True):
    """A saved filter over contacts or companies; private to its owner or shared with the team."""

    __tablename__ = "segments"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    entity: str = Field(default="contact", max_length=20, index=True)
    filters: dict[str, Any] = json_field()
    owner_id: int | None = fk("users.id")
    shared: bool = Field(default=False)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
