"""Activities (notes, calls, emails, meetings), tasks, support tickets and their comments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, utcnow


class ActivityKind(StrEnum):
    NOTE = "note"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"


class Activity(SQLModel, table=True):
    __tablename__ = "activities"
    __table_args__ = (
        sa.Index("ix_activities_contact_at", "contact_id", "occurred_at"),
        sa.Index("ix_activities_company_at", "company_id", "occurred_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=sa.Text)
    occurred_at: datetime = created_field()
    duration_minutes: int | None = None
    outcome: str | None = Field(default=None, max_length=60)
    user_id: int | None = fk("users.id")
    contact_id: int | None = fk("contacts.id", index=False)
    company_id: int | None = fk("companies.id", index=False)
    deal_id: int | None = fk("deals.id")
    ticket_id: int | None = fk("tickets.id")
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_assignee_done_due", "assignee_id", "done", "due_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    notes: str = Field(default="", sa_type=sa.Text)
    due_at: datetime | None = Field(default=None, index=True)
    priority: str = Field(default="normal", max_length=10)
    done: bool = Field(default=False)
    done_at: datetime | None = None
    # When the assignee was told the task came due (once per due time; cleared when it moves).
    reminded_at: datetime | None = None
    assignee_id: int | None = fk("users.id", index=False)
    created_by_id: int | None = fk("users.id", index=False)
    contact_id: int | None = fk("contacts.id")
    company_id: int | None = fk("companies.id")
    deal_id: int | None = fk("deals.id")
    ticket_id: int | None = fk("tickets.id")
    created_at: datetime = created_field()


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        sa.Index("ix_tickets_status_priority", "status", "priority"),
        sa.Index("ix_tickets_assignee_status", "assignee_id", "status"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    status: str = Field(default=TicketStatus.NEW.value, max_length=20)
    priority: str = Field(default=TicketPriority.NORMAL.value, max_length=10)
    channel: str = Field(default="email", max_length=20, index=True)
    category: str | None = Field(default=None, max_length=60, index=True)
    assignee_id: int | None = fk("users.id", index=False)
    contact_id: int | None = fk("contacts.id")
    company_id: int | None = fk("companies.id")
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    first_response_at: datetime | None = None
    resolved_at: datetime | None = Field(default=None, index=True)
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = Field(default=None, index=True)
    sla_breached: bool = Field(default=False)
    csat_score: int | None = None
    csat_comment: str | None = Field(default=None, max_length=1000)
    csat_at: datetime | None = None
    external_id: str | None = Field(default=None, max_length=100, index=True)


class TicketComment(SQLModel, table=True):
    """A reply to the customer (public) or a note for colleagues (internal)."""

    __tablename__ = "ticket_comments"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True, ondelete="CASCADE")
    author_id: int | None = fk("users.id", index=False)
    body: str = Field(default="", sa_type=sa.Text)
    is_public: bool = Field(default=True)
    created_at: datetime = created_field()
