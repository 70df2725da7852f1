"""A contact's e-mails and phones united by value, and dismissed pairs moved, in a merge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import DuplicateDismissal

from .. import writes
from . import keys


def rows_of(session: Session, model: Any, contact_id: int) -> list[Any]:
    query = sa.select(model).where(model.contact_id == contact_id)
    return list(session.execute(query.order_by(model.is_primary.desc(), model.id)).scalars())


def unite(
    session: Session,
    model: Any,
    key: str,
    same: Callable[[str], Any],
    survivor_id: int,
    other_id: int,
    actor_id: int | None,
) -> int:
    """Move the other's rows the survivor lacks, delete the rest; returns how many moved."""
    mine = rows_of(session, model, survivor_id)
    if mine and not any(r.is_primary for r in mine):
        writes.update(session, mine[0], {"is_primary": True}, actor_id=actor_id)
    have = {same(getattr(r, key)) for r in mine}
    needs_primary = not mine
    moved = 0
    for row in rows_of(session, model, other_id):
        value = same(getattr(row, key))
        if value in have:
            writes.delete(session, row, actor_id=actor_id)
            continue
        have.add(value)
        changes = {"contact_id": survivor_id, "is_primary": needs_primary}
        writes.update(session, row, changes, actor_id=actor_id)
        needs_primary, moved = False, moved + 1
    return moved


def phone_same(phone: str) -> str:
    return keys.phone_key(phone) or phone


def remap_dismissals(
    session: Session, entity: str, survivor_id: int, other_id: int, actor_id: int | None
) -> None:
    """Pairs dismissed with the other record now name the survivor (or go, if redundant)."""
    query = sa.select(DuplicateDismissal).where(
        DuplicateDismissal.entity == entity,
        sa.or_(DuplicateDismissal.low_id == other_id, DuplicateDismissal.high_id == other_id),
    )
    for row in list(session.execute(query).scalars()):
        peer = row.high_id if row.low_id == other_id else row.low_id
        low, high = min(peer, survivor_id), max(peer, survivor_id)
        exists = session.execute(
            sa.select(DuplicateDismissal.id).where(
                DuplicateDismissal.entity == entity,
                DuplicateDismissal.low_id == low,
                DuplicateDismissal.high_id == high,
            )
        ).first()
        if peer == survivor_id or exists:
            writes.delete(session, row, actor_id=actor_id)
        else:
            writes.update(session, row, {"low_id": low, "high_id": high}, actor_id=actor_id)
