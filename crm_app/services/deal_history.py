"""A deal's stage history: every move (from, to, when, who) and the time spent in each stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from crm_app.models import DealStageChange, Stage, User, utcnow

from .deal_moves import get_deal


@dataclass(frozen=True)
class StageVisit:
    """One stay in a stage: entered by a move (``from_stage`` None: the deal was created)."""

    stage_id: int
    stage_name: str
    from_stage_id: int | None
    from_stage_name: str | None
    entered_at: datetime
    left_at: datetime | None  # None: still there
    seconds: float
    changed_by_id: int | None
    changed_by_name: str

    @property
    def days(self) -> float:
        return self.seconds / 86400


@dataclass(frozen=True)
class StageTime:
    stage_id: int
    stage_name: str
    seconds: float
    visits: int


@dataclass(frozen=True)
class DealHistory:
    visits: list[StageVisit]  # oldest first
    time_in_stage: list[StageTime]  # per stage, in the order first entered


def stage_history(session: Session, deal_id: int, *, now: datetime | None = None) -> DealHistory:
    """Every move of the deal with the time it spent in each stage (the last stay until
    ``now``, or until it closed for a won/lost deal)."""
    deal = get_deal(session, deal_id)
    src = aliased(Stage)
    dst = aliased(Stage)
    rows = session.execute(
        sa.select(DealStageChange, dst.name, src.name, User.name)
        .join(dst, dst.id == DealStageChange.to_stage_id)
        .outerjoin(src, src.id == DealStageChange.from_stage_id)
        .outerjoin(User, User.id == DealStageChange.changed_by_id)
        .where(DealStageChange.deal_id == deal_id)
        .order_by(DealStageChange.changed_at, DealStageChange.id)
    ).all()
    end = deal.closed_at or now or utcnow()
    visits: list[StageVisit] = []
    for i, (change, to_name, from_name, who) in enumerate(rows):
        left = rows[i + 1][0].changed_at if i + 1 < len(rows) else None
        stop = left or max(end, change.changed_at)
        visits.append(
            StageVisit(
                stage_id=change.to_stage_id,
                stage_name=to_name,
                from_stage_id=change.from_stage_id,
                from_stage_name=from_name,
                entered_at=change.changed_at,
                left_at=left,
                seconds=(stop - change.changed_at).total_seconds(),
                changed_by_id=change.changed_by_id,
                changed_by_name=who or "",
            )
        )
    totals: dict[int, StageTime] = {}
    for v in visits:
        seen = totals.get(v.stage_id)
        totals[v.stage_id] = StageTime(
            v.stage_id,
            v.stage_name,
            (seen.seconds if seen else 0.0) + v.seconds,
            (seen.visits if seen else 0) + 1,
        )
    return DealHistory(visits, list(totals.values()))
