"""Support tickets from the installed base, with SLA targets that are mostly met."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from crm_app.models import MailMessage, Ticket, TicketComment
from crm_app.models.messaging import MailStatus

from ..tickets.reference import mail_subject
from . import texts
from .deals import DealPlan
from .foundation import Foundation, write_all
from .lines import LABELS
from .people import CompanyPlan, ContactPlan
from .timeline import Timeline, weighted

N_TICKETS = 800
FIRST_RESPONSE_HOURS = {"urgent": 1, "high": 4, "normal": 8, "low": 24}
RESOLUTION_HOURS = {"urgent": 8, "high": 24, "normal": 72, "low": 120}
BREACH_SHARE = 0.12
CSAT_SHARE = 0.6
CLOSE_AFTER = timedelta(days=4)  # solved tickets close by themselves after this
WAITING_WINDOW = timedelta(days=21)
WAITING_SHARE = 0.45


@dataclass(eq=False)
class TicketPlan:
    obj: Ticket
    contact: ContactPlan
    company: CompanyPlan | None
    machine: str
    comments: list[TicketComment] = field(default_factory=list)


def _assignee(rng: random.Random, f: Foundation, country: str, city: str | None) -> int | None:
    """Mostly the support person for the customer's city or country (``market.support_home``)."""
    team = f.role("support") or f.role("admin", "manager") or f.users
    homes = f.market.support_home
    local = homes.get(city or "") or homes.get(country)
    home = next((u for u in team if u.email.split("@")[0] == local), None)
    user = home if home is not None and rng.random() < 0.75 else rng.choice(team)
    return user.id


def _times(rng: random.Random, priority: str) -> tuple[float, float]:
    """Hours to first response and to resolution; about one ticket in eight misses a target."""
    first, resolve = FIRST_RESPONSE_HOURS[priority], RESOLUTION_HOURS[priority]
    miss = rng.choices(("none", "first", "resolve", "both"), (88, 6, 4, 2))[0]
    response = first * (
        rng.uniform(1.1, 3.0) if miss in ("first", "both") else rng.uniform(0.05, 0.9)
    )
    if miss in ("resolve", "both"):
        resolution = resolve * rng.uniform(1.1, 2.5)
    else:
        resolution = max(response * 1.2, resolve * rng.uniform(0.15, 0.95))
    return response, min(resolution, resolve * 0.98) if miss in ("none", "first") else resolution


def _when(rng: random.Random, tl: Timeline, start: datetime, end: datetime, channel: str):
    at = start + (min(end, tl.now) - start) * rng.random()
    if channel in ("phone", "chat"):
        at = tl.next_work_time(rng, at)
    return tl.clamp(at)


def _plan_one(
    rng: random.Random,
    tl: Timeline,
    f: Foundation,
    contact: ContactPlan,
    company: CompanyPlan | None,
    start: datetime,
    machine: str,
    category: str | None = None,
    within: timedelta | None = None,
) -> TicketPlan:
    cats = texts.TICKETS
    spec = (
        next((c for c in cats if c[0] == category), None)
        or rng.choices(cats, [c[1] for c in cats])[0]
    )
    priority = weighted(rng, texts.REPAIR_PRIORITIES if spec[0] == "Repair" else texts.PRIORITIES)
    channel = weighted(rng, texts.CHANNELS)
    created = _when(rng, tl, start, start + within if within else tl.now, channel)
    response_h, resolution_h = _times(rng, priority)
    responded = created + timedelta(hours=response_h)
    resolved = created + timedelta(hours=resolution_h)
    first_due = created + timedelta(hours=FIRST_RESPONSE_HOURS[priority])
    resolve_due = created + timedelta(hours=RESOLUTION_HOURS[priority])
    ctx = {
        "first": contact.obj.first_name,
        "machine": machine,
        "invoice": f"SO-{created.year}-{rng.randint(1, 400):04d}",
    }
    ticket = Ticket(
        subject=texts.fill(rng.choice(spec[2]), **ctx),
        description=texts.fill(rng.choice(spec[3]), **ctx),
        priority=priority,
        channel=channel,
        category=spec[0],
        assignee_id=_assignee(rng, f, contact.country.code, contact.obj.city),
        created_at=created,
        first_response_due_at=first_due,
        resolution_due_at=resolve_due,
    )
    # Recent tickets may wait on the customer or on a part; the resolution clock stops then.
    waiting = created > tl.now - WAITING_WINDOW and rng.random() < WAITING_SHARE
    ticket.first_response_at = responded if responded < tl.now else None
    ticket.resolved_at = resolved if resolved < tl.now and not waiting else None
    ticket.sla_breached = min(responded, tl.now) > first_due or (
        not waiting and min(resolved, tl.now) > resolve_due
    )
    if ticket.resolved_at is not None:
        ticket.status = "closed" if resolved + CLOSE_AFTER < tl.now else "solved"
        if rng.random() < CSAT_SHARE and resolved + timedelta(hours=2) < tl.now:
            good = (55, 30, 9, 4, 2) if not ticket.sla_breached else (18, 25, 25, 18, 14)
            ticket.csat_score = rng.choices((5, 4, 3, 2, 1), good)[0]
            if rng.random() < 0.35:
                pool = texts.CSAT_GOOD if ticket.csat_score >= 4 else texts.CSAT_BAD
                ticket.csat_comment = rng.choice(pool)
            ticket.csat_at = tl.clamp(resolved + timedelta(hours=rng.uniform(1, 48)))
    elif ticket.first_response_at is None:
        ticket.status = "new"
    elif waiting:
        ticket.status = rng.choices(("pending", "on_hold", "open"), (50, 30, 20))[0]
    else:
        ticket.status = "open"
    plan = TicketPlan(ticket, contact, company, machine)
    _comments(rng, tl, plan, ctx)
    events = [created] + [c.created_at for c in plan.comments]
    ticket.updated_at = max(events + ([ticket.csat_at] if ticket.csat_at else []))
    return plan


def _comments(rng: random.Random, tl: Timeline, plan: TicketPlan, ctx: dict) -> None:
    t = plan.obj
    agent = t.assignee_id
    if t.first_response_at is None:
        return
    found = [(agent, rng.choice(texts.FIRST_REPLIES), True, t.first_response_at)]
    end = t.resolved_at or tl.now
    span = end - t.first_response_at
    if rng.random() < 0.4:
        found.append(
            (agent, rng.choice(texts.INTERNAL_NOTES), False, t.first_response_at + span * 0.3)
        )
    if rng.random() < 0.3:
        found.append(
            (None, rng.choice(texts.CUSTOMER_REPLIES), True, t.first_response_at + span * 0.6)
        )
    if t.resolved_at is not None:
        found.append((agent, rng.choice(texts.RESOLUTIONS), True, t.resolved_at))
    plan.comments = [
        TicketComment(
            ticket_id=0,
            author_id=author,
            body=texts.fill(body, **ctx),
            is_public=public,
            created_at=tl.clamp(at),
        )
        for author, body, public, at in found
    ]


def plan_tickets(
    rng: random.Random,
    tl: Timeline,
    f: Foundation,
    companies: list[CompanyPlan],
    contacts: list[ContactPlan],
    deals: list[DealPlan],
) -> list[TicketPlan]:
    """Most tickets come from customers after their first purchase; some from prospects."""
    machine: dict[int, str] = {}
    for deal in deals:
        if deal.outcome == "won":
            for sku, _ in deal.basket:
                if sku.startswith(("KM", "GR")):
                    machine.setdefault(id(deal.company), LABELS[sku])
    customers = [c for c in companies if c.wins and min(c.wins) < tl.now - timedelta(days=1)]
    weights = [(tl.now - min(c.wins)).days + 10 for c in customers]
    others = [c for c in contacts if c.company is None or not c.company.wins]
    plans = []
    n_customer = int(N_TICKETS * 0.9) if customers else 0
    for _ in range(n_customer):
        company = rng.choices(customers, weights)[0]
        start = min(company.wins)
        known = [c for c in company.contacts if c.obj.created_at <= start] or company.contacts[:1]
        contact = rng.choice(company.contacts if rng.random() < 0.3 else known)
        start = max(start, contact.obj.created_at)
        onboarding = rng.random() < 0.12  # shortly after the installation, not at any time
        plans.append(
            _plan_one(
                rng,
                tl,
                f,
                contact,
                company,
                start,
                machine.get(id(company), "espresso machine"),
                "Onboarding" if onboarding else None,
                timedelta(days=20) if onboarding else None,
            )
        )
    for _ in range(N_TICKETS - len(plans)):
        contact = rng.choice(others)
        plans.append(
            _plan_one(
                rng,
                tl,
                f,
                contact,
                contact.company,
                contact.obj.created_at,
                "espresso machine",
                "Product question",
            )
        )
    plans.sort(key=lambda p: p.obj.created_at)
    return plans


def write_tickets(session: Session, counts: Counter[str], plans: list[TicketPlan]) -> None:
    for plan in plans:
        plan.obj.contact_id = plan.contact.obj.id
        plan.obj.company_id = plan.company.obj.id if plan.company else None
    write_all(session, counts, [p.obj for p in plans])
    for plan in plans:
        for comment in plan.comments:
            comment.ticket_id = plan.obj.id or 0
    _mailed_replies(session, counts, plans)
    write_all(session, counts, [c for p in plans for c in p.comments])


def _mailed_replies(session: Session, counts: Counter[str], plans: list[TicketPlan]) -> None:
    """The agents' public replies went out by e-mail when they were written (the ticket page
    says so, the contact's mail shows them): one sent mail each, to the primary address."""
    pairs = []
    for plan in plans:
        address = next((e.email for e in plan.contact.emails if e.is_primary), None)
        for comment in plan.comments:
            if address and comment.is_public and comment.author_id is not None:
                mail = MailMessage(
                    purpose="contact",
                    to_addresses=[address],
                    subject=mail_subject(plan.obj),
                    body=comment.body,
                    contact_id=plan.contact.obj.id,
                    status=MailStatus.SENT.value,
                    attempts=1,
                    created_by_id=comment.author_id,
                    created_at=comment.created_at,
                    sent_at=comment.created_at,
                )
                pairs.append((comment, mail))
    write_all(session, counts, [m for _, m in pairs])
    for comment, mail in pairs:
        comment.mail_id = mail.id
