"""Customer-360: one customer's key figures and a health score with its reasons.

Key figures (all money in the base currency)
    lifetime value   paid orders, plus won deals that have no order (a won deal normally
                     becomes an order, so it is not counted twice)
    open deal value  deals not in a won or lost stage
    open tickets     not solved or closed
    last contacted   the contact's field (logging a call/meeting/note/e-mail moves it)
    days since last purchase

Health score (0–100, start 70, clamped), each rule with its reason and its points:
    last contact  ≤ 30 days +10 · 31–90 days 0 · > 90 days −15 · never −20
    purchases     last purchase within the usual interval +10 · interval overdue −10,
                  overdue twice or more −25 (the usual interval is the median gap between
                  orders; with fewer than 2 orders, 90 days)
    open tickets  urgent or high priority −10 each (at most −30)
    satisfaction  average CSAT of the last 5 rated tickets: ≥ 4 +5 · < 3 −15
    pipeline      an open deal +5
    lifecycle     churned −30
Levels: ≥ 70 good, 40–69 watch, < 40 at risk.

The timeline is ``services/timeline.py``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Company,
    Contact,
    Deal,
    Order,
    Stage,
    Ticket,
    TicketStatus,
    utcnow,
)

from . import money
from .errors import NotFound
from .i18n import N_

CLOSED_TICKETS = (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value)
DEFAULT_INTERVAL_DAYS = 90


# -- key figures and health ------------------------------------------------------------------
@dataclass(frozen=True)
class Reason:
    """One rule's effect on the health score: a msgid with ``{placeholders}`` and points."""

    message: str
    points: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    lifetime_value: float
    open_deal_value: float
    open_deals: int
    open_tickets: int
    orders: int
    last_contacted_at: datetime | None
    last_purchase_at: datetime | None
    days_since_purchase: int | None
    usual_interval_days: int | None
    health: int
    level: str  # "good", "watch", "at_risk"
    reasons: list[Reason]
    currency: str


def scope(model: Any, contact_ids: list[int] | None, company_id: int | None) -> Any:
    """Rows of a customer: a contact (its ids), or a company (its own rows and its contacts')."""
    if company_id is None:
        return model.contact_id.in_(contact_ids or [])
    own = model.company_id == company_id
    if contact_ids:
        return sa.or_(own, model.contact_id.in_(contact_ids))
    return own


def _figures(
    session: Session, contact_ids: list[int] | None, company_id: int | None, now: datetime
) -> dict[str, Any]:
    base = money.base_currency(session)
    value = money.deal_value_in_base(session)
    deal_scope = scope(Deal, contact_ids, company_id)
    stage_won = sa.select(Stage.is_won).where(Stage.id == Deal.stage_id).scalar_subquery()
    stage_lost = sa.select(Stage.is_lost).where(Stage.id == Deal.stage_id).scalar_subquery()
    open_deals = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(value), 0.0)).where(
            deal_scope, sa.not_(stage_won), sa.not_(stage_lost)
        )
    ).one()
    won_without_order = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(value), 0.0)).where(
            deal_scope,
            stage_won,
            ~sa.exists().where(Order.deal_id == Deal.id),
        )
    ).scalar_one()
    order_rate = _order_rate(session, base)
    order_rows = session.execute(
        sa.select(Order.ordered_at, Order.total * order_rate)
        .where(scope(Order, contact_ids, company_id), Order.status != "cancelled")
        .order_by(Order.ordered_at)
    ).all()
    tickets = session.execute(
        sa.select(Ticket.priority, sa.func.count())
        .where(scope(Ticket, contact_ids, company_id), Ticket.status.not_in(CLOSED_TICKETS))
        .group_by(Ticket.priority)
    ).all()
    csat = (
        session.execute(
            sa.select(Ticket.csat_score)
            .where(scope(Ticket, contact_ids, company_id), Ticket.csat_score.is_not(None))
            .order_by(Ticket.csat_at.desc().nulls_last(), Ticket.id.desc())
            .limit(5)
        )
        .scalars()
        .all()
    )
    return {
        "base": base,
        "open_deals": int(open_deals[0]),
        "open_value": float(open_deals[1] or 0.0),
        "won_without_order": float(won_without_order or 0.0),
        "orders": [(at, float(total or 0.0)) for at, total in order_rows],
        "tickets": {str(p): int(n) for p, n in tickets},
        "csat": [int(c) for c in csat],
    }


def _order_rate(session: Session, base: str) -> Any:
    from crm_app.models import ExchangeRate

    table_rate = (
        sa.select(ExchangeRate.rate)
        .where(ExchangeRate.currency == Order.currency)
        .correlate(Order)
        .scalar_subquery()
    )
    return sa.func.coalesce(sa.case((Order.currency == base, 1.0), else_=table_rate), 0.0)


def aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        from datetime import UTC

        return moment.replace(tzinfo=UTC)
    return moment


def purchase_reason(since: int, interval: int) -> Reason:
    """The purchase rule's reason: ``since`` days after the last purchase, against the usual
    ``interval`` (within it +10, later −10, twice or more −25 with ``times``)."""
    if since <= interval:
        return Reason(N_("Bought within the usual {interval} days"), 10, {"interval": interval})
    if since >= 2 * interval:
        return Reason(
            N_(
                "Last purchase {days} days ago: the usual interval ({interval} days) is overdue ×{times}"
            ),
            -25,
            {"days": since, "interval": interval, "times": since // max(1, interval)},
        )
    return Reason(
        N_("Last purchase {days} days ago, later than the usual {interval} days"),
        -10,
        {"days": since, "interval": interval},
    )


def health(
    *,
    now: datetime,
    last_contacted_at: datetime | None,
    purchases: list[datetime],
    open_tickets: dict[str, int],
    csat: list[int],
    open_deals: int,
    stage: str | None,
) -> tuple[int, str, list[Reason], int | None]:
    """The score, its level, the reasons (largest effect first) and the usual interval."""
    reasons: list[Reason] = []
    if last_contacted_at is None:
        reasons.append(Reason(N_("Never contacted"), -20))
    else:
        days = (now - aware(last_contacted_at)).days
        if days <= 30:
            reasons.append(Reason(N_("Days since the last contact: {days}"), 10, {"days": days}))
        elif days > 90:
            reasons.append(Reason(N_("Days without contact: {days}"), -15, {"days": days}))
    interval = None
    if purchases:
        gaps = [(b - a).days for a, b in zip(purchases, purchases[1:], strict=False)]
        gaps = [g for g in gaps if g > 0]
        interval = int(statistics.median(gaps)) if gaps else DEFAULT_INTERVAL_DAYS
        reasons.append(purchase_reason((now - aware(purchases[-1])).days, interval))
    pressing = open_tickets.get("urgent", 0) + open_tickets.get("high", 0)
    if pressing:
        reasons.append(
            Reason(
                N_("Urgent or high-priority tickets open: {n}"),
                -min(30, 10 * pressing),
                {"n": pressing},
            )
        )
    if csat:
        average = sum(csat) / len(csat)
        shown = f"{average:.1f}"
        if average >= 4:
            reasons.append(Reason(N_("Satisfaction {score} of 5"), 5, {"score": shown}))
        elif average < 3:
            reasons.append(Reason(N_("Satisfaction {score} of 5"), -15, {"score": shown}))
    if open_deals:
        reasons.append(Reason(N_("Open deals: {n}"), 5, {"n": open_deals}))
    if stage == "churned":
        reasons.append(Reason(N_("Marked as churned"), -30))
    score = max(0, min(100, 70 + sum(r.points for r in reasons)))
    level = "good" if score >= 70 else "watch" if score >= 40 else "at_risk"
    reasons.sort(key=lambda r: -abs(r.points))
    return score, level, reasons, interval


def _summary(
    session: Session,
    contact_ids: list[int] | None,
    company_id: int | None,
    last_contacted_at: datetime | None,
    stage: str | None,
    now: datetime | None,
) -> Summary:
    now = now or utcnow()
    f = _figures(session, contact_ids, company_id, now)
    purchases = [aware(at) for at, _ in f["orders"] if at is not None]
    score, level, reasons, interval = health(
        now=now,
        last_contacted_at=last_contacted_at,
        purchases=purchases,
        open_tickets=f["tickets"],
        csat=f["csat"],
        open_deals=f["open_deals"],
        stage=stage,
    )
    last = purchases[-1] if purchases else None
    return Summary(
        lifetime_value=round(sum(t for _, t in f["orders"]) + f["won_without_order"], 2),
        open_deal_value=round(f["open_value"], 2),
        open_deals=f["open_deals"],
        open_tickets=sum(f["tickets"].values()),
        orders=len(f["orders"]),
        last_contacted_at=aware(last_contacted_at),
        last_purchase_at=last,
        days_since_purchase=(now - last).days if last else None,
        usual_interval_days=interval,
        health=score,
        level=level,
        reasons=reasons,
        currency=f["base"],
    )


def contact_summary(session: Session, contact_id: int, *, now: datetime | None = None) -> Summary:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"contact {contact_id}")
    return _summary(
        session, [contact_id], None, contact.last_contacted_at, contact.lifecycle_stage, now
    )


def company_contact_ids(session: Session, company_id: int) -> list[int]:
    return list(
        session.execute(sa.select(Contact.id).where(Contact.company_id == company_id)).scalars()
    )


def company_summary(session: Session, company_id: int, *, now: datetime | None = None) -> Summary:
    if session.get(Company, company_id) is None:
        raise NotFound(f"company {company_id}")
    ids = company_contact_ids(session, company_id)
    last = session.execute(
        sa.select(sa.func.max(Contact.last_contacted_at)).where(Contact.company_id == company_id)
    ).scalar()
    return _summary(session, ids, company_id, last, None, now)
