"""Marketing: e-mail templates, campaigns to a segment, their recipients, tracked links,
open/click/unsubscribe events and the unsubscribe list that every later send honours."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, utcnow


class EmailTemplate(SQLModel, table=True):
    """A reusable mail with merge fields; ``text_body`` blank means "the body as plain text"."""

    __tablename__ = "email_templates"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_type=sa.Text)
    text_body: str | None = Field(default=None, sa_type=sa.Text)
    language: str = Field(default="en", max_length=10)  # he/fa: the HTML part is dir="rtl"
    created_by_id: int | None = fk("users.id", index=False)
    created_at: datetime = created_field()
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class Campaign(SQLModel, table=True):
    """One mailing of a template to a segment, sent by a job in throttled batches."""

    __tablename__ = "campaigns"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    template_id: int | None = fk("email_templates.id")
    segment_id: int | None = fk("segments.id")
    status: str = Field(default=CampaignStatus.DRAFT.value, max_length=12, index=True)
    scheduled_at: datetime | None = None
    throttle_per_minute: int = Field(default=60)
    audience_count: int = Field(default=0)  # recipients chosen when sending started
    queued_count: int = Field(default=0)  # mails handed to the mail service so far
    job_id: int | None = fk("jobs.id", index=False)
    created_by_id: int | None = fk("users.id", index=False)
    created_at: datetime = created_field()
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class RecipientStatus(StrEnum):
    PENDING = "pending"  # chosen, waiting for its batch
    QUEUED = "queued"  # handed to the mail service: sent/failed is the mail's status
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # excluded when its batch came (reason says why)
    CANCELLED = "cancelled"


class CampaignRecipient(SQLModel, table=True):
    """A contact chosen for a campaign; the token (stored hashed) signs its links."""

    __tablename__ = "campaign_recipients"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "contact_id", name="uq_campaign_recipients"),
        sa.Index("ix_campaign_recipients_campaign_status", "campaign_id", "status"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", ondelete="CASCADE")
    contact_id: int | None = fk("contacts.id")
    email: str = Field(default="", max_length=254)
    status: str = Field(default=RecipientStatus.PENDING.value, max_length=12)
    reason: str | None = Field(default=None, max_length=200)  # a msgid, shown translated
    mail_id: int | None = fk("mail_messages.id", index=False)
    token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    queued_at: datetime | None = None
    opened_at: datetime | None = None
    clicked_at: datetime | None = None
    unsubscribed_at: datetime | None = None


class CampaignLink(SQLModel, table=True):
    """A link of a campaign's mail: a click may only ever redirect to one of these."""

    __tablename__ = "campaign_links"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)


class CampaignEvent(SQLModel, table=True):
    """Mailed, opened, clicked or unsubscribed: what the contact's timeline shows."""

    __tablename__ = "campaign_events"
    __table_args__ = (
        sa.Index("ix_campaign_events_contact_at", "contact_id", "at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id", index=True, ondelete="CASCADE")
    recipient_id: int = Field(foreign_key="campaign_recipients.id", ondelete="CASCADE")
    contact_id: int | None = fk("contacts.id", index=False)
    kind: str = Field(max_length=20)  # mailed, opened, clicked, unsubscribed
    link_id: int | None = fk("campaign_links.id", index=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)


class Unsubscribe(SQLModel, table=True):
    """An address that asked for no more campaign mail (its contact's consent is off too)."""

    __tablename__ = "unsubscribes"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    contact_id: int | None = fk("contacts.id")
    campaign_id: int | None = fk("campaigns.id", index=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)
