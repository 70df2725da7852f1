"""What a record page shows beside the timeline: the record's profile and its related lists.

Each list is bounded (``limit`` rows, default 10) and comes with its full count, so a
customer with thousands of orders opens as fast as one with two. A company's lists hold its
own records and its contacts' (the same scope as customer360).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Activity,
    Company,
    CompanyTag,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Deal,
    Order,
    OrderLine,
    Product,
    Stage,
    Tag,
    Task,
    Ticket,
    User,
)

from . import phones
from .customer360 import CLOSED_TICKETS, company_contact_ids
from .errors import NotFound

LIMIT = 10


@dataclass(frozen=True)
class Profile:
    kind: str  # "contact" or "company"
    id: int
    name: str
    title: str = ""
    company_id: int | None = None
    company_name: str = ""
    owner: str = ""
    stage: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)  # (name, colour)
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, label)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (formatted, label)
    city: str = ""
    country: str = ""
    domain: str = ""
    industry: str = ""
    employees: int | None = None
    preferences: dict[str, Any] = field(default_factory=dict)
    consent_email: bool = False
    consent_at: datetime | None = None
    do_not_call: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class Related:
    rows: list[dict[str, Any]]
    total: int


def _owner(session: Session, owner_id: int | None) -> str:
    if owner_id is None:
        return ""
    return session.execute(sa.select(User.name).where(User.id == owner_id)).scalar() or ""


def _tags(session: Session, link: Any, owner_field: str, owner_id: int) -> list[tuple[str, str]]:
    q = (
        sa.select(Tag.name, Tag.color)
        .join(link, link.tag_id == Tag.id)
        .where(getattr(link, owner_field) == owner_id)
    )
    return sorted(((n, c) for n, c in session.execute(q)), key=lambda t: t[0].casefold())


def contact_profile(session: Session, contact_id: int) -> Profile:
    c = session.get(Contact, contact_id)
    if c is None:
        raise NotFound(f"contact {contact_id}")
    company = session.get(Company, c.company_id) if c.company_id else None

    def listed(model: Any, key: str) -> list[tuple[str, str]]:
        q = sa.select(getattr(model, key), model.label).where(model.contact_id == contact_id)
        return [(v, lab) for v, lab in session.execute(q.order_by(model.is_primary.desc()))]

    return Profile(
        kind="contact",
        id=contact_id,
        name=f"{c.first_name} {c.last_name}".strip(),
        title=c.title or "",
        company_id=c.company_id,
        company_name=company.name if company else "",
        owner=_owner(session, c.owner_id),
        stage=c.lifecycle_stage,
        tags=_tags(session, ContactTag, "contact_id", contact_id),
        emails=listed(ContactEmail, "email"),
        phones=[(phones.format_phone(p), lab) for p, lab in listed(ContactPhone, "phone")],
        city=c.city or "",
        country=c.country or "",
        preferences=dict(c.preferences or {}),
        consent_email=c.consent_email,
        consent_at=c.consent_at,
        do_not_call=c.do_not_call,
        created_at=c.created_at,
    )


def company_profile(session: Session, company_id: int) -> Profile:
    c = session.get(Company, company_id)
    if c is None:
        raise NotFound(f"company {company_id}")
    return Profile(
        kind="company",
        id=company_id,
        name=c.name,
        owner=_owner(session, c.owner_id),
        tags=_tags(session, CompanyTag, "company_id", company_id),
        phones=[(phones.format_phone(c.phone), "work")] if c.phone else [],
        city=c.city or "",
        country=c.country or "",
        domain=c.domain or "",
        industry=c.industry or "",
        employees=c.employees,
        created_at=c.created_at,
    )


def _scope(model: Any, contact_id: int | None, company_id: int | None, ids: list[int]) -> Any:
    if contact_id is not None:
        return model.contact_id == contact_id
    own = model.company_id == company_id
    return sa.or_(own, model.contact_id.in_(ids)) if ids else own


def _count(session: Session, model: Any, where: Any) -> int:
    return int(session.execute(sa.select(sa.func.count(model.id)).where(where)).scalar_one())


def deals(
    session: Session, *, contact_id: int | None = None, company_id: int | None = None, ids=()
) -> Related:
    """Open deals first (by expected close), then closed ones, newest first."""
    where = _scope(Deal, contact_id, company_id, list(ids))
    closed = sa.or_(Stage.is_won, Stage.is_lost)
    q = (
        sa.select(Deal, Stage.name, Stage.is_won, Stage.is_lost)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(where)
        .order_by(closed, Deal.expected_close.is_(None), Deal.expected_close, Deal.id.desc())
        .limit(LIMIT)
    )
    rows = [
        {
            "id": d.id,
            "title": d.title,
            "stage": stage,
            "state": "won" if won else "lost" if lost else "open",
            "value": float(d.value or 0),
            "currency": d.currency,
            "expected_close": d.expected_close,
        }
        for d, stage, won, lost in session.execute(q)
    ]
    return Related(rows, _count(session, Deal, where))


def tickets(
    session: Session, *, contact_id: int | None = None, company_id: int | None = None, ids=()
) -> Related:
    """Open tickets first, newest first within each group."""
    where = _scope(Ticket, contact_id, company_id, list(ids))
    q = (
        sa.select(Ticket.id, Ticket.subject, Ticket.status, Ticket.priority, Ticket.created_at)
        .where(where)
        .order_by(Ticket.status.in_(CLOSED_TICKETS), Ticket.created_at.desc(), Ticket.id.desc())
        .limit(LIMIT)
    )
    rows = [
        {"id": i, "subject": s, "status": st, "priority": p, "created_at": at}
        for i, s, st, p, at in session.execute(q)
    ]
    return Related(rows, _count(session, Ticket, where))


def orders(
    session: Session, *, contact_id: int | None = None, company_id: int | None = None, ids=()
) -> Related:
    """Newest first, each with its lines (one query for the lines of the shown orders)."""
    where = _scope(Order, contact_id, company_id, list(ids))
    q = (
        sa.select(Order)
        .where(where)
        .order_by(Order.ordered_at.desc(), Order.id.desc())
        .limit(LIMIT)
    )
    found = list(session.execute(q).scalars())
    lines: dict[int, list[dict[str, Any]]] = {o.id: [] for o in found if o.id is not None}
    if lines:
        lq = (
            sa.select(OrderLine, Product.name)
            .outerjoin(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id.in_(list(lines)))
            .order_by(OrderLine.order_id, OrderLine.id)
        )
        for line, product in session.execute(lq):
            price = float(line.unit_price or 0)
            amount = price * float(line.quantity or 0) * (1 - float(line.discount_pct or 0) / 100)
            lines[line.order_id].append(
                {
                    "description": line.description or product or "",
                    "quantity": float(line.quantity or 0),
                    "unit_price": price,
                    "amount": round(amount, 2),
                }
            )
    rows = [
        {
            "id": o.id,
            "number": o.number,
            "ordered_at": o.ordered_at,
            "status": o.status,
            "total": float(o.total or 0),
            "currency": o.currency,
            "lines": lines.get(o.id or 0, []),
        }
        for o in found
    ]
    return Related(rows, _count(session, Order, where))


def tasks(
    session: Session, *, contact_id: int | None = None, company_id: int | None = None
) -> Related:
    """The record's own tasks: open ones by due time (undated last), then done ones."""
    where = (
        Task.contact_id == contact_id if contact_id is not None else Task.company_id == company_id
    )
    q = (
        sa.select(Task.id, Task.title, Task.due_at, Task.priority, Task.done, User.name)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(where)
        .order_by(Task.done, Task.due_at.is_(None), Task.due_at, Task.id.desc())
        .limit(LIMIT)
    )
    rows = [
        {"id": i, "title": t, "due_at": due, "priority": p, "done": bool(done), "assignee": who}
        for i, t, due, p, done, who in session.execute(q)
    ]
    return Related(rows, _count(session, Task, where))


def company_contacts(session: Session, company_id: int, *, exclude: int | None = None) -> Related:
    """People at the company with their latest activity, most recently active first."""
    last = (
        sa.select(sa.func.max(Activity.occurred_at))
        .where(Activity.contact_id == Contact.id)
        .correlate(Contact)
        .scalar_subquery()
    )
    where = Contact.company_id == company_id
    if exclude is not None:
        where = sa.and_(where, Contact.id != exclude)
    q = (
        sa.select(Contact.id, Contact.first_name, Contact.last_name, Contact.title, last)
        .where(where)
        .order_by(last.desc().nulls_last(), Contact.last_name, Contact.id)
        .limit(LIMIT)
    )
    rows = [
        {"id": i, "name": f"{f} {la}".strip(), "title": t or "", "last_activity": at}
        for i, f, la, t, at in session.execute(q)
    ]
    return Related(rows, _count(session, Contact, where))


def related_lists(
    session: Session, *, contact_id: int | None = None, company_id: int | None = None
) -> dict[str, Related]:
    """Every related list of a contact page or a company page."""
    if contact_id is not None:
        c = session.get(Contact, contact_id)
        if c is None:
            raise NotFound(f"contact {contact_id}")
        scope: dict[str, Any] = {"contact_id": contact_id}
        out = {k: f(session, **scope) for k, f in (("deals", deals), ("tickets", tickets))}
        out["orders"] = orders(session, **scope)
        out["tasks"] = tasks(session, contact_id=contact_id)
        out["contacts"] = (
            company_contacts(session, c.company_id, exclude=contact_id)
            if c.company_id
            else Related([], 0)
        )
        return out
    assert company_id is not None
    ids = company_contact_ids(session, company_id)
    scope = {"company_id": company_id, "ids": ids}
    return {
        "deals": deals(session, **scope),
        "tickets": tickets(session, **scope),
        "orders": orders(session, **scope),
        "tasks": tasks(session, company_id=company_id),
        "contacts": company_contacts(session, company_id),
    }
