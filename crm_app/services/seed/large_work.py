"""Row builders for the large seed's deals, stage history, tickets and activities."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Any

from . import catalog
from .large_rows import CALL_OUTCOMES, KIND_WEIGHTS, KINDS, MEETING_OUTCOMES, Pools, World
from .lines import LABELS
from .support import FIRST_RESPONSE_HOURS, RESOLUTION_HOURS

LABELS_LIST = [label[0].upper() + label[1:] for label in LABELS.values()]
DAY = 86400.0


def deal_rows(rng: random.Random, w: World, n: int, pipelines: list) -> list[dict[str, Any]]:
    rows = []
    choices = rng.choices(pipelines, [p[4] for p in pipelines], k=n)
    for pipeline_id, open_, won, lost, _ in choices:
        c = rng.randrange(len(w.contact_ids))
        start = w.contact_at[c]
        at = start + (w.span - start) * rng.random()
        created = w.when(at)
        age = (w.span - at) / DAY
        closed_at = lost_reason = None
        if (won or lost) and rng.random() < min(0.95, age / 60):
            is_won = won is not None and (lost is None or rng.random() < 0.35)
            stage = won if is_won else lost
            days = min(age, rng.lognormvariate(math.log(35), 0.7))
            closed_at = created + timedelta(days=days)
            entered = closed_at
            lost_reason = (
                None if is_won else rng.choices(catalog.LOST_REASONS, (30, 25, 15, 12, 12, 6))[0]
            )
        else:
            stage = rng.choices(open_, [len(open_) - i for i in range(len(open_))])[0]
            entered = created + timedelta(days=age * rng.random() * 0.5)
        company = w.contact_company[c]
        value = round(rng.lognormvariate(math.log(6000), 0.8), 2)
        who = (
            w.company_short[company]
            if company is not None
            else " ".join(w.contact_names[c]).title()
        )
        rows.append(
            {
                "title": f"{who}: {rng.choice(LABELS_LIST)}",
                "value": value,
                "currency": "EUR",
                "exchange_rate": 1.0 if closed_at else None,
                "source": rng.choice(catalog.SOURCES),
                "pipeline_id": pipeline_id,
                "stage_id": stage.id,
                "position": 0,
                "owner_id": w.contact_owner[c],
                "contact_id": w.contact_ids[c],
                "company_id": w.company_ids[company] if company is not None else None,
                "lost_reason": lost_reason,
                "expected_close": (created + timedelta(days=45)).date(),
                "stage_entered_at": entered,
                "created_at": created,
                "updated_at": entered,
                "closed_at": closed_at,
            }
        )
        w.deal_contact.append(c)
        w.deal_at.append(at)
    return rows


def stage_change_rows(deals: list[dict[str, Any]], ids: list[int], first_stage: dict[int, int]):
    rows = []
    for deal_id, deal in zip(ids, deals, strict=True):
        first = first_stage[deal["pipeline_id"]]
        rows.append(
            {
                "deal_id": deal_id,
                "from_stage_id": None,
                "to_stage_id": first,
                "changed_at": deal["created_at"],
                "changed_by_id": deal["owner_id"],
            }
        )
        if deal["stage_id"] != first:
            rows.append(
                {
                    "deal_id": deal_id,
                    "from_stage_id": first,
                    "to_stage_id": deal["stage_id"],
                    "changed_at": deal["stage_entered_at"],
                    "changed_by_id": deal["owner_id"],
                }
            )
    return rows


def ticket_rows(rng: random.Random, w: World, pools: Pools, n: int) -> list[dict[str, Any]]:
    rows = []
    priorities = rng.choices(("low", "normal", "high", "urgent"), (20, 50, 22, 8), k=n)
    now = w.tl.now
    for priority in priorities:
        c = rng.randrange(len(w.contact_ids))
        start = w.contact_at[c]
        created = w.when(start + (w.span - start) * rng.random())
        category, subject, body = rng.choice(pools.tickets)
        first_h, resolve_h = FIRST_RESPONSE_HOURS[priority], RESOLUTION_HOURS[priority]
        late = rng.random() < 0.12
        response = created + timedelta(
            hours=first_h * (rng.uniform(1.1, 3) if late else rng.uniform(0.05, 0.9))
        )
        resolved = created + timedelta(
            hours=resolve_h * (rng.uniform(1.1, 2) if late else rng.uniform(0.2, 0.95))
        )
        done = resolved < now
        status = (
            ("closed" if resolved < now - timedelta(days=4) else "solved")
            if done
            else ("open" if response < now else "new")
        )
        csat = (
            rng.choices((5, 4, 3, 2, 1), (50, 30, 10, 6, 4))[0]
            if done and rng.random() < 0.6
            else None
        )
        company = w.contact_company[c]
        rows.append(
            {
                "subject": subject,
                "description": body,
                "status": status,
                "priority": priority,
                "channel": rng.choices(("email", "phone", "web", "chat"), (45, 25, 20, 10))[0],
                "category": category,
                "assignee_id": rng.choice(w.support),
                "contact_id": w.contact_ids[c],
                "company_id": w.company_ids[company] if company is not None else None,
                "created_at": created,
                "updated_at": min(resolved, now),
                "first_response_at": response if response < now else None,
                "resolved_at": resolved if done else None,
                "first_response_due_at": created + timedelta(hours=first_h),
                "resolution_due_at": created + timedelta(hours=resolve_h),
                "sla_breached": late,
                "csat_score": csat,
                "csat_at": resolved + timedelta(hours=3) if csat else None,
            }
        )
    return rows


def activity_rows(rng: random.Random, w: World, pools: Pools, n: int) -> list[dict[str, Any]]:
    rows = []
    n_contacts, n_deals = len(w.contact_ids), len(w.deal_ids)
    kinds = rng.choices(KINDS, KIND_WEIGHTS, k=n)
    rand = rng.random
    for kind in kinds:
        deal = int(rand() * n_deals) if n_deals and rand() < 0.35 else None
        c = w.deal_contact[deal] if deal is not None else int(rand() * n_contacts)
        start = w.deal_at[deal] if deal is not None else w.contact_at[c]
        at = w.when(start + (w.span - start) * rand())
        subject, body = rng.choice(pools.texts[kind])
        company = w.contact_company[c]
        duration = outcome = None
        if kind == "call":
            duration, outcome = 1 + int(rng.expovariate(1 / 8)), rng.choice(CALL_OUTCOMES)
        elif kind == "meeting":
            duration, outcome = rng.choice((30, 45, 60, 90)), rng.choice(MEETING_OUTCOMES)
        rows.append(
            {
                "kind": kind,
                "subject": subject,
                "body": body,
                "occurred_at": at,
                "duration_minutes": duration,
                "outcome": outcome,
                "user_id": w.contact_owner[c],
                "contact_id": w.contact_ids[c],
                "company_id": w.company_ids[company] if company is not None else None,
                "deal_id": w.deal_ids[deal] if deal is not None else None,
                "created_at": at,
            }
        )
    return rows
