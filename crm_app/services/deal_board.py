"""The pipeline board: per stage the deal count, total and probability-weighted value in the
base currency, and the first cards of each column (paged per column, never the whole table).

Values convert as ``money.rate_expr`` does: a closed deal at its snapshotted rate, an open one
at today's table rate, a currency without a rate counts 0 rather than a wrong amount. The sums
are taken per (stage, currency) in SQL and converted here, so no per-row rate lookup is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Deal, ExchangeRate, Stage, Task, User, utcnow

from . import money

DEFAULT_LIMIT = 20
MAX_LIMIT = 200


@dataclass(frozen=True)
class BoardFilters:
    owner_id: int | None = None
    close_from: date | None = None  # expected close, inclusive
    close_to: date | None = None  # inclusive
    closed_since: datetime | None = None  # won/lost columns: only deals closed since then

    def apply(self, q: sa.Select) -> sa.Select:
        if self.owner_id is not None:
            q = q.where(Deal.owner_id == self.owner_id)
        if self.close_from is not None:
            q = q.where(Deal.expected_close >= self.close_from)
        if self.close_to is not None:
            q = q.where(Deal.expected_close <= self.close_to)
        if self.closed_since is not None:
            q = q.where(sa.or_(Deal.closed_at.is_(None), Deal.closed_at >= self.closed_since))
        return q


@dataclass(frozen=True)
class Card:
    id: int
    title: str
    company_id: int | None
    company_name: str
    value: float
    currency: str
    owner_id: int | None
    owner_name: str
    days_in_stage: int
    expected_close: date | None
    next_task_id: int | None = None
    next_task_title: str = ""
    next_task_due: datetime | None = None


@dataclass(frozen=True)
class Column:
    stage_id: int
    name: str
    probability: int
    is_won: bool
    is_lost: bool
    count: int
    total: float  # base currency
    weighted: float  # total × probability
    offset: int
    cards: list[Card] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.cards) < self.count


@dataclass(frozen=True)
class Board:
    pipeline_id: int
    base_currency: str
    columns: list[Column]

    @property
    def count(self) -> int:
        return sum(c.count for c in self.columns)

    @property
    def weighted(self) -> float:
        return round(sum(c.weighted for c in self.columns if not c.is_lost), 2)


def rates(session: Session) -> tuple[str, dict[str, float]]:
    """The base currency and today's rate of every currency (base = 1)."""
    base = money.base_currency(session)
    table = {r.currency: float(r.rate) for r in session.execute(sa.select(ExchangeRate)).scalars()}
    table[base] = 1.0
    return base, table


def column_totals(
    session: Session, pipeline_id: int, filters: BoardFilters = BoardFilters()
) -> dict[int, tuple[int, float]]:
    """stage id → (deals, total value in the base currency) for the pipeline's deals."""
    _, table = rates(session)
    q = filters.apply(
        sa.select(
            Deal.stage_id,
            Deal.currency,
            sa.func.count(Deal.id),
            sa.func.sum(sa.case((Deal.exchange_rate.is_(None), Deal.value), else_=0.0)),
            sa.func.sum(sa.func.coalesce(Deal.exchange_rate, 0.0) * Deal.value),
        ).where(Deal.pipeline_id == pipeline_id)
    ).group_by(Deal.stage_id, Deal.currency)
    out: dict[int, tuple[int, float]] = {}
    for stage_id, currency, n, unconverted, converted in session.execute(q).all():
        count, total = out.get(stage_id, (0, 0.0))
        value = float(converted or 0) + float(unconverted or 0) * table.get(currency, 0.0)
        out[stage_id] = (count + int(n), total + value)
    return {k: (n, round(v, 2)) for k, (n, v) in out.items()}


def column_cards(
    session: Session,
    stage_id: int,
    *,
    filters: BoardFilters = BoardFilters(),
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
    now: datetime | None = None,
) -> list[Card]:
    """One page of a column's cards, top first (the board's order: position, then id)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    q = filters.apply(
        sa.select(
            Deal.id,
            Deal.title,
            Deal.company_id,
            Company.name,
            Deal.value,
            Deal.currency,
            Deal.owner_id,
            User.name,
            Deal.stage_entered_at,
            Deal.expected_close,
        )
        .outerjoin(Company, Company.id == Deal.company_id)
        .outerjoin(User, User.id == Deal.owner_id)
        .where(Deal.stage_id == stage_id)
    )
    rows = session.execute(
        q.order_by(Deal.position, Deal.id).offset(max(0, int(offset))).limit(limit)
    ).all()
    now = now or utcnow()
    tasks = next_tasks(session, [r[0] for r in rows])
    cards = []
    for did, title, cid, cname, value, cur, oid, oname, entered, expected in rows:
        task = tasks.get(did)
        cards.append(
            Card(
                id=did,
                title=title,
                company_id=cid,
                company_name=cname or "",
                value=float(value or 0),
                currency=cur,
                owner_id=oid,
                owner_name=oname or "",
                days_in_stage=max(0, (now - entered).days),
                expected_close=expected,
                next_task_id=task[0] if task else None,
                next_task_title=task[1] if task else "",
                next_task_due=task[2] if task else None,
            )
        )
    return cards


def next_tasks(
    session: Session, deal_ids: list[int]
) -> dict[int, tuple[int, str, datetime | None]]:
    """deal id → (task id, title, due) of its next open task: earliest due, undated last."""
    if not deal_ids:
        return {}
    rows = session.execute(
        sa.select(Task.deal_id, Task.id, Task.title, Task.due_at)
        .where(Task.deal_id.in_(deal_ids), ~Task.done)
        .order_by(Task.deal_id, Task.due_at.is_(None), Task.due_at, Task.id)
    ).all()
    found: dict[int, tuple[int, str, datetime | None]] = {}
    for deal_id, task_id, title, due in rows:
        found.setdefault(deal_id, (task_id, title, due))
    return found


def board(
    session: Session,
    pipeline_id: int,
    *,
    filters: BoardFilters = BoardFilters(),
    limit: int = DEFAULT_LIMIT,
    offsets: dict[int, int] | None = None,
    now: datetime | None = None,
) -> Board:
    """Every active stage of the pipeline as a column: totals and its first ``limit`` cards
    (from ``offsets[stage_id]`` when given)."""
    base, _ = rates(session)
    stages = session.execute(
        sa.select(Stage)
        .where(Stage.pipeline_id == pipeline_id, ~Stage.archived)
        .order_by(Stage.position, Stage.id)
    ).scalars()
    totals = column_totals(session, pipeline_id, filters)
    now = now or utcnow()
    columns = []
    for stage in stages:
        count, total = totals.get(stage.id or 0, (0, 0.0))
        offset = (offsets or {}).get(stage.id or 0, 0)
        cards = (
            column_cards(
                session, stage.id or 0, filters=filters, offset=offset, limit=limit, now=now
            )
            if count
            else []
        )
        columns.append(
            Column(
                stage_id=stage.id or 0,
                name=stage.name,
                probability=stage.probability,
                is_won=stage.is_won,
                is_lost=stage.is_lost,
                count=count,
                total=total,
                weighted=round(total * stage.probability / 100, 2),
                offset=offset,
                cards=cards,
            )
        )
    return Board(pipeline_id, base, columns)
