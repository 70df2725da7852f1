"""Workflow automation (trigger → conditions → actions, and the log of every run) and the
public lead-capture forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, utcnow


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=sa.JSON, nullable=False)


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_type=sa.JSON, nullable=False)


class AutomationRule(SQLModel, table=True):
    """One rule: when ``trigger`` happens (narrowed by ``trigger_config``) and every
    condition holds, run the actions in order. ``state`` keeps what a rule remembers
    between runs (the round-robin cursor)."""

    __tablename__ = "automation_rules"
    __table_args__ = (
        sa.Index("ix_automation_rules_trigger_active", "trigger", "active"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    trigger: str = Field(max_length=40)
    trigger_config: dict[str, Any] = _json_dict()
    conditions: list[dict[str, Any]] = _json_list()
    actions: list[dict[str, Any]] = _json_list()
    state: dict[str, Any] = _json_dict()
    active: bool = Field(default=True)
    created_by_id: int | None = fk("users.id", index=False)
    created_at: datetime = created_field()
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class AutomationRun(SQLModel, table=True):
    """One rule meeting one event: at most one run per rule and event key, so a trigger
    fires exactly once per event. ``outcome`` is ok, failed or skipped."""

    __tablename__ = "automation_runs"
    __table_args__ = (
        sa.UniqueConstraint("rule_id", "event_key", name="uq_automation_runs_rule_event"),
        sa.Index("ix_automation_runs_rule_id_id", "rule_id", "id"),
        sa.Index("ix_automation_runs_rule_record", "rule_id", "record_id"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="automation_rules.id", ondelete="CASCADE")
    event_key: str = Field(max_length=120)
    entity: str = Field(max_length=30)  # contacts | deals | tickets
    record_id: int | None = None
    depth: int = Field(default=0)
    outcome: str = Field(default="running", max_length=10)
    detail: str = Field(default="", sa_type=sa.Text)
    started_at: datetime = Field(default_factory=utcnow, nullable=False)
    finished_at: datetime | None = None


class LeadForm(SQLModel, table=True):
    """A public form at /f/<slug>: ``fields`` lists the contact fields it asks for, in order
    ({"field", "label", "required"}); new contacts get ``source``, ``tags`` and ``owner``."""

    __tablename__ = "lead_forms"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=60, unique=True, index=True)
    title: str = Field(default="", max_length=200)
    intro: str = Field(default="", max_length=1000)
    fields: list[dict[str, Any]] = _json_list()
    tags: list[str] = _json_list()
    source: str = Field(default="web form", max_length=50)
    owner_id: int | None = fk("users.id", index=False)
    thank_you: str = Field(default="", max_length=1000)
    active: bool = Field(default=True)
    created_by_id: int | None = fk("users.id", index=False)
    created_at: datetime = created_field()


class LeadFormSubmission(SQLModel, table=True):
    """One accepted submission of a lead form and the contact it created or updated."""

    __tablename__ = "lead_form_submissions"
    __table_args__ = (
        sa.Index("ix_lead_form_submissions_form_id_id", "form_id", "id"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="lead_forms.id", ondelete="CASCADE")
    contact_id: int | None = fk("contacts.id")
    created_contact: bool = Field(default=False)
    values: dict[str, Any] = _json_dict()
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
