"""Shared column helpers. Every timestamp is an aware datetime stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field


def utcnow() -> datetime:
    """Now, aware, in UTC (sqlmodel's UTCDateTime refuses naive datetimes)."""
    return datetime.now(UTC)


def created_field() -> Any:
    return Field(default_factory=utcnow, nullable=False, index=True)


def money_field(default: float | None = 0.0) -> Any:
    """Money as NUMERIC(14,2) in the database, read back as float for pandas and JSON."""
    return Field(default=default, sa_type=sa.Numeric(14, 2, asdecimal=False))


def json_field() -> Any:
    return Field(default_factory=dict, sa_type=sa.JSON, nullable=False)


def fk(
    target: str, *, index: bool = True, nullable: bool = True, ondelete: str = "SET NULL"
) -> Any:
    """A foreign key column; most links in a CRM survive the deletion of what they point at."""
    return Field(
        default=None, foreign_key=target, index=index, nullable=nullable, ondelete=ondelete
    )
