"""The stage-to-stage funnel of one pipeline and the weighted forecast by month.

Funnel: deals of the pipeline created in the date range; a deal reached a stage when it is or
was in that stage or a later open stage, or was won (its history and its current stage both
count, so a deal created straight into a later stage reached the ones before it too). Each
row's conversion is reached ÷ reached at the previous row; the last row is the won stage.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import Deal, DealStageChange, Pipeline, Stage

from .. import forecast
from . import sales
from .filters import Context
from .sales import deal_scope

WON_REACH = 1_000_000
LOST_REACH = -1


def funnel_pipeline_id(ctx: Context) -> int | None:
    """The filtered pipeline, else the default one, else the first by position."""
    if ctx.filter.pipeline_id is not None:
        return ctx.filter.pipeline_id
    row = ctx.session.execute(
        sa.select(Pipeline.id)
        .where(~Pipeline.archived)
        .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.id)
        .limit(1)
    ).scalar()
    return int(row) if row is not None else None


def _reach_counts(ctx: Context, pipeline_id: int) -> dict[int, int]:
    """How many deals (of the pipeline, created in the range, in scope) reached each ``reach``
    (a stage position, WON_REACH or LOST_REACH) at most: the highest of their current stage
    and every stage in their history. The history is grouped per deal once and joined to the
    filtered deals (twice as fast in SQLite as grouping their union per deal)."""
    reach = sa.case((Stage.is_won, WON_REACH), (Stage.is_lost, LOST_REACH), else_=Stage.position)
    history = (
        sa.select(DealStageChange.deal_id.label("deal_id"), sa.func.max(reach).label("reach"))
        .join(Stage, Stage.id == DealStageChange.to_stage_id)
        .group_by(DealStageChange.deal_id)
        .subquery()
    )
    now = reach.label("now")
    deals = (
        sa.select(Deal.id.label("deal_id"), now)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.pipeline_id == pipeline_id, *ctx.in_range(Deal.created_at), *deal_scope(ctx))
        .subquery()
    )
    highest = sa.case((history.c.reach > deals.c.now, history.c.reach), else_=deals.c.now).label(
        "reach"
    )
    rows = ctx.session.execute(
        sa.select(highest, sa.func.count())
        .select_from(deals.outerjoin(history, history.c.deal_id == deals.c.deal_id))
        .group_by(highest)
    ).all()
    return {int(r): int(n) for r, n in rows}


def funnel(ctx: Context) -> pd.DataFrame:
    """stage_id, stage, reached, conversion (from the previous row; None on the first)."""
    columns = ["stage_id", "stage", "reached", "conversion"]
    pid = funnel_pipeline_id(ctx)
    if pid is None:
        return pd.DataFrame(columns=columns)
    stages = ctx.session.execute(
        sa.select(Stage.id, Stage.name, Stage.position, Stage.is_won)
        .where(Stage.pipeline_id == pid, ~Stage.is_lost, ~Stage.archived)
        .order_by(Stage.is_won, Stage.position, Stage.id)
    ).all()
    counts = _reach_counts(ctx, pid)
    rows: list[dict[str, Any]] = []
    for stage_id, name, position, is_won in stages:
        floor = WON_REACH if is_won else position
        reached = sum(n for r, n in counts.items() if r >= floor)
        previous = rows[-1]["reached"] if rows else None
        rows.append(
            {
                "stage_id": stage_id,
                "stage": name,
                "reached": reached,
                "conversion": (reached / previous) if previous else None,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def forecast_by_month(ctx: Context, *, default_months: int = 6) -> pd.DataFrame:
    """``forecast.forecast`` over the range's months (default: this month and the next five):
    month, expected (weighted open value by expected close), won, open_deals, won_deals."""
    f = ctx.filter
    start = f.date_from or forecast.this_month_start(ctx.session, ctx.now)
    n = _months_between(start, f.date_to) if f.date_to else default_months
    rows = forecast.forecast(
        ctx.session,
        start=start,
        months=max(1, min(n, 60)),
        pipeline_id=f.pipeline_id,
        owner_id=f.owner_id,
        time_zone=ctx.time_zone,
        now=ctx.now,
    )
    return pd.DataFrame(rows).drop(columns=["group_id", "group_name"], errors="ignore")


def pipeline_by_stage(ctx: Context) -> pd.DataFrame:
    """Open deals per stage as of now, in board order: pipeline, stage ids and names, deals,
    value and weighted value (stages without deals too)."""
    totals = sales.open_by_stage_totals(ctx).set_index("stage_id")
    q = (
        sa.select(Stage.id, Stage.name, Pipeline.id, Pipeline.name)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .where(~Stage.is_won, ~Stage.is_lost, ~Stage.archived, ~Pipeline.archived)
        .order_by(Pipeline.position, Pipeline.id, Stage.position, Stage.id)
    )
    if ctx.filter.pipeline_id is not None:
        q = q.where(Pipeline.id == ctx.filter.pipeline_id)
    rows = ctx.session.execute(q).all()
    df = pd.DataFrame(rows, columns=["stage_id", "stage", "pipeline_id", "pipeline"])
    for column in ("deals", "value", "weighted"):
        df[column] = df["stage_id"].map(totals[column]).fillna(0)
    df["deals"] = df["deals"].astype(int)
    return df
