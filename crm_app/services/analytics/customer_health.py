"""customer-360's health score for every customer at once, column-wise.

The rules are ``customer360.health``'s (see its module docstring), applied to whole columns
instead of one customer at a time; the inputs come from a few set-based queries:
    last contact   the customers table's ``last_contacted`` (epoch seconds)
    purchases      the customer's orders in ``purchases`` (usual interval: the median of the
                   positive whole-day gaps, truncated; 90 days with none; days since the last)
    open tickets   urgent or high priority tickets not solved or closed, counted per customer
    satisfaction   the last 5 rated tickets (newest rating first, unrated time last, then the
                   newest ticket: customer-360's order), their mean
    pipeline       open deals (not in a won or lost stage) per customer
    lifecycle      the contact's stage "churned"
Whole days are floors of exact microsecond differences, as ``timedelta.days``.
``tests/unit/test_analytics_health_vector.py`` checks this equals customer-360 customer by
customer on a varied dataset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from crm_app.models import Contact, Deal, Stage, Ticket

from .. import customer360
from .filters import Context
from .shared import shared_frame
from .sql import frame

DAY_US = 86_400_000_000
# the change counter a customer key depends on (a record's contact's company)
CUSTOMER_KEYS = "contacts.company_id"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _company(model: Any) -> sa.ColumnElement[int]:
    """The row's company, else its contact's (a lookup only for rows without one)."""
    return sa.func.coalesce(
        model.company_id,
        sa.select(Contact.company_id).where(Contact.id == model.contact_id).scalar_subquery(),
    )


def customer_key_sql(model: Any) -> sa.ColumnElement[str]:
    """SQL for a row's customer key: "co:<id>" of its company (else its contact's company),
    else "ct:<contact id>", else "" (the key of the ``customers`` table)."""
    company = _company(model)
    return sa.case(
        (company.is_not(None), sa.literal("co:") + sa.cast(company, sa.String)),
        (model.contact_id.is_not(None), sa.literal("ct:") + sa.cast(model.contact_id, sa.String)),
        else_=sa.literal(""),
    )


def customer_code_sql(model: Any) -> sa.ColumnElement[int]:
    """The same customer as a number (cheaper to fetch and group): the company id, or minus
    the contact id (ids are positive); NULL for neither. ``code_keys`` names them."""
    company = _company(model)
    return sa.case((company.is_not(None), company), else_=-model.contact_id)


def code_keys(codes: pd.Index) -> pd.Index:
    """``customer_code_sql`` numbers → customer keys."""
    return pd.Index([f"co:{c}" if c > 0 else f"ct:{-c}" for c in codes.astype(int)])


def now_micros(now: datetime) -> int:
    return (customer360.aware(now) - EPOCH) // timedelta(microseconds=1)


def micros(seconds: pd.Series) -> pd.Series:
    """Epoch seconds → whole microseconds (float, NaN kept): ``sql.local``'s rounding."""
    return (pd.to_numeric(seconds, errors="coerce") * 1e6).round()


def whole_days(later_us: Any, earlier_us: Any) -> Any:
    """``(later - earlier).days``: the floor of the difference in days."""
    return np.floor_divide(later_us - earlier_us, DAY_US)


def purchase_stats(ctx: Context) -> pd.DataFrame:
    """Per customer with orders: ``interval`` (usual days) and ``since`` (days since the last)."""
    return ctx.frame("customers.purchase_stats", _load_purchase_stats)


def _load_purchase_stats(ctx: Context) -> pd.DataFrame:
    from .customer_frames import purchases

    p = purchases(ctx)
    orders = pd.DataFrame({"customer": p["customer"], "us": micros(p["at"])})[
        p["is_order"].to_numpy()
    ]
    orders = orders.dropna(subset=["us"]).sort_values(["customer", "us"], kind="stable")
    if orders.empty:
        return pd.DataFrame({"interval": [], "since": []}, index=pd.Index([], name="customer"))
    same = orders["customer"].eq(orders["customer"].shift())
    gaps = whole_days(orders["us"], orders["us"].shift())[same]
    gaps = gaps[gaps > 0]
    median = gaps.groupby(orders["customer"][gaps.index]).median()
    last = orders.groupby("customer")["us"].max()
    interval = np.floor(median.reindex(last.index)).fillna(customer360.DEFAULT_INTERVAL_DAYS)
    since = whole_days(now_micros(ctx.now), last)
    return pd.DataFrame({"interval": interval.astype(int), "since": since.astype(int)})


def _load_pressing(ctx: Context) -> pd.Series:
    key = customer_code_sql(Ticket)
    df = frame(
        ctx.session,
        sa.select(key, sa.func.count())
        .where(
            Ticket.status.not_in(customer360.CLOSED_TICKETS),
            Ticket.priority.in_(("urgent", "high")),
        )
        .group_by(key),
        ["customer", "n"],
    ).dropna()
    return pd.Series(df["n"].astype(int).to_numpy(), index=code_keys(pd.Index(df["customer"])))


def _load_csat(ctx: Context) -> pd.DataFrame:
    """Per customer: sum and count of the last five scores (customer-360's order)."""
    df = frame(
        ctx.session,
        sa.select(customer_code_sql(Ticket), Ticket.csat_score)
        .where(Ticket.csat_score.is_not(None))
        .order_by(Ticket.csat_at.desc().nulls_last(), Ticket.id.desc()),
        ["customer", "score"],
    )
    df = df.dropna(subset=["customer"])
    last5 = df[df.groupby("customer", sort=False).cumcount().to_numpy() < 5]
    g = last5.groupby("customer")["score"]
    out = pd.DataFrame({"total": g.sum(), "n": g.count()})
    return out.set_axis(code_keys(out.index))


def _load_open_deals(ctx: Context) -> pd.Series:
    key = customer_code_sql(Deal)
    open_stages = sa.select(Stage.id).where(~Stage.is_won, ~Stage.is_lost)
    df = frame(
        ctx.session,
        sa.select(key, sa.func.count()).where(Deal.stage_id.in_(open_stages)).group_by(key),
        ["customer", "n"],
    ).dropna()
    return pd.Series(df["n"].astype(int).to_numpy(), index=code_keys(pd.Index(df["customer"])))


def _shared(ctx: Context, part: str, tables: tuple[str, ...], load: Any) -> Any:
    """A part of health that does not depend on the day, kept between requests (``shared``)."""
    return shared_frame(ctx, f"health.{part}", tables, load)


def health_frame(ctx: Context, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (customers: last_contacted, stage) → health, level and interval per row."""
    index = table.index
    now_us = now_micros(ctx.now)
    last = micros(table["last_contacted"])
    days = whole_days(now_us, last)
    points = np.where(last.isna(), -20, np.where(days <= 30, 10, np.where(days > 90, -15, 0)))

    stats = purchase_stats(ctx).reindex(index)
    bought = stats["interval"].notna().to_numpy()
    interval = stats["interval"].to_numpy(dtype=float)
    since = stats["since"].to_numpy(dtype=float)
    points += np.where(
        ~bought, 0, np.where(since <= interval, 10, np.where(since >= 2 * interval, -25, -10))
    )

    pressing = (
        _shared(ctx, "pressing", (CUSTOMER_KEYS, "tickets"), _load_pressing)
        .reindex(index, fill_value=0)
        .to_numpy()
    )
    points -= np.minimum(30, 10 * pressing)

    csat = _shared(ctx, "csat", (CUSTOMER_KEYS, "tickets"), _load_csat).reindex(index)
    rated = csat["n"].notna().to_numpy()
    average = (csat["total"] / csat["n"]).to_numpy(dtype=float)
    points += np.where(~rated, 0, np.where(average >= 4, 5, np.where(average < 3, -15, 0)))

    points += np.where(
        _shared(ctx, "open_deals", (CUSTOMER_KEYS, "deals", "stages"), _load_open_deals)
        .reindex(index, fill_value=0)
        .to_numpy()
        > 0,
        5,
        0,
    )
    points += np.where((table["stage"] == "churned").to_numpy(), -30, 0)

    score = np.clip(70 + points, 0, 100).astype(int)
    level = np.where(score >= 70, "good", np.where(score >= 40, "watch", "at_risk"))
    shown = pd.Series(interval, index=index).astype(object)
    shown[~bought] = None
    shown[bought] = [int(v) for v in interval[bought]]
    return pd.DataFrame({"health": score, "level": level, "interval": shown}, index=index)


def purchase_reasons_of(ctx: Context, keys: pd.Index) -> pd.Series:
    """customer-360's purchase-interval reason for each of ``keys`` that has orders."""
    stats = purchase_stats(ctx)
    stats = stats[stats.index.isin(keys)]
    return pd.Series(
        {
            key: customer360.purchase_reason(int(since), int(interval))
            for key, since, interval in zip(
                stats.index, stats["since"], stats["interval"], strict=True
            )
        },
        dtype=object,
    )
