"""The ticket queue: views, filters, sorts and paging, all in SQL (a selector; nothing written).

Rules:
- Views: ``all``; ``mine`` (assigned to me and not solved or closed); ``unassigned`` (no
  assignee, not solved or closed); ``sla`` (waiting on us — new, open or on hold — and a target
  still to meet is overdue or due within ``SLA_SOON``, in calendar time).
- Filters combine with AND; the values inside one filter with OR. Search matches the
  reference (``T-42``, ``#42`` or ``42``), the subject, and the customer's name or e-mail.
- "Next due" is the first target still to meet: the first response while there is none,
  else the resolution. Solved, closed and pending tickets (their clock is paused) have none.
- Sorting is stable (the id breaks ties) and puts empty values last; priority sorts urgent
  first. A page is ids first, then one query for those rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import Session

from crm_app.models import Company, Contact, Ticket, TicketStatus, User

from .. import search
from ..customer360 import aware
from ..query_paging import (
    Page,
    Tier,
    contains_word,
    day_range,
    filters_from_dict,
    filters_to_dict,
    is_default,
    owned_by,
    paged,
)

VIEWS = ("all", "mine", "unassigned", "sla")
SORTS = ("due", "priority", "created", "updated", "status", "subject", "customer", "assignee")
SLA_SOON = timedelta(hours=2)
DONE = (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value)
WAITING_ON_US = (TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.ON_HOLD.value)
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
STATUS_RANK = {"new": 0, "open": 1, "pending": 2, "on_hold": 3, "solved": 4, "closed": 5}
_REFERENCE = re.compile(r"^\s*(?:t-?|#)?0*(\d{1,9})\s*$", re.IGNORECASE)


@dataclass
class TicketFilters:
    view: str = "all"
    search: str = ""
    statuses: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    assignee_ids: list[int] = field(default_factory=list)
    unassigned: bool = False
    contact_id: int | None = None
    company_id: int | None = None
    created_from: date | None = None  # inclusive local dates
    created_to: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return filters_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TicketFilters:
        parsed = filters_from_dict(cls, data, dict)
        if parsed.view not in VIEWS:
            parsed.view = "all"
        return parsed

    def is_empty(self) -> bool:
        return is_default(self)


@dataclass
class TicketRow:
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    category: str
    assignee_id: int | None
    assignee: str
    contact_id: int | None
    customer: str
    company_id: int | None
    company: str
    created_at: datetime
    updated_at: datetime
    next_due_at: datetime | None
    sla_breached: bool
    csat_score: int | None


def next_due() -> ColumnElement[Any]:
    """The time of the first target still to meet, NULL when the clock is not running."""
    first = sa.case(
        (
            sa.and_(Ticket.first_response_at.is_(None), Ticket.first_response_due_at.isnot(None)),
            sa.case(
                (
                    sa.or_(
                        Ticket.resolution_due_at.is_(None),
                        Ticket.first_response_due_at <= Ticket.resolution_due_at,
                    ),
                    Ticket.first_response_due_at,
                ),
                else_=Ticket.resolution_due_at,
            ),
        ),
        else_=Ticket.resolution_due_at,
    )
    return sa.case((Ticket.status.in_(WAITING_ON_US), first), else_=sa.null())


def _customer_name() -> ColumnElement[str]:
    return sa.func.trim(
        sa.func.coalesce(Contact.first_name, "") + " " + sa.func.coalesce(Contact.last_name, "")
    )


def _search(session: Session, text: str) -> ColumnElement[bool] | None:
    """The reference, or every word in the subject, or the customer (the contacts'
    full-text index: name and e-mail)."""
    text = text.strip()[:200]
    if not text:
        return None
    found = _REFERENCE.match(text)
    if found:
        return Ticket.id == int(found.group(1))
    words = text.split()[:8]
    subject = sa.and_(*(contains_word(session, Ticket.subject, w) for w in words))
    people = search.contact_match_ids(session, text)
    return subject if people is None else sa.or_(subject, Ticket.contact_id.in_(people))


def _conditions(
    session: Session, f: TicketFilters, me_id: int | None, tz: str, now: datetime
) -> list[Any]:
    out: list[Any] = []
    if f.view == "mine":
        out += [Ticket.assignee_id == (me_id or -1), Ticket.status.notin_(DONE)]
    elif f.view == "unassigned":
        out += [Ticket.assignee_id.is_(None), Ticket.status.notin_(DONE)]
    elif f.view == "sla":
        # the status test is implied by next_due() but lets the status index narrow the rows
        out += [Ticket.status.in_(WAITING_ON_US), next_due() < now + SLA_SOON]
    searched = _search(session, f.search)
    if searched is not None:
        out.append(searched)
    for column, values in (
        (Ticket.status, f.statuses),
        (Ticket.priority, f.priorities),
        (Ticket.channel, f.channels),
        (Ticket.category, f.categories),
    ):
        if values:
            out.append(column.in_(values))
    out += owned_by(Ticket.assignee_id, f.assignee_ids, f.unassigned)
    if f.contact_id is not None:
        out.append(Ticket.contact_id == f.contact_id)
    if f.company_id is not None:
        out.append(Ticket.company_id == f.company_id)
    out += day_range(Ticket.created_at, tz, f.created_from, f.created_to)
    return out


def count_tickets(
    session: Session,
    filters: TicketFilters,
    *,
    me_id: int | None,
    tz: str = "UTC",
    now: datetime | None = None,
) -> int:
    now = now or datetime.now(UTC)
    query = sa.select(sa.func.count()).select_from(Ticket)
    return int(
        session.execute(query.where(*_conditions(session, filters, me_id, tz, now))).scalar() or 0
    )


def _rank(column: Any, ranks: dict[str, int]) -> Any:
    return sa.case(*((column == k, v) for k, v in ranks.items()), else_=len(ranks))


def _tiers(sort: str, descending: bool) -> list[Tier]:
    def d(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    tid = d(Ticket.id)
    if sort == "due":
        due = next_due()
        newest = Ticket.id.desc()  # without a running clock: the newest first, either way
        running = [Ticket.status.in_(WAITING_ON_US), due.isnot(None)]  # status: the index
        return [Tier(running, [d(due), tid]), Tier([due.is_(None)], [newest])]
    if sort == "priority":
        # one tier per priority (a CASE rank would sort every ticket for the first page)
        ranks = sorted(PRIORITY_RANK, key=PRIORITY_RANK.get, reverse=descending)
        known = [Tier([Ticket.priority == p], [Ticket.created_at.desc(), tid]) for p in ranks]
        return known + [Tier([Ticket.priority.notin_(ranks)], [tid])]
    if sort == "status":
        return [Tier([], [d(_rank(Ticket.status, STATUS_RANK)), tid])]
    if sort == "updated":
        return [Tier([], [d(Ticket.updated_at), tid])]
    if sort == "subject":
        return [Tier([], [d(sa.func.lower(Ticket.subject)), tid])]
    if sort == "customer":
        joined = Tier(
            [Ticket.contact_id.isnot(None)],
            [d(Contact.last_name), d(Contact.first_name), tid],
            [(Contact, Contact.id == Ticket.contact_id)],
        )
        return [joined, Tier([Ticket.contact_id.is_(None)], [tid])]
    if sort == "assignee":
        joined = Tier(
            [Ticket.assignee_id.isnot(None)],
            [d(User.name), tid],
            [(User, User.id == Ticket.assignee_id)],
        )
        return [joined, Tier([Ticket.assignee_id.is_(None)], [tid])]
    return [Tier([], [d(Ticket.created_at), tid])]


def _rows(session: Session, ids: list[int]) -> list[TicketRow]:
    if not ids:
        return []
    blank = sa.func.coalesce
    query = (
        sa.select(
            Ticket.id,
            Ticket.subject,
            Ticket.status,
            Ticket.priority,
            Ticket.channel,
            blank(Ticket.category, "").label("category"),
            Ticket.assignee_id,
            blank(User.name, "").label("assignee"),
            Ticket.contact_id,
            _customer_name().label("customer"),
            Ticket.company_id,
            blank(Company.name, "").label("company"),
            Ticket.created_at,
            Ticket.updated_at,
            next_due().label("next_due_at"),
            Ticket.sla_breached,
            Ticket.csat_score,
        )
        .outerjoin(User, User.id == Ticket.assignee_id)
        .outerjoin(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(Company, Company.id == Ticket.company_id)
        .where(Ticket.id.in_(ids))
    )
    found = {}
    for row in session.execute(query):
        values = dict(row._mapping)
        for key in ("created_at", "updated_at", "next_due_at"):
            values[key] = aware(values[key])
        values["customer"] = values["customer"] or ""
        found[row.id] = TicketRow(**values)
    return [found[i] for i in ids if i in found]


def list_tickets(
    session: Session,
    filters: TicketFilters,
    *,
    me_id: int | None,
    sort: str = "due",
    descending: bool = False,
    page: int = 1,
    page_size: int = 50,
    tz: str = "UTC",
    now: datetime | None = None,
) -> Page[TicketRow]:
    """One page of tickets and the total; an unknown sort sorts by the next due time."""
    now = now or datetime.now(UTC)
    conditions = _conditions(session, filters, me_id, tz, now)
    total = int(
        session.execute(sa.select(sa.func.count()).select_from(Ticket).where(*conditions)).scalar()
        or 0
    )
    base = sa.select(Ticket.id).select_from(Ticket).where(*conditions)
    sort = sort if sort in SORTS else "due"
    result = paged(session, base, _tiers(sort, descending), total, page, page_size)
    return Page(_rows(session, result.rows), result.total, result.page, result.page_size)


def view_counts(
    session: Session, *, me_id: int | None, now: datetime | None = None
) -> dict[str, int]:
    """How many tickets each view holds (the queue's tabs show them)."""
    now = now or datetime.now(UTC)
    out = {}
    for view in VIEWS:
        out[view] = count_tickets(session, TicketFilters(view=view), me_id=me_id, now=now)
    return out


def ticket_filter_options(session: Session) -> dict[str, list]:
    """assignees [(id, name)] (active users and anyone holding a ticket), the categories and
    channels in use."""
    assignees = sa.select(User.id, User.name).where(
        sa.or_(User.active == sa.true(), sa.exists().where(Ticket.assignee_id == User.id))
    )
    categories = (
        sa.select(Ticket.category).where(Ticket.category > "").distinct().order_by(Ticket.category)
    )
    channels = sa.select(Ticket.channel).distinct().order_by(Ticket.channel)
    return {
        "assignees": [tuple(r) for r in session.execute(assignees.order_by(User.name, User.id))],
        "categories": list(session.execute(categories).scalars()),
        "channels": [c for c in session.execute(channels).scalars() if c],
    }
