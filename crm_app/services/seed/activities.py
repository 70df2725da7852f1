"""Activities: the calls, e-mails, meetings and notes that go with each deal and ticket."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from crm_app.models import Activity

from . import texts
from .deals import DealPlan
from .foundation import write_all
from .lines import LABELS
from .people import ContactPlan
from .support import TicketPlan
from .timeline import Timeline, weighted

N_ACTIVITIES = 3000
NB_CHANCE = (0.65, 0.75, 1.0, 0.85)  # of an activity while in each open stage
RN_CHANCE = (0.7, 1.0, 0.6)
BUDGET_DIGITS = {"AMD": -5, "RUB": -4}  # a rough budget: to the hundred, or coarser


@dataclass(eq=False)
class ActivityPlan:
    obj: Activity
    contact: ContactPlan
    deal: DealPlan | None = None
    ticket: TicketPlan | None = None


def _activity(
    rng: random.Random,
    kind: str,
    subject: str,
    body: str,
    at: datetime,
    user_id: int | None,
    calls: dict[str, float] = texts.CALL_OUTCOMES,
) -> Activity:
    duration = outcome = None
    if kind == "call":
        duration = max(1, round(rng.lognormvariate(math.log(8), 0.6)))
        outcome = weighted(rng, calls)
    elif kind == "meeting":
        duration = rng.choice((30, 45, 60, 60, 90))
        outcome = weighted(rng, texts.MEETING_OUTCOMES)
    return Activity(
        kind=kind,
        subject=subject[:200],
        body=body,
        occurred_at=at,
        duration_minutes=duration,
        outcome=outcome,
        user_id=user_id,
        created_at=at,
    )


def _between(rng: random.Random, tl: Timeline, start: datetime, end: datetime) -> datetime:
    end = min(end, tl.now)
    at = start + (end - start) * rng.uniform(0.1, 0.9)
    moved = tl.next_work_time(rng, at)
    return moved if moved < end else at


def _deal_context(rng: random.Random, deal: DealPlan) -> dict[str, object]:
    main = next((sku for sku, _ in deal.basket if sku.startswith("KM")), deal.basket[0][0])
    return {
        "first": deal.contact.obj.first_name,
        "company": deal.company.short,
        "city": deal.company.obj.city,
        "deal": deal.obj.title,
        "machine": LABELS[main],
        "lines": ", ".join(LABELS[sku] for sku, _ in deal.basket),
        "cups": rng.choice((80, 120, 150, 200, 300, 400)),
        "budget": f"{round(deal.obj.value, BUDGET_DIGITS.get(deal.obj.currency, -2)):,.0f} "
        f"{deal.obj.currency}",
        "discount": rng.choice((5, 10, 15)),
        "reason": deal.obj.lost_reason or "",
        "lost_note": deal.obj.lost_note or "",
    }


def for_deal(rng: random.Random, tl: Timeline, deal: DealPlan) -> list[ActivityPlan]:
    ctx = _deal_context(rng, deal)
    owner = deal.obj.owner_id
    found: list[ActivityPlan] = []

    def add(template: texts.Template, at: datetime) -> None:
        kind, subject, body = texts.pick(rng, template, **ctx)
        act = _activity(rng, kind, subject, body, at, owner, texts.DEAL_CALL_OUTCOMES)
        found.append(ActivityPlan(act, deal.contact, deal))

    moves = deal.moves
    opening = deal.kind if deal.kind != "new" else (deal.contact.obj.source or "website")
    add(texts.DEAL_OPENING.get(opening, texts.DEAL_OPENING["website"]), moves[0][2])
    steps, chances = (
        (texts.IN_STAGE, NB_CHANCE) if deal.kind == "new" else (texts.RENEWAL_STAGE, RN_CHANCE)
    )
    for i, (_src, _dst, entered) in enumerate(moves):
        if _dst.is_won or _dst.is_lost or i >= len(steps):
            break
        left = moves[i + 1][2] if i + 1 < len(moves) else tl.now
        if rng.random() < chances[i] and left > entered:
            proposal = deal.kind == "new" and i == 2
            add(
                steps[i],
                entered + timedelta(minutes=20) if proposal else _between(rng, tl, entered, left),
            )
        if left - entered > timedelta(days=10) and rng.random() < 0.4:
            add(texts.FOLLOW_UP, _between(rng, tl, entered, left))
    if deal.outcome == "won":
        add(texts.WON, moves[-1][2])
    elif deal.outcome == "lost" and rng.random() < 0.8:
        add(texts.LOST, moves[-1][2])
    return [a for a in found if a.obj.occurred_at < tl.now]


def for_ticket(rng: random.Random, tl: Timeline, ticket: TicketPlan) -> list[ActivityPlan]:
    t = ticket.obj
    company = ticket.company.short if ticket.company else ticket.contact.name
    found = []
    if t.channel == "phone":
        body = f"{ticket.contact.obj.first_name} called about: {t.subject}. Logged as a ticket."
        act = _activity(rng, "call", f"Call: {t.subject}", body, t.created_at, t.assignee_id)
        act.outcome = (
            "Resolved on call"
            if t.resolved_at and t.resolved_at - t.created_at < timedelta(hours=2)
            else "Follow-up needed"
        )
        found.append(ActivityPlan(act, ticket.contact, ticket=ticket))
    if t.category == "Repair" and t.first_response_at and t.resolved_at and rng.random() < 0.3:
        at = t.first_response_at + (t.resolved_at - t.first_response_at) / 2
        body = f"Technician on site for: {t.subject}. Machine: {ticket.machine}."
        act = _activity(rng, "meeting", f"Technician visit at {company}", body, at, t.assignee_id)
        act.outcome = rng.choice(("Fixed on site", "Part ordered", "Fixed on site"))
        found.append(ActivityPlan(act, ticket.contact, ticket=ticket))
    return found


def touches(
    rng: random.Random, tl: Timeline, contacts: list[ContactPlan], n: int
) -> list[ActivityPlan]:
    """Everyday contact outside deals: check-ins with customers, nurture e-mails to leads."""
    weights = [3 if c.wins else 1.5 if c.has_deal else 1 for c in contacts]
    found = []
    for person in rng.choices(contacts, weights, k=max(0, n)):
        start = person.obj.created_at
        at = _between(rng, tl, start, tl.now)
        ctx = {
            "first": person.obj.first_name,
            "company": person.company.short if person.company else person.name,
            "city": person.obj.city,
            "machine": rng.choice(("Classic 2-group", "Compact 1-group", "G64 grinder")),
        }
        kind, subject, body = texts.pick(rng, rng.choice(texts.TOUCHES), **ctx)
        act = _activity(rng, kind, subject, body, at, person.obj.owner_id)
        found.append(ActivityPlan(act, person))
    return found


def plan_activities(
    rng: random.Random,
    tl: Timeline,
    contacts: list[ContactPlan],
    deals: list[DealPlan],
    tickets: list[TicketPlan],
) -> list[ActivityPlan]:
    found = [a for d in deals for a in for_deal(rng, tl, d)]
    found += [a for t in tickets for a in for_ticket(rng, tl, t)]
    found += touches(rng, tl, contacts, N_ACTIVITIES - len(found))
    found.sort(key=lambda a: a.obj.occurred_at)
    for act in found:
        act.contact.last_touch = act.obj.occurred_at  # sorted: the last one wins
    for person in contacts:
        person.obj.last_contacted_at = person.last_touch
    return found


def write_activities(session: Session, counts: Counter[str], plans: list[ActivityPlan]) -> None:
    for plan in plans:
        plan.obj.contact_id = plan.contact.obj.id
        company = plan.contact.company
        plan.obj.company_id = company.obj.id if company else None
        plan.obj.deal_id = plan.deal.obj.id if plan.deal else None
        plan.obj.ticket_id = plan.ticket.obj.id if plan.ticket else None
    write_all(session, counts, [p.obj for p in plans])
