"""A customer's timeline: activities (notes, calls, e-mails, meetings), deal stage changes,
tickets, orders and campaign mail events (mailed, opened, clicked, unsubscribed) of a contact
(of a company: its own and its contacts'), newest first.

Paged by a keyset cursor ``(moment, kind, id)``: each source reads at most ``limit`` + 1 rows
older than the cursor through its index, so a customer with thousands of entries opens as fast
as one with ten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Activity,
    Campaign,
    CampaignEvent,
    Deal,
    DealStageChange,
    Order,
    Stage,
    Ticket,
    User,
)

from .customer360 import aware, company_contact_ids, scope

KINDS = ("note", "call", "email", "meeting", "stage", "ticket", "order", "campaign")


@dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS (activities use their own kind)
    id: int
    at: datetime
    title: str
    body: str = ""
    who: str = ""
    link: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def cursor(self) -> str:
        return f"{self.at.isoformat()}|{self.kind}|{self.id}"


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    next_cursor: str | None  # pass as ``before`` for the next (older) page


def _parse_cursor(before: str | None) -> datetime | None:
    if not before:
        return None
    try:
        return aware(datetime.fromisoformat(before.split("|", 1)[0]))
    except ValueError:
        return None


def page_of(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    kinds: list[str] | None = None,
    before: str | None = None,
    limit: int = 30,
) -> Page:
    """Newest first; ``kinds`` filters (None = all); ``before`` is the previous page's cursor."""
    if (contact_id is None) == (company_id is None):
        raise ValueError("a contact or a company")
    wanted = set(kinds or KINDS)
    ids = [contact_id] if contact_id is not None else company_contact_ids(session, company_id)
    cut = _parse_cursor(before)
    seen = set()
    if before:
        parts = before.split("|")
        seen = {(parts[1], int(parts[2]))} if len(parts) == 3 and parts[2].isdigit() else set()
    entries: list[Entry] = []
    of_activities = (
        Activity.contact_id == contact_id
        if contact_id is not None
        else sa.or_(Activity.company_id == company_id, Activity.contact_id.in_(ids or [-1]))
    )
    activity_kinds = [k for k in ("note", "call", "email", "meeting") if k in wanted]
    if activity_kinds:
        q = (
            sa.select(Activity, User.name)
            .outerjoin(User, User.id == Activity.user_id)
            .where(of_activities, Activity.kind.in_(activity_kinds))
        )
        if cut is not None:
            q = q.where(Activity.occurred_at <= cut)
        for a, who in session.execute(
            q.order_by(Activity.occurred_at.desc(), Activity.id.desc()).limit(limit + 1)
        ):
            entries.append(
                Entry(
                    a.kind,
                    a.id,
                    aware(a.occurred_at),
                    a.subject,
                    a.body,
                    who or "",
                    details={"duration": a.duration_minutes, "outcome": a.outcome or ""},
                )
            )
    deal_scope = scope(Deal, ids, company_id)
    if "stage" in wanted:
        to_stage = sa.orm.aliased(Stage)
        from_stage = sa.orm.aliased(Stage)
        q = (
            sa.select(DealStageChange, Deal.title, to_stage.name, from_stage.name, User.name)
            .join(Deal, Deal.id == DealStageChange.deal_id)
            .join(to_stage, to_stage.id == DealStageChange.to_stage_id)
            .outerjoin(from_stage, from_stage.id == DealStageChange.from_stage_id)
            .outerjoin(User, User.id == DealStageChange.changed_by_id)
            .where(deal_scope)
        )
        if cut is not None:
            q = q.where(DealStageChange.changed_at <= cut)
        q = q.order_by(DealStageChange.changed_at.desc(), DealStageChange.id.desc()).limit(
            limit + 1
        )
        for change, title, to_name, from_name, who in session.execute(q):
            entries.append(
                Entry(
                    "stage",
                    change.id,
                    aware(change.changed_at),
                    title,
                    "",
                    who or "",
                    link=f"/deals/{change.deal_id}",
                    details={"from": from_name or "", "to": to_name},
                )
            )
    if "ticket" in wanted:
        q = sa.select(Ticket).where(scope(Ticket, ids, company_id))
        if cut is not None:
            q = q.where(Ticket.created_at <= cut)
        for t in session.execute(
            q.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit + 1)
        ).scalars():
            entries.append(
                Entry(
                    "ticket",
                    t.id,
                    aware(t.created_at),
                    t.subject,
                    "",
                    "",
                    link=f"/tickets/{t.id}",
                    details={"status": t.status, "priority": t.priority, "csat": t.csat_score},
                )
            )
    if "order" in wanted:
        q = sa.select(Order).where(scope(Order, ids, company_id))
        if cut is not None:
            q = q.where(Order.ordered_at <= cut)
        for o in session.execute(
            q.order_by(Order.ordered_at.desc(), Order.id.desc()).limit(limit + 1)
        ).scalars():
            entries.append(
                Entry(
                    "order",
                    o.id,
                    aware(o.ordered_at),
                    o.number,
                    "",
                    "",
                    details={
                        "total": float(o.total or 0),
                        "currency": o.currency,
                        "status": o.status,
                    },
                )
            )
    if "campaign" in wanted:
        q = (
            sa.select(CampaignEvent, Campaign.name)
            .join(Campaign, Campaign.id == CampaignEvent.campaign_id)
            .where(CampaignEvent.contact_id.in_(ids or [-1]))
        )
        if cut is not None:
            q = q.where(CampaignEvent.at <= cut)
        q = q.order_by(CampaignEvent.at.desc(), CampaignEvent.id.desc()).limit(limit + 1)
        for ev, name in session.execute(q):
            entries.append(
                Entry(
                    "campaign",
                    ev.id or 0,
                    aware(ev.at),
                    name,
                    link=f"/marketing/campaigns/{ev.campaign_id}",
                    details={"event": ev.kind},
                )
            )
    entries.sort(key=lambda e: (e.at, e.kind, e.id), reverse=True)
    if cut is not None:  # drop what the previous page showed (same moment, up to its last entry)
        last_kind, last_id = next(iter(seen), ("", 0))
        entries = [
            e
            for e in entries
            if e.at < cut or (e.at == cut and (e.kind, e.id) < (last_kind, last_id))
        ]
    page = entries[:limit]
    more = len(entries) > limit
    return Page(page, page[-1].cursor if more and page else None)
