"""Customer metrics over ``customer_frames`` (who bought, when, for how much, how healthy).

Definitions:
    customers               customers whose first purchase is before the end of the range
    new customers           customers whose first purchase falls in the range
    average lifetime value  mean lifetime value (customer-360's rule, as of now) of ``customers``
    at-risk customers       of ``customers``, those customer-360 rates "at risk" (score < 40)
    unlikely to buy again   customer-360's "usual interval overdue twice or more" rule
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import customer360
from ..i18n import N_
from .customer_frames import customers as customer_table  # noqa: F401 (re-exported)
from .customer_frames import health, purchase_reasons, purchases
from .filters import Context
from .sql import months

RFM_SEGMENTS = (  # (recency scores, frequency scores) → segment, first match wins
    ("55 54 45 44", N_("Champions")),
    ("35 34 25 24 53 43", N_("Loyal customers")),
    ("52 51 42 41", N_("Potential loyalists")),
    ("33 32 31 23 22 21", N_("Need attention")),
    ("15 14 13", N_("At risk")),
    ("12 11", N_("Hibernating")),
)


def is_overdue(reason: customer360.Reason, *, twice: bool = False) -> bool:
    """customer-360's purchase-interval reason saying the interval is overdue (``twice``:
    overdue twice or more, the reason that carries ``times``)."""
    overdue = reason.points < 0 and "interval" in reason.values
    return overdue and ("times" in reason.values or not twice)


def current(ctx: Context) -> pd.DataFrame:
    """The customers counted: first purchase before the end of the range."""
    table = customer_table(ctx)
    return table[ctx.ended_by(table["first_purchase"])]


def customer_count(ctx: Context) -> int:
    return len(current(ctx))


def new_customers(ctx: Context) -> int:
    table = customer_table(ctx)
    return int(ctx.within(table["first_purchase"]).sum())


def average_lifetime_value(ctx: Context) -> float | None:
    table = current(ctx)
    return float(table["lifetime_value"].mean()) if len(table) else None


def at_risk_customers(ctx: Context) -> int:
    levels = health(ctx)["level"].reindex(current(ctx).index)
    return int((levels == "at_risk").sum())


# -- breakdowns ----------------------------------------------------------------------------------
def new_customers_by_month(ctx: Context) -> pd.DataFrame:
    table = customer_table(ctx)
    first = table[ctx.within(table["first_purchase"])]
    month = months(first["first_purchase"], ctx.time_zone)
    out = month.value_counts().rename_axis("month").reset_index(name="customers")
    return out.sort_values("month", ignore_index=True)


def lifetime_value_histogram(ctx: Context, bins: int = 12) -> pd.DataFrame:
    """Customers per lifetime-value band: low, high (edges in the base currency), customers."""
    values = current(ctx)["lifetime_value"].to_numpy(dtype=float)
    if not len(values):
        return pd.DataFrame(columns=["low", "high", "customers"])
    counts, edges = np.histogram(values, bins=bins)
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "customers": counts})


def top_customers(ctx: Context, limit: int = 10) -> pd.DataFrame:
    table = current(ctx).nlargest(limit, "lifetime_value")
    return table[["name", "lifetime_value", "purchases", "country"]].reset_index()


def cohort_retention(ctx: Context, max_offset: int = 12) -> pd.DataFrame:
    """Rows: first-purchase month (cohorts starting in the range); columns: months since
    (0..max_offset); cells: the share of the cohort that bought in that month."""
    table = customer_table(ctx)
    cohort_of = months(table["first_purchase"], ctx.time_zone)[ctx.within(table["first_purchase"])]
    p = purchases(ctx)
    p = p[p["customer"].isin(cohort_of.index)]
    if p.empty:
        return pd.DataFrame()
    bought = pd.DataFrame({"customer": p["customer"], "month": p["month"]}).drop_duplicates()
    bought["cohort"] = bought["customer"].map(cohort_of)
    index = lambda m: m.str[:4].astype(int) * 12 + m.str[5:7].astype(int)  # noqa: E731
    bought["offset"] = index(bought["month"]) - index(bought["cohort"])
    bought = bought[(bought["offset"] >= 0) & (bought["offset"] <= max_offset)]
    active = bought.groupby(["cohort", "offset"])["customer"].nunique().unstack(fill_value=0)
    sizes = cohort_of.value_counts()
    return active.div(sizes.reindex(active.index), axis=0).sort_index()


def _score(values: pd.Series, ascending: bool = True) -> pd.Series:
    """1–5 by quintile of rank (ties broken by order, so every score is used)."""
    if len(values) < 5:
        return pd.Series(3, index=values.index)
    ranks = values.rank(method="first", ascending=ascending)
    return pd.qcut(ranks, 5, labels=[1, 2, 3, 4, 5]).astype(int)


def rfm(ctx: Context) -> pd.DataFrame:
    """Per customer: recency days, frequency, monetary, R/F/M scores 1–5 and the segment."""
    table = current(ctx)
    now = ctx.now.timestamp()
    df = pd.DataFrame(
        {
            "recency_days": ((now - table["last_purchase"]) / 86400).round().astype(int),
            "frequency": table["purchases"],
            "monetary": table["lifetime_value"],
        },
        index=table.index,
    )
    df["r"] = _score(df["recency_days"], ascending=False)
    df["f"] = _score(df["frequency"])
    df["m"] = _score(df["monetary"])
    code = df["r"].astype(str) + df["f"].astype(str)
    df["segment"] = N_("Other")
    for codes, name in reversed(RFM_SEGMENTS):
        df.loc[code.isin(codes.split()), "segment"] = name
    return df


def rfm_segments(ctx: Context) -> pd.DataFrame:
    df = rfm(ctx)
    out = df.groupby("segment").agg(customers=("r", "count"), value=("monetary", "sum"))
    return out.reset_index().sort_values("customers", ascending=False, ignore_index=True)


def unlikely_to_buy_again(ctx: Context, limit: int = 50) -> pd.DataFrame:
    """Customers whose usual purchase interval is overdue twice or more, most valuable first,
    with customer-360's reason (msgid and values)."""
    table = current(ctx)
    reasons = purchase_reasons(ctx).reindex(table.index)
    hit = reasons.map(lambda r: r is not None and not pd.isna(r) and is_overdue(r, twice=True))
    hit = hit.astype(bool)
    table = table[hit].assign(reason=reasons[hit]).nlargest(limit, "lifetime_value")
    return table[["name", "lifetime_value", "reason"]].reset_index()


def breakdown(ctx: Context, by: str) -> pd.DataFrame:
    """Customers and lifetime value per ``country`` or ``industry`` ("" when unknown)."""
    table = current(ctx)
    keyed = table.assign(**{by: table[by].fillna("")})
    out = keyed.groupby(by).agg(customers=("name", "count"), value=("lifetime_value", "sum"))
    return out.reset_index().sort_values("value", ascending=False, ignore_index=True)
