"""Users, their server-side sessions, installation settings and rate-limit hits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, json_field


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    SALES = "sales"
    SUPPORT = "support"
    READ_ONLY = "read_only"


class User(SQLModel, table=True):
    __tablename__ = "users"
    # (name, id): sorting contacts by owner walks this index instead of sorting every contact.
    __table_args__ = (sa.Index("ix_users_name_id", "name", "id"), {"extend_existing": True})

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.SALES.value, max_length=20, index=True)
    locale: str = Field(default="en", max_length=10)
    time_zone: str = Field(default="UTC", max_length=64)
    active: bool = Field(default=True, index=True)
    is_demo: bool = Field(default=False)
    # The sales team: who a rep reports to and their regional office (free text, e.g. "East").
    # No ON DELETE action: SQLite can only add this column with an inline REFERENCES, which
    # its reflection reads without one; users are deactivated, never deleted, anyway.
    manager_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    region: str | None = Field(default=None, max_length=60)
    created_at: datetime = created_field()
    last_login_at: datetime | None = None


class UserSession(SQLModel, table=True):
    """A login. The browser holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "user_sessions"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_field()
    expires_at: datetime = Field(index=True)
    last_seen_at: datetime | None = None


class Setting(SQLModel, table=True):
    """Installation-wide settings as key → JSON value (time zone, base currency, SMTP, …)."""

    __tablename__ = "settings"
    __table_args__ = {"extend_existing": True}

    key: str = Field(primary_key=True, max_length=64)
    value: Any = json_field()


class RateLimitHit(SQLModel, table=True):
    """One attempt at a public entry point, kept for a sliding-window rate limit."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, index=True)
    at: datetime = created_field()
