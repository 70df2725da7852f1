"""Writing the planned Maven deals: new ones in bulk, imported ones only where the file differs.

New deals, their line item, their stage history and (won) their order with its line go in
with ``writes.bulk_insert`` (one audit entry per table and batch), so 8,800 opportunities take
about a second. A deal imported before (same ``opportunity_id`` = external id) is compared
with what is stored, loaded once for the whole pipeline, and written through
``writes.update`` only where something differs; a new stage is recorded as a move at the
file's date. Importing the same files again writes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, DealLine, DealStageChange, Order, OrderLine, Stage

from .. import deal_moves, deal_orders, writes
from .opportunities import Plan, line_of
from .reference import CURRENCY
from .summary import MavenSummary

NOTE = "maven import"
ORDER_STATUS = "paid"  # the export is history: its won deals were paid long ago


@dataclass
class Stored:
    deals: dict[str, Deal]  # external id → deal
    lines: dict[int, list[DealLine]]  # deal id → lines
    orders: dict[int, Order]  # deal id → its order
    order_lines: dict[int, list[OrderLine]]  # order id → lines


def load(session: Session, pipeline_id: int) -> Stored:
    in_pipeline = Deal.pipeline_id == pipeline_id
    deals = {
        d.external_id: d
        for d in session.execute(
            sa.select(Deal).where(in_pipeline, Deal.external_id.is_not(None))
        ).scalars()
    }
    lines: dict[int, list[DealLine]] = defaultdict(list)
    for line in session.execute(
        sa.select(DealLine)
        .join(Deal, Deal.id == DealLine.deal_id)
        .where(in_pipeline)
        .order_by(DealLine.id)
    ).scalars():
        lines[line.deal_id].append(line)
    orders: dict[int, Order] = {}
    for order in session.execute(
        sa.select(Order)
        .join(Deal, Deal.id == Order.deal_id)
        .where(in_pipeline)
        .order_by(Order.id.desc())
    ).scalars():
        orders[order.deal_id or 0] = order  # the oldest wins, as in deal_orders.order_of
    order_lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in session.execute(
        sa.select(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Deal, Deal.id == Order.deal_id)
        .where(in_pipeline)
        .order_by(OrderLine.id)
    ).scalars():
        order_lines[line.order_id].append(line)
    return Stored(deals, lines, orders, order_lines)


def write_deals(
    session: Session, plans: list[Plan], s: MavenSummary, pipeline_id: int, *, actor_id: int | None
) -> None:
    stored = load(session, pipeline_id)
    new = []
    for plan in plans:
        s.deals_by_stage[plan.stage.name] = s.deals_by_stage.get(plan.stage.name, 0) + 1
        deal = stored.deals.get(plan.external_id)
        if deal is None:
            new.append(plan)
        else:
            _update(session, deal, plan, stored, s, actor_id=actor_id)
    if new:
        _insert(session, new, pipeline_id, s, actor_id=actor_id)


# -- deals imported before ----------------------------------------------------------------------
def _update(
    session: Session,
    deal: Deal,
    plan: Plan,
    stored: Stored,
    s: MavenSummary,
    *,
    actor_id: int | None,
) -> None:
    columns = dict(plan.columns)
    old = session.get(Stage, deal.stage_id)
    moved = deal.stage_id != plan.stage.id
    if moved:
        terminal = plan.stage.is_won or plan.stage.is_lost
        columns.update(
            exchange_rate=deal_moves.rate_to_base(session, CURRENCY) if terminal else None,
            lost_reason=None,
            lost_note=None,
            position=deal_moves.top_position(session, plan.stage.id or 0, deal.id),
        )
    else:
        columns.pop("stage_entered_at")
    changed = bool(writes.update(session, deal, columns, actor_id=actor_id))
    changed |= _sync_line(session, deal, plan, stored.lines.get(deal.id or 0, []), actor_id)
    if moved:
        deal_moves.record_change(
            session,
            deal.id or 0,
            old.id if old is not None else None,
            plan.stage.id or 0,
            at=plan.moves[-1][2],
            actor_id=actor_id,
        )
    if plan.stage.is_won:
        if not changed and _order_matches(deal, stored):
            s.orders.unchanged += 1
        else:
            _, done = deal_orders.ensure_order(
                session, deal, actor_id=actor_id, at=plan.moves[-1][2], status=ORDER_STATUS
            )
            setattr(s.orders, done, getattr(s.orders, done) + 1)
    elif moved and old is not None and old.is_won:
        deal_orders.cancel_order(session, deal.id or 0, actor_id=actor_id)
    if changed:
        s.deals.updated += 1
    else:
        s.deals.unchanged += 1


def _sync_line(
    session: Session, deal: Deal, plan: Plan, lines: list[DealLine], actor_id: int | None
) -> bool:
    wanted = line_of(plan)
    if wanted is None or len(lines) > 1:
        return False  # split into several lines by hand: the deal's own now
    if not lines:
        writes.create(session, DealLine(deal_id=deal.id or 0, **wanted), actor_id=actor_id)
        return True
    return bool(writes.update(session, lines[0], wanted, actor_id=actor_id))


def _order_matches(deal: Deal, stored: Stored) -> bool:
    """The unchanged deal's order is the one ``deal_orders.ensure_order`` would leave as is."""
    order = stored.orders.get(deal.id or 0)
    if order is None or order.status == deal_orders.CANCELLED:
        return False
    header = (round(float(order.total), 2), order.currency, order.company_id, order.contact_id)
    if header != (round(float(deal.value), 2), deal.currency, deal.company_id, deal.contact_id):
        return False
    tuple_of = deal_orders.line_tuple
    want = [
        tuple_of(r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct)
        for r in stored.lines.get(deal.id or 0, [])
    ] or [tuple_of(None, deal.title[:200], 1, deal.value, 0)]
    have = [
        tuple_of(r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct)
        for r in stored.order_lines.get(order.id or 0, [])
    ]
    return have == want


# -- new deals ----------------------------------------------------------------------------------
def _insert(
    session: Session, plans: list[Plan], pipeline_id: int, s: MavenSummary, *, actor_id: int | None
) -> None:
    rate = deal_moves.rate_to_base(session, CURRENCY)
    by_stage: dict[int, list[Plan]] = defaultdict(list)
    for plan in plans:
        by_stage[plan.stage.id or 0].append(plan)
    rows: list[dict[str, Any]] = []
    for stage_id, group in by_stage.items():  # newest on top, above what the column holds
        group.sort(key=lambda p: (p.columns["stage_entered_at"], p.external_id), reverse=True)
        first = deal_moves.top_position(session, stage_id) - deal_moves.GAP * (len(group) - 1)
        for i, plan in enumerate(group):
            rows.append(
                {
                    **plan.columns,
                    "position": first + i * deal_moves.GAP,
                    "exchange_rate": rate if plan.columns["closed_at"] else None,
                    "source": None,
                    "contact_id": None,
                    "lost_reason": None,
                    "lost_note": None,
                    "updated_at": plan.columns["stage_entered_at"],
                    "external_id": plan.external_id,
                }
            )
    writes.bulk_insert(session, Deal, rows, actor_id=actor_id, note=NOTE)
    s.deals.created += len(rows)
    wanted = {p.external_id for p in plans}
    ids = {
        ext: did
        for did, ext in session.execute(
            sa.select(Deal.id, Deal.external_id).where(Deal.pipeline_id == pipeline_id)
        ).all()
        if ext in wanted
    }
    lines = [{"deal_id": ids[p.external_id], **ln} for p in plans if (ln := line_of(p))]
    writes.bulk_insert(session, DealLine, lines, actor_id=actor_id, note=NOTE)
    changes = [
        {
            "deal_id": ids[p.external_id],
            "from_stage_id": src.id if src is not None else None,
            "to_stage_id": dst.id,
            "changed_at": at,
            "changed_by_id": p.columns["owner_id"],
        }
        for p in plans
        for src, dst, at in p.moves
    ]
    writes.bulk_insert(session, DealStageChange, changes, actor_id=actor_id, note=NOTE)
    won = [p for p in plans if p.stage.is_won]
    _insert_orders(session, won, ids, pipeline_id, s, actor_id=actor_id)


def _insert_orders(
    session: Session,
    plans: list[Plan],
    ids: dict[str, int],
    pipeline_id: int,
    s: MavenSummary,
    *,
    actor_id: int | None,
) -> None:
    if not plans:
        return
    plans = sorted(plans, key=lambda p: (p.columns["closed_at"], p.external_id))
    numbers: Counter[int] = Counter()
    rows = []
    for plan in plans:
        year = deal_orders.order_year(session, plan.columns["closed_at"])
        if year not in numbers:
            numbers[year] = deal_orders.last_order_number(session, year)
        numbers[year] += 1
        rows.append(
            {
                "number": deal_orders.order_number(year, numbers[year]),
                "contact_id": None,
                "company_id": plan.columns["company_id"],
                "deal_id": ids[plan.external_id],
                "ordered_at": plan.columns["closed_at"],
                "status": ORDER_STATUS,
                "total": plan.columns["value"],
                "currency": CURRENCY,
                "external_id": plan.external_id,
            }
        )
    writes.bulk_insert(session, Order, rows, actor_id=actor_id, note=NOTE)
    s.orders.created += len(rows)
    order_ids = dict(
        session.execute(  # type: ignore[arg-type]
            sa.select(Order.deal_id, Order.id)
            .join(Deal, Deal.id == Order.deal_id)
            .where(Deal.pipeline_id == pipeline_id)
        ).all()
    )
    lines = [
        {
            "order_id": order_ids[ids[p.external_id]],
            **(
                line_of(p)
                or {
                    "product_id": None,
                    "description": p.columns["title"],
                    "quantity": 1.0,
                    "unit_price": p.columns["value"],
                    "discount_pct": 0.0,
                }
            ),
        }
        for p in plans
    ]
    writes.bulk_insert(session, OrderLine, lines, actor_id=actor_id, note=NOTE)
