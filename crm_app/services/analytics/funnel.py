"""The stage-to-stage funnel of one pipeline and the weighted forecast by month.

Funnel: deals of the pipeline created in the date range; a deal reached a stage when it is or
was in that stage or a later open stage, or was won (its history and its current stage both
count, so a deal created straight into a later stage reached the ones before it too). Each
row's conversion is reached ÷ reached at the previous row; the last row is the won stage.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import DealStageChange, Pipeline, Stage

from .. import forecast
from . import sales
from .filters import Context, day_bounds
from .shared import shared_frame
from .sql import frame

WON_REACH = 1_000_000
LOST_REACH = -1
HISTORY_TABLES = ("deal_stage_changes", "stages")
ONE_DAY = timedelta(days=1)


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


def _load_history_reach(ctx: Context) -> pd.Series:
    """Per deal with stage history: the highest ``reach`` its history shows."""
    reach = sa.case((Stage.is_won, WON_REACH), (Stage.is_lost, LOST_REACH), else_=Stage.position)
    q = (
        sa.select(DealStageChange.deal_id, sa.func.max(reach))
        .join(Stage, Stage.id == DealStageChange.to_stage_id)
        .group_by(DealStageChange.deal_id)
    )
    df = frame(ctx.session, q, ["deal_id", "reach"])
    return pd.Series(df["reach"].to_numpy(), index=df["deal_id"].to_numpy())


def _reach_counts(ctx: Context, pipeline_id: int) -> dict[int, int]:
    """How many deals (of the pipeline, created in the range, in scope) reached each ``reach``
    (a stage position, WON_REACH or LOST_REACH) at most: the highest of their current stage
    and every stage in their history. The deals come from the kept open and closed frames;
    the history's reach per deal is kept apart, read again only when the history changes."""
    columns = ["id", "pipeline_id", "owner_id", "contact_id", "company_id", "created"]
    open_deals = sales.all_open_deals(ctx)
    closed = sales.all_closed_deals(ctx)
    now = pd.concat(
        [
            open_deals[columns].assign(reach=open_deals["position"]),
            closed[columns].assign(reach=closed["won"].map({True: WON_REACH, False: LOST_REACH})),
        ],
        ignore_index=True,
    )
    keep = (now["pipeline_id"] == pipeline_id) & ctx.within(now["created"])
    deals = now[keep & ctx.scoped(now, owner="owner_id")]
    history = shared_frame(ctx, "funnel.history", HISTORY_TABLES, _load_history_reach)
    before = deals["id"].map(history)
    highest = deals["reach"].where(~(before > deals["reach"]), before)
    return {int(r): int(n) for r, n in highest.value_counts().items()}


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
    """``forecast.forecast``'s figures over the range's months (default: this month and the
    next five), under every filter (the segment too): month, expected (weighted open value by
    expected close), won, open_deals, won_deals."""
    f = ctx.filter
    start = f.date_from or forecast.this_month_start(ctx.session, ctx.now)
    n = _months_between(start, f.date_to) if f.date_to else default_months
    first = start.replace(day=1)
    keys = [forecast.month_key(forecast.add_months(first, i)) for i in range(max(1, min(n, 60)))]
    open_deals = sales.open_deal_rows(ctx)
    expected = open_deals[open_deals["expected_month"].isin(keys)].groupby("expected_month")
    since, until = day_bounds(first, forecast.add_months(first, len(keys)) - ONE_DAY, ctx.time_zone)
    closed = sales.all_closed_deals(ctx)
    in_months = closed["closed"].between(since.timestamp(), until.timestamp(), inclusive="left")
    won = closed[closed["won"] & in_months & ctx.scoped(closed, "owner_id", True)].groupby("month")
    return pd.DataFrame(
        {
            "month": keys,
            "expected": expected["weighted"].sum().reindex(keys, fill_value=0.0).round(2).values,
            "won": won["value"].sum().reindex(keys, fill_value=0.0).round(2).values,
            "open_deals": expected.size().reindex(keys, fill_value=0).astype(int).values,
            "won_deals": won.size().reindex(keys, fill_value=0).astype(int).values,
        }
    )


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
