"""Orders: every won deal becomes one, and machine owners re-order beans until some go quiet."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from crm_app.models import Order, OrderLine

from . import lines
from .catalog import MACHINES
from .deals import DealPlan
from .foundation import Foundation, write_all
from .people import CompanyPlan, ContactPlan
from .timeline import Timeline, lognormal_days

# Kilograms of beans per month by kind of business.
REORDER_KG = {"Café": 12, "Restaurant": 8, "Hotel": 25, "Office": 5, "Retail": 30}
QUIET_SHARE = 0.45  # re-ordering customers who stop at some point
CHURNED_AFTER = timedelta(days=100)


@dataclass(eq=False)
class OrderPlan:
    obj: Order
    company: CompanyPlan
    contact: ContactPlan
    deal: DealPlan | None
    lines: list[OrderLine]


def _order(
    company: CompanyPlan,
    contact: ContactPlan,
    deal: DealPlan | None,
    at,
    currency,
    order_lines: list[OrderLine],
) -> OrderPlan:
    obj = Order(number="", ordered_at=at, total=lines.total(order_lines), currency=currency)
    company.orders.append(at)
    return OrderPlan(obj, company, contact, deal, order_lines)


def _reorders(
    rng: random.Random, tl: Timeline, f: Foundation, deal: DealPlan
) -> tuple[list[OrderPlan], bool, int]:
    """Bean orders after a machine sale; returns (orders, stopped, cadence in days)."""
    company = deal.company
    cadence = 30 if rng.random() < 0.6 else 91
    kg = REORDER_KG.get(company.industry.key, 10) * (3 if cadence > 31 else 1)
    stop_after = rng.randint(1, 7) if rng.random() < QUIET_SHARE else None
    at = tl.next_work_time(rng, (deal.obj.closed_at or tl.now) + lognormal_days(rng, 20, 0.4))
    found: list[OrderPlan] = []
    while at < tl.now and (stop_after is None or len(found) < stop_after):
        basket = [("BN-HOUSE", max(1, round(kg * rng.uniform(0.7, 1.3))))]
        if rng.random() < 0.3:
            basket.append(("BN-ETH", max(1, round(kg * rng.uniform(0.2, 0.4)))))
        order_lines = [
            OrderLine(
                order_id=0,
                product_id=ln.product_id,
                description=ln.description,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                discount_pct=0.0,
            )
            for ln in lines.deal_lines(
                rng, basket, f.products, deal.obj.currency, f.rates, market=f.market
            )
        ]
        contact = company.contacts[0] if rng.random() < 0.8 else rng.choice(company.contacts)
        found.append(_order(company, contact, None, at, deal.obj.currency, order_lines))
        at = tl.next_work_time(rng, at + timedelta(days=cadence * rng.uniform(0.85, 1.15)))
    return found, stop_after is not None, cadence


def plan_orders(
    rng: random.Random, tl: Timeline, f: Foundation, deals: list[DealPlan]
) -> list[OrderPlan]:
    orders: list[OrderPlan] = []
    first_machine: dict[int, DealPlan] = {}
    subscribers: set[int] = set()
    for deal in deals:
        if deal.outcome != "won":
            continue
        order_lines = [
            OrderLine(
                order_id=0,
                product_id=ln.product_id,
                description=ln.description,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                discount_pct=ln.discount_pct,
            )
            for ln in deal.lines
        ]
        orders.append(
            _order(
                deal.company, deal.contact, deal, deal.obj.closed_at, deal.obj.currency, order_lines
            )
        )
        skus = {sku for sku, _ in deal.basket}
        if skus & {"BS-CAF", "BS-OFF"}:
            subscribers.add(id(deal.company))
        if skus & set(MACHINES):
            first_machine.setdefault(id(deal.company), deal)
    for key, deal in first_machine.items():
        if key in subscribers or rng.random() < 0.05:  # on a subscription, or buys beans elsewhere
            continue
        found, stopped, cadence = _reorders(rng, tl, f, deal)
        orders += found
        if stopped and found:  # quiet since the last purchase of any kind
            quiet = tl.now - max(deal.company.orders)
            if quiet > CHURNED_AFTER:
                deal.company.churned = True
            elif quiet > timedelta(days=cadence * 1.5):
                deal.company.tags.add("At risk")
    for deal in deals:
        company = deal.company
        if company.lost_renewals:
            lost = max(company.lost_renewals)
            if all(at <= lost for at in company.wins + company.orders):
                company.churned = True
    orders.sort(key=lambda o: o.obj.ordered_at)
    per_year: Counter[int] = Counter()
    recent = tl.now - timedelta(days=14)
    for order in orders:
        year = order.obj.ordered_at.astimezone(tl.tz).year
        per_year[year] += 1
        order.obj.number = f"SO-{year}-{per_year[year]:04d}"
        order.obj.status = "invoiced" if order.obj.ordered_at > recent else "paid"
    return orders


def write_orders(session: Session, counts: Counter[str], orders: list[OrderPlan]) -> None:
    for order in orders:
        order.obj.company_id = order.company.obj.id
        order.obj.contact_id = order.contact.obj.id
        order.obj.deal_id = order.deal.obj.id if order.deal else None
    write_all(session, counts, [o.obj for o in orders])
    for order in orders:
        for line in order.lines:
            line.order_id = order.obj.id or 0
    write_all(session, counts, [ln for o in orders for ln in o.lines])
