"""Tasks: follow-ups on open deals and tickets (some overdue, some today), and done ones."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from crm_app.models import Task

from . import texts
from .deals import DealPlan
from .foundation import Foundation, write_all
from .people import ContactPlan
from .support import TicketPlan
from .timeline import Timeline

N_TASKS = 250
N_OPEN = 95  # not done yet: overdue, due today, upcoming
N_TODAY = 6


@dataclass(eq=False)
class TaskPlan:
    obj: Task
    contact: ContactPlan
    deal: DealPlan | None = None
    ticket: TicketPlan | None = None


def _due(tl: Timeline, rng: random.Random, when: datetime) -> datetime:
    day = when.astimezone(tl.tz).date()
    while not tl.is_workday(day):
        day += timedelta(days=1)
    return tl.local(day, rng.choice((9, 10, 11, 13, 14, 15, 16)))


def _task(
    rng: random.Random,
    tl: Timeline,
    f: Foundation,
    *,
    title: str,
    due: datetime,
    assignee: int | None,
    since: datetime,
    done: bool,
    priority: str = "normal",
) -> Task:
    created = min(max(since, due - timedelta(days=rng.randint(1, 7))), tl.clamp(tl.now))
    creator = assignee
    managers = f.role("manager")
    if managers and rng.random() < 0.2:
        creator = managers[0].id
    done_at = None
    if done:
        done_at = tl.clamp(max(created, due + timedelta(hours=rng.uniform(-20, 30))))
    return Task(
        title=title[:200],
        notes="",
        due_at=due,
        priority=priority,
        done=done,
        done_at=done_at,
        assignee_id=assignee,
        created_by_id=creator,
        created_at=created,
    )


def plan_tasks(
    rng: random.Random,
    tl: Timeline,
    f: Foundation,
    deals: list[DealPlan],
    tickets: list[TicketPlan],
) -> list[TaskPlan]:
    open_work: list[TaskPlan] = []
    for deal in deals:
        if deal.outcome != "open":
            continue
        ctx = {"first": deal.contact.obj.first_name, "company": deal.company.short}
        pool = texts.TASKS["new" if deal.kind == "new" else "renewal"]
        step = min(len(deal.moves) - 1, len(pool) - 1)
        due = _due(tl, rng, deal.obj.stage_entered_at + timedelta(days=rng.randint(2, 12)))
        if due < tl.now and rng.random() < 0.45:  # rescheduled rather than left overdue
            due = _due(tl, rng, tl.now + timedelta(days=rng.randint(1, 14)))
        priority = "high" if step >= 3 else "normal"
        task = _task(
            rng,
            tl,
            f,
            title=texts.fill(pool[step], **ctx),
            due=due,
            assignee=deal.obj.owner_id,
            since=deal.obj.created_at,
            done=False,
            priority=priority,
        )
        open_work.append(TaskPlan(task, deal.contact, deal))
    for ticket in tickets:
        t = ticket.obj
        if t.resolved_at is None and t.category == "Repair":
            ctx = {
                "first": ticket.contact.obj.first_name,
                "company": ticket.company.short if ticket.company else ticket.contact.name,
            }
            due = _due(tl, rng, t.created_at + timedelta(days=rng.randint(1, 3)))
            priority = "high" if t.priority in ("high", "urgent") else "normal"
            task = _task(
                rng,
                tl,
                f,
                title=texts.fill(rng.choice(texts.TASKS["ticket"][:2]), **ctx),
                due=due,
                assignee=t.assignee_id,
                since=t.created_at,
                done=False,
                priority=priority,
            )
            open_work.append(TaskPlan(task, ticket.contact, ticket=ticket))
    open_work = rng.sample(open_work, k=min(N_OPEN, len(open_work)))
    upcoming = [p for p in open_work if p.obj.due_at and p.obj.due_at >= tl.now]
    for plan in upcoming[:N_TODAY]:
        plan.obj.due_at = tl.local(tl.today, rng.choice((10, 11, 14, 15, 16)))
    done = []
    won = [d for d in deals if d.outcome == "won"]
    solved = [t for t in tickets if t.obj.resolved_at is not None]
    for _ in range(N_TASKS - len(open_work)):
        if won and (not solved or rng.random() < 0.6):
            deal = rng.choice(won)
            ctx = {"first": deal.contact.obj.first_name, "company": deal.company.short}
            closed = deal.obj.closed_at or tl.now
            title = rng.choice(texts.TASKS["won"])
            due = _due(tl, rng, closed + timedelta(days=rng.randint(1, 5)))
            task = _task(
                rng,
                tl,
                f,
                title=texts.fill(title, **ctx),
                due=due,
                assignee=deal.obj.owner_id,
                since=closed,
                done=due < tl.now,
            )
            done.append(TaskPlan(task, deal.contact, deal))
        elif solved:
            ticket = rng.choice(solved)
            t = ticket.obj
            ctx = {
                "first": ticket.contact.obj.first_name,
                "company": ticket.company.short if ticket.company else ticket.contact.name,
            }
            due = _due(tl, rng, (t.resolved_at or tl.now) + timedelta(days=rng.randint(3, 10)))
            task = _task(
                rng,
                tl,
                f,
                title=texts.fill(texts.TASKS["ticket"][2], **ctx),
                due=due,
                assignee=t.assignee_id,
                since=t.resolved_at or t.created_at,
                done=due < tl.now and rng.random() < 0.9,
                priority="low",
            )
            done.append(TaskPlan(task, ticket.contact, ticket=ticket))
    return sorted(open_work + done, key=lambda p: p.obj.created_at)


def write_tasks(session: Session, counts: Counter[str], plans: list[TaskPlan]) -> None:
    for plan in plans:
        plan.obj.contact_id = plan.contact.obj.id
        plan.obj.company_id = plan.contact.company.obj.id if plan.contact.company else None
        plan.obj.deal_id = plan.deal.obj.id if plan.deal else None
        plan.obj.ticket_id = plan.ticket.obj.id if plan.ticket else None
    write_all(session, counts, [p.obj for p in plans])
