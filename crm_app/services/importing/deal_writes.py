"""The audited writes of a deals import: new deals with their first history entry and, when
won, their order; stored deals updated or moved, with what undo needs to put them back."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, DealStageChange, Order, OrderLine, Stage, utcnow

from .. import deal_moves, deal_orders, writes
from .bulk import insert_rows
from .deal_decisions import DealDecision
from .merging import chunks, jsonable

NOTE = "import"
# Columns a stored deal keeps for undo (everything an import can change).
SNAPSHOT = ("title", "value", "currency", "expected_close", "pipeline_id", "stage_id", "owner_id",
            "contact_id", "company_id", "source", "lost_reason", "lost_note", "closed_at",
            "exchange_rate", "stage_entered_at", "position", "created_at", "updated_at")  # fmt: skip

_ORDER_COLUMNS = frozenset({"title", "value", "currency", "contact_id", "company_id"})


def insert_deals(
    session: Session, creating: list[DealDecision], *, actor_id: int | None
) -> list[int]:
    """New deals on top of their columns (the file's first row first), each with its first
    history entry, and the won ones with their order."""
    by_stage: dict[int, list[DealDecision]] = defaultdict(list)
    for d in creating:
        by_stage[d.columns["stage_id"]].append(d)
    for stage_id, group in by_stage.items():
        top = deal_moves.top_position(session, stage_id) - deal_moves.GAP * (len(group) - 1)
        for i, d in enumerate(group):
            d.columns["position"] = top + i * deal_moves.GAP
    ids = insert_rows(session, Deal, [d.columns for d in creating], actor_id=actor_id, note=NOTE)
    history = []
    for d, did in zip(creating, ids, strict=True):
        d.record_id = did
        history.append({"deal_id": did, "from_stage_id": None, "to_stage_id": d.columns["stage_id"],
                        "changed_at": d.columns["stage_entered_at"], "changed_by_id": actor_id})  # fmt: skip
    for part in chunks(history, 5000):
        writes.bulk_insert(session, DealStageChange, part, actor_id=actor_id, note=NOTE)
    _insert_orders(session, [d for d in creating if d.stage and d.stage.is_won], actor_id)
    return ids


def _insert_orders(session: Session, won: list[DealDecision], actor_id: int | None) -> None:
    """Each new won deal's order, as ``deal_orders.sync_order`` makes it (one line for the
    deal's value, numbered on from the year's last order), in a few statements."""
    if not won:
        return
    won = sorted(won, key=lambda d: (d.columns["closed_at"], d.record_id))
    numbers: Counter[int] = Counter()
    rows = []
    for d in won:
        c = d.columns
        year = deal_orders.order_year(session, c["closed_at"])
        if year not in numbers:
            numbers[year] = deal_orders.last_order_number(session, year)
        numbers[year] += 1
        rows.append({"number": deal_orders.order_number(year, numbers[year]),
                     "contact_id": c["contact_id"], "company_id": c["company_id"],
                     "deal_id": d.record_id, "ordered_at": c["closed_at"],
                     "status": deal_orders.NEW_STATUS, "total": round(float(c["value"]), 2),
                     "currency": c["currency"]})  # fmt: skip
    order_ids = insert_rows(session, Order, rows, actor_id=actor_id, note=NOTE)
    lines = []
    for d, oid in zip(won, order_ids, strict=True):
        product, text, qty, price, discount = deal_orders.line_tuple(
            None, d.columns["title"][:200], 1, d.columns["value"], 0
        )
        lines.append({"order_id": oid, "product_id": product, "description": text,
                      "quantity": qty, "unit_price": price, "discount_pct": discount})  # fmt: skip
    for part in chunks(lines, 5000):
        writes.bulk_insert(session, OrderLine, part, actor_id=actor_id, note=NOTE)


def order_state(session: Session, deal_id: int) -> dict[str, Any] | None:
    """A deal's order as undo restores it (None: the deal has no order)."""
    order = deal_orders.order_of(session, deal_id)
    if order is None:
        return None
    lines = session.execute(
        sa.select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
    ).scalars()
    keys = ("status", "ordered_at", "total", "currency", "contact_id", "company_id")
    return {
        "id": order.id,
        "fields": {k: jsonable(getattr(order, k)) for k in keys},
        "lines": [
            list(
                deal_orders.line_tuple(
                    r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct
                )
            )
            for r in lines
        ],  # fmt: skip
    }


def write_update(session: Session, d: DealDecision, *, actor_id: int | None) -> None:
    """Update a stored deal (moving it with ``deal_moves.move_deal`` when its stage changes,
    re-syncing a won deal's order) and keep in ``d.before`` what undo needs."""
    deal = d.deal
    assert deal is not None and deal.id is not None and d.stage is not None
    old = session.get(Stage, deal.stage_id)
    d.before = {"fields": {k: jsonable(getattr(deal, k)) for k in SNAPSHOT}, "added": {}}
    moved = d.move_at is not None
    # the order copies the deal's title, value, currency, contact and company
    resync = not moved and d.stage.is_won and bool(_ORDER_COLUMNS & set(d.changes))
    if resync or (moved and (d.stage.is_won or (old is not None and old.is_won))):
        d.before["order"] = order_state(session, deal.id)
    writes.update(session, deal, d.changes, actor_id=actor_id)
    if moved:
        reason, note = d.lost or (None, None)
        deal_moves.move_deal(
            session,
            deal.id,
            d.stage.id or 0,
            actor_id=actor_id,
            lost_reason=reason or "other",
            lost_note=note,
            at=d.move_at,
        )
        if d.stage.is_lost:
            writes.update(session, deal, {"lost_reason": reason, "lost_note": note},
                          actor_id=actor_id)  # fmt: skip
        last = session.execute(
            sa.select(sa.func.max(DealStageChange.id)).where(DealStageChange.deal_id == deal.id)
        ).scalar()
        d.before["added"]["history"] = [int(last)] if last is not None else []
    elif resync:
        deal_orders.sync_order(session, deal, actor_id=actor_id, at=deal.closed_at or utcnow())
