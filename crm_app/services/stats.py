"""Row counts of the main tables, for `rapport stats --json` and health checks."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from crm_app.models import (
    Activity,
    AuditEntry,
    Company,
    Contact,
    Deal,
    Order,
    Pipeline,
    Product,
    Stage,
    Tag,
    Task,
    Ticket,
    User,
)

# The keys are an interface others script against: keep them exactly.
COUNTED: dict[str, type[SQLModel]] = {
    "users": User,
    "companies": Company,
    "contacts": Contact,
    "tags": Tag,
    "pipelines": Pipeline,
    "stages": Stage,
    "deals": Deal,
    "products": Product,
    "orders": Order,
    "activities": Activity,
    "tasks": Task,
    "tickets": Ticket,
    "audit_entries": AuditEntry,
}


def counts(session: Session) -> dict[str, int]:
    """Every key always present, 0 for an empty table."""
    return {
        key: int(session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one())
        for key, model in COUNTED.items()
    }


def has_business_data(session: Session) -> bool:
    """True once anything beyond users and settings exists (then the demo is never loaded)."""
    for model in (Company, Contact, Deal, Ticket, Pipeline, Product, Order, Activity, Task, Tag):
        if session.execute(sa.select(sa.literal(1)).select_from(model).limit(1)).first():
            return True
    return False
