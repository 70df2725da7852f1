"""Moving a deal on the board: stage changes with their history, closing rules, card order.

Rules: a move to another stage records who moved it from where to where and when, and
restarts the deal's time in stage; a move within its stage only reorders. A lost stage needs a
reason from ``LOST_REASONS``. Won and lost set the closed time and snapshot the exchange rate
(so reports keep the rate of the day it closed); moving back to an open stage clears both. A
won deal becomes the customer's order (see ``deal_orders``).

Cards are ordered by (position, id). Positions are sparse so a move normally writes one row
(the card goes between its neighbours); only when two neighbours leave no room is the column
renumbered, in one statement with one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, DealStageChange, ExchangeRate, Stage, utcnow

from . import deal_orders, money, writes
from .errors import NotFound, ValidationError
from .i18n import N_

GAP = 1024  # between a new top (or bottom) card and its neighbour
RENUMBER_GAP = 65536  # after a renumber: room for 16 drops into the same slot
_BOUND = 2**31 - 1 - GAP  # positions are 32-bit integers on PostgreSQL

# Why a deal was lost: stored code → label. Older data may hold the label itself.
LOST_REASONS: dict[str, str] = {
    "price": N_("Price"),
    "competitor": N_("Chose a competitor"),
    "no_budget": N_("No budget"),
    "no_decision": N_("No decision"),
    "timing": N_("Bad timing"),
    "product_fit": N_("Product fit"),
    "other": N_("Other"),
}
_REASON_BY_LABEL = {label.lower(): code for code, label in LOST_REASONS.items()}
NOTE_LIMIT = 500


def lost_reason_code(raw: str | None) -> str | None:
    """A picklist code from a code or its English label; None when it is neither."""
    text = " ".join(str(raw or "").split()).lower()
    if text in LOST_REASONS:
        return text
    return _REASON_BY_LABEL.get(text)


def lost_reason_label(stored: str | None) -> str:
    """The label (a msgid to translate) of a stored reason; unknown text is shown as it is."""
    code = lost_reason_code(stored)
    return LOST_REASONS[code] if code else str(stored or "")


def rate_to_base(session: Session, currency: str) -> float | None:
    """Units of the base currency for one unit of ``currency``; None when no rate is known."""
    if currency == money.base_currency(session):
        return 1.0
    row = session.get(ExchangeRate, currency)
    return float(row.rate) if row is not None else None


def get_deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise NotFound(f"deal {deal_id}")
    return deal


# -- card order ---------------------------------------------------------------------------------
def _column(stage_id: int, exclude_id: int | None) -> sa.Select:
    q = sa.select(Deal.id, Deal.position).where(Deal.stage_id == stage_id)
    if exclude_id is not None:
        q = q.where(Deal.id != exclude_id)
    return q


def top_position(session: Session, stage_id: int, exclude_id: int | None = None) -> int:
    """A position above every card of the column (new and moved deals go on top)."""
    first = session.execute(
        _column(stage_id, exclude_id).order_by(Deal.position, Deal.id).limit(1)
    ).first()
    return 0 if first is None else first.position - GAP


def _slot(session: Session, stage_id: int, index: int, exclude_id: int | None) -> int | None:
    """The position for a card at ``index`` (0 = top) of the column; None: no room left."""
    if index <= 0:
        wanted = top_position(session, stage_id, exclude_id)
        return wanted if wanted >= -_BOUND else None
    ordered = _column(stage_id, exclude_id).order_by(Deal.position, Deal.id)
    pair = session.execute(ordered.offset(index - 1).limit(2)).all()
    if not pair:  # past the end: the bottom
        last = session.execute(
            _column(stage_id, exclude_id).order_by(Deal.position.desc(), Deal.id.desc()).limit(1)
        ).first()
        pair = [last] if last is not None else []
        if not pair:
            return 0
    before = pair[0].position
    if len(pair) == 1:
        return before + GAP if before + GAP <= _BOUND else None
    after = pair[1].position
    return (before + after) // 2 if after - before >= 2 else None


def renumber_column(
    session: Session, stage_id: int, *, actor_id: int | None, exclude_id: int | None = None
) -> int:
    """Spread the column's positions evenly, keeping its order, in one UPDATE; returns rows."""
    where = [Deal.stage_id == stage_id]
    if exclude_id is not None:
        where.append(Deal.id != exclude_id)
    count = session.execute(sa.select(sa.func.count(Deal.id)).where(*where)).scalar_one()
    if not count:
        return 0
    spacing = max(2, min(RENUMBER_GAP, _BOUND // (count + 1)))
    rank = sa.func.row_number().over(order_by=(Deal.position, Deal.id)) - 1
    ranked = sa.select(Deal.id.label("deal_id"), rank.label("rank")).where(*where).subquery()
    table = Deal.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.update(table)
        .where(table.c.id == ranked.c.deal_id)
        .values(position=ranked.c.rank * spacing)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Deal) and obj.stage_id == stage_id and obj.id != exclude_id:
            session.expire(obj, ["position"])
    # Order is bookkeeping, not a change of the deals: one entry for the whole column.
    writes.audit(
        session,
        actor_id=actor_id,
        entity="deals",
        entity_id=None,
        action="renumber",
        changes={"stage_id": stage_id, "rows": count},
    )
    return int(count)


def place(
    session: Session,
    stage_id: int,
    index: int | None,
    *,
    exclude_id: int | None,
    actor_id: int | None,
) -> int:
    """The position for a card dropped at ``index`` (None: on top), renumbering if needed."""
    index = 0 if index is None else max(0, int(index))
    found = _slot(session, stage_id, index, exclude_id)
    if found is None:
        renumber_column(session, stage_id, actor_id=actor_id, exclude_id=exclude_id)
        found = _slot(session, stage_id, index, exclude_id)
    assert found is not None
    return found


# -- closing rules ------------------------------------------------------------------------------
def closing_changes(
    session: Session,
    deal: Deal,
    old: Stage | None,
    new: Stage,
    *,
    lost_reason: str | None,
    lost_note: str | None,
    at: datetime,
) -> dict:
    """The deal columns a move from ``old`` to ``new`` sets; raises ValidationError first."""
    changes: dict = {}
    if new.is_lost:
        code = lost_reason_code(lost_reason)
        errors = {}
        if code is None:
            errors["lost_reason"] = N_("Choose why the deal was lost.")
        note = " ".join(str(lost_note or "").split()) or None
        if note and len(note) > NOTE_LIMIT:
            errors["lost_note"] = N_("Use at most 500 characters.")
        if errors:
            raise ValidationError(errors)
        changes.update(lost_reason=code, lost_note=note)
    else:
        changes.update(lost_reason=None, lost_note=None)
    closes = new.is_won or new.is_lost
    was_closed = old is not None and (old.is_won or old.is_lost)
    if closes and (not was_closed or (old is not None and old.is_won != new.is_won)):
        changes.update(closed_at=at, exchange_rate=rate_to_base(session, deal.currency))
    elif not closes:
        changes.update(closed_at=None, exchange_rate=None)
    return changes


# -- moves --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MoveResult:
    deal_id: int
    from_stage_id: int
    to_stage_id: int
    position: int
    stage_changed: bool
    order_id: int | None  # the deal's order when it is won


def move_deal(
    session: Session,
    deal_id: int,
    to_stage_id: int,
    *,
    actor_id: int | None,
    position: int | None = None,
    lost_reason: str | None = None,
    lost_note: str | None = None,
    at: datetime | None = None,
) -> MoveResult:
    """Move a deal to ``to_stage_id`` at ``position`` (0-based index in that column, None =
    top; within its own column None leaves it where it is). Audited; see the module rules."""
    deal = get_deal(session, deal_id)
    stage = session.get(Stage, to_stage_id)
    if stage is None:
        raise NotFound(f"stage {to_stage_id}")
    from_id = deal.stage_id
    if stage.id == from_id:
        if position is not None:
            spot = place(session, from_id, position, exclude_id=deal_id, actor_id=actor_id)
            writes.update(session, deal, {"position": spot}, actor_id=actor_id)
        return MoveResult(deal_id, from_id, from_id, deal.position, False, None)
    if stage.archived:
        raise ValidationError({"stage_id": N_("This stage is archived. Choose another.")})
    at = at or utcnow()
    old = session.get(Stage, from_id)
    changes = closing_changes(
        session, deal, old, stage, lost_reason=lost_reason, lost_note=lost_note, at=at
    )
    changes.update(
        stage_id=stage.id,
        pipeline_id=stage.pipeline_id,
        stage_entered_at=at,
        position=place(session, stage.id or 0, position, exclude_id=deal_id, actor_id=actor_id),
    )
    writes.update(session, deal, changes, actor_id=actor_id)
    record_change(session, deal_id, from_id, stage.id or 0, at=at, actor_id=actor_id)
    order_id = None
    if stage.is_won:
        order_id = deal_orders.sync_order(session, deal, actor_id=actor_id, at=at).id
    elif old is not None and old.is_won:
        deal_orders.cancel_order(session, deal_id, actor_id=actor_id)
    return MoveResult(deal_id, from_id, stage.id or 0, deal.position, True, order_id)


def record_change(
    session: Session,
    deal_id: int,
    from_stage_id: int | None,
    to_stage_id: int,
    *,
    at: datetime,
    actor_id: int | None,
) -> DealStageChange:
    return writes.create(
        session,
        DealStageChange(
            deal_id=deal_id,
            from_stage_id=from_stage_id,
            to_stage_id=to_stage_id,
            changed_at=at,
            changed_by_id=actor_id,
        ),
        actor_id=actor_id,
    )
