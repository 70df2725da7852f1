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
        # one status, newest first, needs no sort (rowid order within the status)
        sa.Index("ix_tickets_status", "status"),
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
    # The duplicate this ticket was merged into (it is then closed). No ON DELETE action:
    # SQLite adds the column with an inline REFERENCES (see migration 0007).
    merged_into_id: int | None = Field(default=None, foreign_key="tickets.id")
    # SLA clock: when the ticket went pending (clock stopped), and the business minutes it
    # has been paused in total (kept so a priority change can recompute the due times).
    sla_paused_at: datetime | None = None
    sla_paused_minutes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SlaPolicy(SQLModel, table=True):
    """The service targets of one priority, in business minutes (None: no target)."""

    __tablename__ = "sla_policies"
    __table_args__ = {"extend_existing": True}

    priority: str = Field(primary_key=True, max_length=10)
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class TicketSlaEvent(SQLModel, table=True):
    """A target of a ticket that neared (``warning``) or passed (``breach``) its due time;
    at most one of each kind per ticket and target."""

    __tablename__ = "ticket_sla_events"
    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "target", "kind", name="uq_ticket_sla_events"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True, ondelete="CASCADE")
    target: str = Field(max_length=20)  # first_response | resolution
    kind: str = Field(max_length=10)  # warning | breach
    due_at: datetime
    at: datetime = created_field()


class CsatRequest(SQLModel, table=True):
    """A customer-satisfaction link sent when a ticket was solved: the token is stored
    hashed, expires, and can be used once."""

    __tablename__ = "csat_requests"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = created_field()
    expires_at: datetime
    used_at: datetime | None = None
    mail_id: int | None = fk("mail_messages.id", index=False)


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
    # The mail that carried a public reply to the customer (None: not mailed). No ON DELETE
    # action, as for tickets.merged_into_id.
    mail_id: int | None = Field(default=None, foreign_key="mail_messages.id")
