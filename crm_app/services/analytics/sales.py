"""Sales metrics: one small function per figure, over two bounded frames.

Definitions (amounts in the base currency, see ``money.rate_expr``: closed deals at the rate
snapshotted when they closed, open deals at today's rate):
    deals won / lost      deals in a won / lost stage closed inside the date range
    win rate              won ÷ (won + lost), a fraction 0–1 (None without closed deals)
    won value             sum of the won deals' values; average won value = won value ÷ won
    average cycle days    mean of created → closed (calendar days) over the won deals
    open pipeline value   open deals (not in a won or lost stage) as of now
    weighted pipeline     open deal value × its stage's probability ÷ 100
    sales velocity        open deals × win rate × average won value ÷ average cycle days
                          (value per day; None when a part is missing or the cycle is 0)
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import Deal, Stage, User

from .. import money
from .filters import Context
from .shared import shared_frame
from .sql import epoch, frame, months

CLOSED_COLUMNS = [
    "id",
    "owner_id",
    "pipeline_id",
    "contact_id",
    "company_id",
    "source",
    "won",
    "lost_reason",
    "value",
    "created",
    "closed",
]
OPEN_COLUMNS = [
    "id",
    "stage_id",
    "position",
    "created",
    "pipeline_id",
    "owner_id",
    "contact_id",
    "company_id",
    "expected_close",
    "value",
    "weighted",
]
# values in the base currency read today's exchange rates and the base currency setting
DEAL_TABLES = ("deals", "exchange_rates", "settings", "stages")


def deal_scope(ctx: Context) -> list[Any]:
    """The pipeline, owner and segment conditions on deals."""
    f = ctx.filter
    conds: list[Any] = []
    if f.pipeline_id is not None:
        conds.append(Deal.pipeline_id == f.pipeline_id)
    if f.owner_id is not None:
        conds.append(Deal.owner_id == f.owner_id)
    return conds + ctx.segment_scope(Deal)


def _load_closed(ctx: Context) -> pd.DataFrame:
    s = ctx.session
    q = (
        sa.select(
            Deal.id,
            Deal.owner_id,
            Deal.pipeline_id,
            Deal.contact_id,
            Deal.company_id,
            Deal.source,
            Stage.is_won,
            Deal.lost_reason,
            money.deal_value_in_base(s),
            epoch(s, Deal.created_at),
            epoch(s, Deal.closed_at),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(sa.or_(Stage.is_won, Stage.is_lost))
    )
    df = frame(s, q, CLOSED_COLUMNS)
    df["won"] = df["won"].astype(bool)
    df["value"] = pd.to_numeric(df["value"]).fillna(0.0)
    df["created"] = pd.to_numeric(df["created"])
    df["closed"] = pd.to_numeric(df["closed"])
    df["cycle_days"] = (df["closed"] - df["created"]) / 86400.0
    df["month"] = months(df["closed"], ctx.time_zone)
    return df


def all_closed_deals(ctx: Context) -> pd.DataFrame:
    """Every deal in a won or lost stage (no filter; ``closed`` is NaN for one without a close
    time); kept between requests until the deals change."""
    return shared_frame(ctx, "sales.closed", DEAL_TABLES, _load_closed)


def closed_deals(ctx: Context) -> pd.DataFrame:
    """Won and lost deals closed in the range: value (base), cycle days, local close month."""

    def narrow(c: Context) -> pd.DataFrame:
        df = all_closed_deals(c)
        keep = df["closed"].notna() & c.within(df["closed"])
        return df[keep & c.scoped(df, owner="owner_id", pipeline=True)]

    return ctx.frame("sales.closed", narrow)


def _load_open(ctx: Context) -> pd.DataFrame:
    s = ctx.session
    value = money.deal_value_in_base(s)
    q = (
        sa.select(
            Deal.id,
            Deal.stage_id,
            Stage.position,
            epoch(s, Deal.created_at),
            Deal.pipeline_id,
            Deal.owner_id,
            Deal.contact_id,
            Deal.company_id,
            Deal.expected_close,
            value,
            value * Stage.probability / 100.0,
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(~Stage.is_won, ~Stage.is_lost)
    )
    df = frame(s, q, OPEN_COLUMNS)
    for c in ("value", "weighted"):
        df[c] = pd.to_numeric(df[c]).fillna(0.0)
    df["created"] = pd.to_numeric(df["created"])
    # SQLite gives the date as text, PostgreSQL as a date: "YYYY-MM" either way
    df["expected_month"] = [str(d)[:7] if d is not None else "" for d in df["expected_close"]]
    return df


def all_open_deals(ctx: Context) -> pd.DataFrame:
    """Every open deal (no filter); kept between requests until the deals change."""
    return shared_frame(ctx, "sales.open", DEAL_TABLES, _load_open)


def open_deal_rows(ctx: Context) -> pd.DataFrame:
    """Open deals as of now (pipeline, owner and segment filters): stage, expected close,
    value and weighted value in the base currency at today's rate."""

    def narrow(c: Context) -> pd.DataFrame:
        df = all_open_deals(c)
        return df[c.scoped(df, owner="owner_id", pipeline=True)]

    return ctx.frame("sales.open_rows", narrow)


def open_by_stage_totals(ctx: Context) -> pd.DataFrame:
    """Open deals per stage as of now: deals, value and weighted value (base currency)."""

    def totals(c: Context) -> pd.DataFrame:
        g = open_deal_rows(c).groupby(["stage_id", "pipeline_id"])
        out = pd.DataFrame({"deals": g.size(), "value": g["value"].sum()})
        out["weighted"] = g["weighted"].sum()
        return out.reset_index()

    return ctx.frame("sales.open", totals)


def _won(ctx: Context) -> pd.DataFrame:
    df = closed_deals(ctx)
    return df[df["won"]]


def deals_won(ctx: Context) -> int:
    return int(closed_deals(ctx)["won"].sum())


def deals_lost(ctx: Context) -> int:
    return int((~closed_deals(ctx)["won"]).sum())


def win_rate(ctx: Context) -> float | None:
    df = closed_deals(ctx)
    return float(df["won"].mean()) if len(df) else None


def won_value(ctx: Context) -> float:
    return float(_won(ctx)["value"].sum())


def average_won_value(ctx: Context) -> float | None:
    won = _won(ctx)
    return float(won["value"].mean()) if len(won) else None


def average_cycle_days(ctx: Context) -> float | None:
    won = _won(ctx)
    return float(won["cycle_days"].mean()) if len(won) else None


def open_deals(ctx: Context) -> int:
    return int(open_by_stage_totals(ctx)["deals"].sum())


def open_pipeline_value(ctx: Context) -> float:
    return float(open_by_stage_totals(ctx)["value"].sum())


def weighted_pipeline_value(ctx: Context) -> float:
    return float(open_by_stage_totals(ctx)["weighted"].sum())


def sales_velocity(ctx: Context) -> float | None:
    rate, average, cycle = win_rate(ctx), average_won_value(ctx), average_cycle_days(ctx)
    if rate is None or average is None or not cycle:
        return None
    return open_deals(ctx) * rate * average / cycle


# -- breakdowns for the charts -------------------------------------------------------------------
def _rates(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """won, lost, win_rate and won_value per value of ``by`` (missing values as "")."""
    if df.empty:
        return pd.DataFrame(columns=[by, "won", "lost", "win_rate", "won_value"])
    keyed = df.assign(
        **{by: df[by] if pd.api.types.is_numeric_dtype(df[by]) else df[by].fillna("")},
        won_only=df["value"].where(df["won"], 0.0),
    )
    g = keyed.groupby(by, dropna=False)
    out = pd.DataFrame(
        {
            "won": g["won"].sum().astype(int),
            "lost": (g["won"].count() - g["won"].sum()).astype(int),
            "won_value": g["won_only"].sum(),
        }
    ).reset_index()
    out["win_rate"] = out["won"] / (out["won"] + out["lost"])
    return out


def win_rate_by_source(ctx: Context) -> pd.DataFrame:
    return _rates(closed_deals(ctx), "source").sort_values("won_value", ascending=False)


def win_rate_by_month(ctx: Context) -> pd.DataFrame:
    """Per local close month: won, lost, win rate, won value, average cycle days."""
    df = closed_deals(ctx)
    out = _rates(df, "month").sort_values("month")
    cycle = df[df["won"]].groupby("month")["cycle_days"].mean()
    return out.assign(cycle_days=out["month"].map(cycle)).reset_index(drop=True)


def owner_names(ctx: Context, ids: list[Any]) -> dict[int, str]:
    wanted = [int(i) for i in ids if i is not None and not pd.isna(i)]
    if not wanted:
        return {}
    q = sa.select(User.id, User.name).where(User.id.in_(wanted))
    return {int(i): str(n) for i, n in ctx.session.execute(q).all()}


def leaderboard(ctx: Context) -> pd.DataFrame:
    """Per owner (win rate by owner too): won, lost, win rate, won value, average cycle days;
    most won value first. ``owner_id`` -1 stands for deals without an owner."""
    df = closed_deals(ctx)
    df = df.assign(owner_id=df["owner_id"].fillna(-1).astype(int))
    out = _rates(df, "owner_id")
    cycle = df[df["won"]].groupby("owner_id")["cycle_days"].mean()
    names = owner_names(ctx, list(out["owner_id"]))
    out = out.assign(
        owner=out["owner_id"].map(lambda i: names.get(int(i), "")),
        cycle_days=out["owner_id"].map(cycle),
    )
    return out.sort_values(["won_value", "won"], ascending=False).reset_index(drop=True)


def lost_reasons(ctx: Context) -> pd.DataFrame:
    """Lost deals per reason ("" for none given), most frequent first, with their value."""
    lost = closed_deals(ctx)
    lost = lost[~lost["won"]].assign(reason=lambda d: d["lost_reason"].fillna(""))
    out = lost.groupby("reason").agg(deals=("id", "count"), value=("value", "sum"))
    return out.reset_index().sort_values(["deals", "value"], ascending=False, ignore_index=True)
