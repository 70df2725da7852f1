"""Deals: a stage funnel walked through time, so old deals are decided and recent ones open."""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from crm_app.models import Deal, DealLine, DealStageChange, Stage

from . import catalog, lines
from .foundation import Foundation, write_all
from .lines import Basket
from .people import CompanyPlan, ContactPlan
from .timeline import Timeline, lognormal_days

NEW_BUSINESS = "New business"
RENEWALS = "Renewals & upsell"
NB_DEALS = 525
# Chance to move on from each open stage (the last one is the win), and the median days spent.
NB_ADVANCE = (0.72, 0.80, 0.74, 0.80)
NB_MEDIAN_DAYS = (7, 14, 16, 12)
RN_ADVANCE = (0.9, 0.85, 0.93)
RN_MEDIAN_DAYS = (10, 8, 6)
RN_LOST_WEIGHTS = (35, 30, 20, 5, 10, 0)
STALL = 0.06  # deals that stop moving and rot in their stage

Move = tuple[Stage | None, Stage, datetime]


@dataclass(eq=False)
class DealPlan:
    obj: Deal
    company: CompanyPlan
    contact: ContactPlan
    basket: Basket
    lines: list[DealLine]
    moves: list[Move]
    kind: str  # new, renewal, upsell
    outcome: str  # won, lost, open
    stalled: bool


def _simulate(
    rng: random.Random,
    tl: Timeline,
    stages: list[Stage],
    created: datetime,
    advance: tuple[float, ...],
    medians: tuple[float, ...],
) -> tuple[list[Move], str, int, bool]:
    """Walk a deal through the stages; returns (moves, outcome, index of its last open stage)."""
    steps = [s for s in stages if not s.is_won and not s.is_lost]
    won = next(s for s in stages if s.is_won)
    lost = next(s for s in stages if s.is_lost)
    moves: list[Move] = [(None, steps[0], created)]
    stalled = rng.random() < STALL
    at = created
    for i, stage in enumerate(steps):
        stay = lognormal_days(rng, medians[i], 0.7) * (6 if stalled else 1)
        chance = advance[i]
        leave = at + stay
        if i == len(steps) - 1:
            push = leave.astimezone(tl.tz)
            year_end = tl.local(push.date().replace(month=12, day=20), 15)
            if push.month == 12 or (push.month == 11 and push.day >= 25):
                leave, chance = min(leave, max(year_end, at)), chance + 0.1  # December push
        leave = tl.next_work_time(rng, leave)
        if leave >= tl.now:
            return moves, "open", i, stalled
        if rng.random() >= chance:
            moves.append((stage, lost, leave))
            return moves, "lost", i, stalled
        moves.append((stage, steps[i + 1] if i + 1 < len(steps) else won, leave))
        at = leave
    return moves, "won", len(steps) - 1, stalled


def _rate(f: Foundation, tl: Timeline, currency: str, when: datetime) -> float:
    if currency == f.market.currency:
        return 1.0
    drift = 0.03 * math.sin(2 * math.pi * 1.5 * tl.frac(when))
    return round(f.rates[currency] * (1 + drift), 5)


def _expected_close(
    rng: random.Random,
    tl: Timeline,
    plan_start: datetime,
    kind: str,
    outcome: str,
    stage_index: int,
    stalled: bool,
):
    estimate = plan_start + timedelta(
        days=rng.randint(25, 75) if kind == "new" else rng.randint(14, 40)
    )
    estimate_day = estimate.astimezone(tl.tz).date()
    if outcome != "open" or stalled or estimate_day >= tl.today:
        return estimate_day
    if stage_index >= 2 or rng.random() < 0.5:  # the owner keeps the forecast up to date
        return tl.today + timedelta(days=rng.randint(2, 50))
    return estimate_day  # forgotten: overdue


def _build(
    rng: random.Random,
    tl: Timeline,
    f: Foundation,
    *,
    kind: str,
    when: datetime,
    company: CompanyPlan,
    contact: ContactPlan,
    basket: Basket,
    price_factor: float = 1.0,
) -> DealPlan:
    pipeline = f.pipeline(NEW_BUSINESS if kind == "new" else RENEWALS)
    stages = f.stages[pipeline.id or 0]
    advance, medians = (
        (NB_ADVANCE, NB_MEDIAN_DAYS) if kind == "new" else (RN_ADVANCE, RN_MEDIAN_DAYS)
    )
    currency = lines.currency_for(rng, company.country, company.industry.key, f.market)
    deal_lines = lines.deal_lines(
        rng, basket, f.products, currency, f.rates, price_factor=price_factor, market=f.market
    )
    moves, outcome, index, stalled = _simulate(rng, tl, stages, when, advance, medians)
    last = moves[-1][2]
    owner_id = company.obj.owner_id
    if rng.random() < 0.08:
        owner_id = rng.choice(f.role("sales") or f.users).id
    lost_reason = lost_note = None
    if outcome == "lost":
        weights = catalog.LOST_WEIGHTS_BY_STAGE[index] if kind == "new" else RN_LOST_WEIGHTS
        lost_reason = rng.choices(catalog.LOST_REASONS, weights)[0]
        if rng.random() < 0.5:
            lost_note = rng.choice(catalog.LOST_NOTES[lost_reason])
    deal = Deal(
        title=lines.title(company.short, basket, kind, last.year),
        value=lines.total(deal_lines),
        currency=currency,
        exchange_rate=_rate(f, tl, currency, last) if outcome != "open" else None,
        source=contact.obj.source if kind == "new" else "existing customer",
        expected_close=_expected_close(rng, tl, when, kind, outcome, index, stalled),
        pipeline_id=pipeline.id or 0,
        stage_id=moves[-1][1].id or 0,
        owner_id=owner_id,
        lost_reason=lost_reason,
        lost_note=lost_note,
        stage_entered_at=last,
        created_at=when,
        updated_at=last,
        closed_at=last if outcome != "open" else None,
    )
    return DealPlan(deal, company, contact, basket, deal_lines, moves, kind, outcome, stalled)


def _contact_at(rng: random.Random, cp: CompanyPlan, when: datetime) -> ContactPlan:
    known = [c for c in cp.contacts if c.obj.created_at <= when] or cp.contacts[:1]
    return known[0] if rng.random() < 0.7 else rng.choice(known)


def plan_deals(
    rng: random.Random, tl: Timeline, f: Foundation, companies: list[CompanyPlan]
) -> list[DealPlan]:
    late = tl.now - timedelta(hours=2)
    starts: list[tuple[datetime, CompanyPlan]] = []
    for cp in companies:  # most new companies come in as a lead with a first deal
        when = tl.next_work_time(rng, cp.obj.created_at + lognormal_days(rng, 2, 1.0))
        if rng.random() < 0.85 and when < late:
            starts.append((when, cp))
    by_created = sorted(companies, key=lambda c: c.obj.created_at)
    created = [c.obj.created_at for c in by_created]
    for day in tl.seasonal_days(rng, NB_DEALS - len(starts)):  # second locations, more machines
        when = tl.work_time(rng, day)
        known = by_created[: bisect.bisect_left(created, when - timedelta(days=14))]
        if known:
            weights = [math.sqrt(c.obj.employees or 1) for c in known]
            starts.append((when, rng.choices(known, weights)[0]))
    plans = []
    for when, cp in sorted(starts, key=lambda s: s[0]):
        basket = lines.new_business_basket(rng, cp.industry.key)
        plans.append(
            _build(
                rng,
                tl,
                f,
                kind="new",
                when=when,
                company=cp,
                contact=_contact_at(rng, cp, when),
                basket=basket,
            )
        )
    followups = []
    for plan in plans:
        if plan.outcome != "won" or plan.obj.closed_at is None:
            continue
        closed = plan.obj.closed_at
        renew = lines.renewal_basket(plan.basket)
        when = tl.next_work_time(rng, closed + timedelta(days=335 + rng.randint(-10, 10)))
        if renew and when < late:
            followups.append(
                _build(
                    rng,
                    tl,
                    f,
                    kind="renewal",
                    when=when,
                    company=plan.company,
                    contact=plan.contact,
                    basket=renew,
                    price_factor=1.04,
                )
            )
        when = tl.next_work_time(rng, closed + lognormal_days(rng, 80, 0.6))
        if rng.random() < 0.4 and when < late:
            followups.append(
                _build(
                    rng,
                    tl,
                    f,
                    kind="upsell",
                    when=when,
                    company=plan.company,
                    contact=_contact_at(rng, plan.company, when),
                    basket=lines.upsell_basket(rng, plan.basket),
                )
            )
    plans = sorted(plans + followups, key=lambda p: p.obj.created_at)
    for plan in plans:
        company, contact = plan.company, plan.contact
        company.has_deal = contact.has_deal = True
        if plan.outcome == "won" and plan.obj.closed_at:
            company.wins.append(plan.obj.closed_at)
            contact.wins += 1
        if plan.kind == "renewal" and plan.outcome == "lost" and plan.obj.closed_at:
            company.lost_renewals.append(plan.obj.closed_at)
    return plans


def write_deals(session: Session, counts: Counter[str], plans: list[DealPlan]) -> None:
    positions: Counter[int] = Counter()
    for plan in sorted(plans, key=lambda p: p.obj.stage_entered_at, reverse=True):
        plan.obj.position = positions[plan.obj.stage_id]
        positions[plan.obj.stage_id] += 1
    for plan in plans:
        plan.obj.company_id = plan.company.obj.id
        plan.obj.contact_id = plan.contact.obj.id
    write_all(session, counts, [p.obj for p in plans])
    for plan in plans:
        for line in plan.lines:
            line.deal_id = plan.obj.id or 0
    write_all(session, counts, [ln for p in plans for ln in p.lines])
    write_all(
        session,
        counts,
        [
            DealStageChange(
                deal_id=p.obj.id or 0,
                from_stage_id=src.id if src else None,
                to_stage_id=dst.id or 0,
                changed_at=at,
                changed_by_id=p.obj.owner_id,
            )
            for p in plans
            for src, dst, at in p.moves
        ],
    )
