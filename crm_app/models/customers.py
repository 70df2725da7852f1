"""Companies, contacts with several emails and phones, and tags."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, json_field, money_field


class LifecycleStage(StrEnum):
    LEAD = "lead"
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    CHURNED = "churned"


class Company(SQLModel, table=True):
    __tablename__ = "companies"
    __table_args__ = (
        sa.Index("ix_companies_country_city", "country", "city"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    domain: str | None = Field(default=None, max_length=200, index=True)
    industry: str | None = Field(default=None, max_length=100, index=True)
    employees: int | None = None
    annual_revenue: float | None = money_field(None)
    phone: str | None = Field(default=None, max_length=32)
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    owner_id: int | None = fk("users.id")
    parent_id: int | None = fk("companies.id")
    custom_fields: dict[str, Any] = json_field()
    external_id: str | None = Field(default=None, max_length=100, index=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        sa.Index("ix_contacts_name", "last_name", "first_name"),
        sa.Index("ix_contacts_country_city", "country", "city"),
        # The contact list filters on one of these and sorts by name (contact_query).
        sa.Index("ix_contacts_country_name", "country", "last_name", "first_name"),
        sa.Index("ix_contacts_stage_name", "lifecycle_stage", "last_name", "first_name"),
        sa.Index("ix_contacts_owner_name", "owner_id", "last_name", "first_name"),
        sa.Index("ix_contacts_city_name", "city", "last_name", "first_name"),
        # A company's last contact (analytics, customer health): max over its contacts.
        sa.Index("ix_contacts_company_last_contacted", "company_id", "last_contacted_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    title: str | None = Field(default=None, max_length=120)
    company_id: int | None = fk("companies.id")
    owner_id: int | None = fk("users.id")
    lifecycle_stage: str = Field(default=LifecycleStage.LEAD.value, max_length=20, index=True)
    source: str | None = Field(default=None, max_length=50, index=True)
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    # e.g. {"channel": "email", "language": "et", "newsletter_topics": [...]}
    preferences: dict[str, Any] = json_field()
    consent_email: bool = Field(default=False)
    consent_at: datetime | None = None
    do_not_call: bool = Field(default=False)
    last_contacted_at: datetime | None = Field(default=None, index=True)
    custom_fields: dict[str, Any] = json_field()
    external_id: str | None = Field(default=None, max_length=100, index=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class ContactEmail(SQLModel, table=True):
    """One address of a contact, stored trimmed and lower-cased so matching is exact."""

    __tablename__ = "contact_emails"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254, index=True)
    label: str = Field(default="work", max_length=20)
    is_primary: bool = Field(default=False)


class ContactPhone(SQLModel, table=True):
    """One phone number of a contact, in E.164 where it could be parsed."""

    __tablename__ = "contact_phones"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    phone: str = Field(max_length=32, index=True)
    label: str = Field(default="work", max_length=20)
    is_primary: bool = Field(default=False)


class Tag(SQLModel, table=True):
    __tablename__ = "tags"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True, index=True)
    color: str = Field(default="gray", max_length=20)
    created_at: datetime = created_field()


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tags"
    __table_args__ = {"extend_existing": True}

    contact_id: int = Field(foreign_key="contacts.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tags.id", primary_key=True, index=True, ondelete="CASCADE")


class CompanyTag(SQLModel, table=True):
    __tablename__ = "company_tags"
    __table_args__ = {"extend_existing": True}

    company_id: int = Field(foreign_key="companies.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tags.id", primary_key=True, index=True, ondelete="CASCADE")
