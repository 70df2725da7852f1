"""Background jobs, the lease that elects one scheduler, outgoing mail and notifications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import fk, json_field, utcnow


class JobStatus(StrEnum):
    PENDING = "pending"  # waiting for run_at (also between retries)
    RUNNING = "running"  # claimed by a worker until locked_until
    DONE = "done"
    FAILED = "failed"  # no attempts left, or a permanent error


class Job(SQLModel, table=True):
    """Work to do later or outside a click; claimed by exactly one worker at a time."""

    __tablename__ = "jobs"
    __table_args__ = (
        # The claim query: pending and due, or running with an expired lease.
        sa.Index("ix_jobs_status_run_at", "status", "run_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60)
    payload: dict[str, Any] = json_field()
    run_at: datetime = Field(default_factory=utcnow, nullable=False)
    status: str = Field(default=JobStatus.PENDING.value, max_length=10)
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=5)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    locked_by: str | None = Field(default=None, max_length=100)
    locked_until: datetime | None = None
    # Set while the job is pending or running, cleared when it ends: a second enqueue with
    # the same key meanwhile returns this job (NULLs never collide in a unique index).
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True, index=True)
    created_by_id: int | None = fk("users.id", index=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    finished_at: datetime | None = None


class WorkerLease(SQLModel, table=True):
    """A named lease: whoever holds an unexpired one runs that loop (e.g. the scheduler)."""

    __tablename__ = "worker_leases"
    __table_args__ = {"extend_existing": True}

    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(max_length=100)
    expires_at: datetime


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker, or between retries (error says why)
    SENT = "sent"
    FAILED = "failed"


class MailMessage(SQLModel, table=True):
    """One outgoing e-mail as it was written (merge fields filled) and what became of it."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        sa.Index("ix_mail_messages_contact_created", "contact_id", "created_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(default="contact", max_length=20)  # contact, test, …
    to_addresses: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    cc_addresses: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_type=sa.Text)
    html: str | None = Field(default=None, sa_type=sa.Text)
    # Extra headers such as List-Unsubscribe (campaign mail); None for ordinary mail.
    headers: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)
    sender: str | None = Field(default=None, max_length=254)  # the From it was sent with
    contact_id: int | None = fk("contacts.id", index=False)
    activity_id: int | None = fk("activities.id", index=False)
    job_id: int | None = fk("jobs.id", index=False)
    status: str = Field(default=MailStatus.QUEUED.value, max_length=10, index=True)
    error: str | None = Field(default=None, sa_type=sa.Text)  # a msgid, shown translated
    error_detail: str | None = Field(default=None, sa_type=sa.Text)  # what the server said
    attempts: int = Field(default=0)
    message_id: str | None = Field(default=None, max_length=255)
    created_by_id: int | None = fk("users.id", index=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    sent_at: datetime | None = None


class Notification(SQLModel, table=True):
    """A message for one user; ``message`` is an English msgid filled with ``values``."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_id_id", "user_id", "id"),
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    message: str = Field(max_length=200)
    values: dict[str, Any] = json_field()
    link: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    read_at: datetime | None = None
