"""A won deal becomes the customer's order, so purchase history fills itself.

One order per deal: winning it again (won → open → won) updates that order instead of adding
a second; reopening or losing a won deal cancels it. The order copies the deal's line items,
or is one line for the deal's value when the deal has none.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, DealLine, Order, OrderLine

from . import app_settings, clock, writes

NEW_STATUS = "invoiced"
CANCELLED = "cancelled"

Line = tuple[int | None, str, float, float, float]  # product, description, qty, price, discount


def order_of(session: Session, deal_id: int) -> Order | None:
    q = sa.select(Order).where(Order.deal_id == deal_id).order_by(Order.id).limit(1)
    return session.execute(q).scalar()


def line_tuple(product_id, description, quantity, unit_price, discount_pct) -> Line:
    return (
        product_id,
        description or "",
        round(float(quantity), 4),
        round(float(unit_price), 2),
        round(float(discount_pct), 2),
    )


def wanted_lines(session: Session, deal: Deal) -> list[Line]:
    rows = session.execute(
        sa.select(DealLine).where(DealLine.deal_id == deal.id).order_by(DealLine.id)
    ).scalars()
    found = [
        line_tuple(r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct)
        for r in rows
    ]
    return found or [line_tuple(None, deal.title[:200], 1, deal.value, 0)]


def order_year(session: Session, at: datetime) -> int:
    return at.astimezone(clock.zone(app_settings.get(session, "time_zone"))).year


def last_order_number(session: Session, year: int) -> int:
    """The highest n of the year's ``SO-<year>-<n>`` numbers (0 when there are none)."""
    prefix = f"SO-{year}-"
    numbers = session.execute(
        sa.select(Order.number)
        .where(Order.number.like(f"{prefix}%"))
        .order_by(sa.func.length(Order.number).desc(), Order.number.desc())
        .limit(50)
    ).scalars()
    found = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return max(found, default=0)


def order_number(year: int, n: int) -> str:
    return f"SO-{year}-{n:04d}"


def sync_order(
    session: Session, deal: Deal, *, actor_id: int | None, at: datetime, status: str = NEW_STATUS
) -> Order:
    """Create the won deal's order, or bring its existing order in line with the deal."""
    return ensure_order(session, deal, actor_id=actor_id, at=at, status=status)[0]


def ensure_order(
    session: Session, deal: Deal, *, actor_id: int | None, at: datetime, status: str = NEW_STATUS
) -> tuple[Order, str]:
    """``sync_order`` that also says what it did: "created", "updated" or "unchanged".

    ``status`` applies to a new order or a cancelled one (won again); an order that stands
    keeps its status (an edit of a won deal does not make a paid order unpaid).
    """
    assert deal.id is not None
    lines = wanted_lines(session, deal)
    values = {
        "contact_id": deal.contact_id,
        "company_id": deal.company_id,
        "total": round(float(deal.value), 2),
        "currency": deal.currency,
    }
    order = order_of(session, deal.id)
    if order is None:
        year = order_year(session, at)
        number = order_number(year, last_order_number(session, year) + 1)
        order = writes.create(
            session,
            Order(number=number, deal_id=deal.id, ordered_at=at, status=status, **values),
            actor_id=actor_id,
        )
        _write_lines(session, order.id or 0, lines, actor_id)
        return order, "created"
    if order.status == CANCELLED:  # won again: the purchase happens now
        values.update(ordered_at=at, status=status)
    changed = bool(writes.update(session, order, values, actor_id=actor_id))
    stored = list(
        session.execute(
            sa.select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
        ).scalars()
    )
    have = [
        line_tuple(r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct)
        for r in stored
    ]
    if have != lines:
        for row in stored:
            writes.delete(session, row, actor_id=actor_id)
        _write_lines(session, order.id or 0, lines, actor_id)
        changed = True
    return order, "updated" if changed else "unchanged"


def _write_lines(session: Session, order_id: int, lines: list[Line], actor_id: int | None) -> None:
    writes.create_many(
        session,
        [
            OrderLine(
                order_id=order_id,
                product_id=product_id,
                description=description,
                quantity=quantity,
                unit_price=price,
                discount_pct=discount,
            )
            for product_id, description, quantity, price, discount in lines
        ],
        actor_id=actor_id,
    )


def cancel_order(session: Session, deal_id: int, *, actor_id: int | None) -> Order | None:
    """A won deal was reopened or lost: its order no longer stands."""
    order = order_of(session, deal_id)
    if order is not None and order.status != CANCELLED:
        writes.update(session, order, {"status": CANCELLED}, actor_id=actor_id)
    return order
