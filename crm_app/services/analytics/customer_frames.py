"""The frames the customer metrics read: purchases per customer and each customer's health.

A customer is whoever bought: a company when the purchase (or its contact) belongs to one,
else the contact — the same scope as the customer-360 page (a company's figures include its
contacts'). Purchases are customer-360's lifetime-value rows: orders that are not cancelled
(at today's rate) and won deals without an order (at their closing rate), each at its local
date. Health is ``customer360.health`` itself, fed from a few grouped queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import Company, Contact, Deal, Order, Stage, Ticket

from .. import customer360, money
from .filters import Context
from .sql import epoch, frame, local

PURCHASE_COLUMNS = ["contact_id", "company_id", "at", "value", "is_order"]


def customer_key(contact_id: pd.Series, company_id: pd.Series) -> pd.Series:
    """ "co:<id>" for a company, "ct:<id>" for a contact on its own ("" for neither)."""
    company = company_id.astype("Int64").astype(str)
    contact = contact_id.astype("Int64").astype(str)
    key = ("ct:" + contact).where(contact_id.notna(), "")
    return ("co:" + company).where(company_id.notna(), key)


def _company_of(model: Any) -> Any:
    """The row's company, else its contact's."""
    return sa.func.coalesce(model.company_id, Contact.company_id)


def _load_purchases(ctx: Context) -> pd.DataFrame:
    s = ctx.session
    base = ctx.base_currency
    order_rate = customer360._order_rate(s, base)  # the 360 page's conversion of orders
    orders = (
        sa.select(
            Order.contact_id,
            _company_of(Order),
            epoch(s, Order.ordered_at),
            Order.total * order_rate,
            sa.true(),
        )
        .outerjoin(Contact, Contact.id == Order.contact_id)
        .where(Order.status != "cancelled", *ctx.segment_scope(Order))
    )
    deals = (
        sa.select(
            Deal.contact_id,
            _company_of(Deal),
            epoch(s, Deal.closed_at),
            money.deal_value_in_base(s),
            sa.false(),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(Contact, Contact.id == Deal.contact_id)
        .where(
            Stage.is_won,
            Deal.closed_at.is_not(None),
            ~sa.exists().where(Order.deal_id == Deal.id),
            *ctx.segment_scope(Deal),
        )
    )
    df = pd.concat(
        [frame(s, orders, PURCHASE_COLUMNS), frame(s, deals, PURCHASE_COLUMNS)], ignore_index=True
    )
    df["customer"] = customer_key(df["contact_id"], df["company_id"])
    df = df[df["customer"] != ""].copy()
    df["value"] = pd.to_numeric(df["value"]).fillna(0.0)
    df["at"] = pd.to_numeric(df["at"])
    df["is_order"] = df["is_order"].astype(bool)
    return df


def purchases(ctx: Context) -> pd.DataFrame:
    """Every purchase with its customer key, time (epoch seconds) and value (base currency)."""
    return ctx.frame("customers.purchases", _load_purchases)


def _attributes(ctx: Context, keys: pd.Index) -> pd.DataFrame:
    """name, country, industry, owner_id, last contacted (epoch) and lifecycle stage per key."""
    s = ctx.session
    company_ids = [int(k[3:]) for k in keys if k.startswith("co:")]
    contact_ids = [int(k[3:]) for k in keys if k.startswith("ct:")]
    parts = []
    for chunk in _chunks(company_ids):
        last = (
            sa.select(sa.func.max(epoch(s, Contact.last_contacted_at)))
            .where(Contact.company_id == Company.id)
            .correlate(Company)
            .scalar_subquery()
        )
        q = sa.select(
            Company.id, Company.name, Company.country, Company.industry, Company.owner_id, last
        ).where(Company.id.in_(chunk))
        df = frame(s, q, ["id", "name", "country", "industry", "owner_id", "last_contacted"])
        parts.append(df.assign(customer="co:" + df["id"].astype(str), stage=None))
    for chunk in _chunks(contact_ids):
        q = sa.select(
            Contact.id,
            Contact.first_name,
            Contact.last_name,
            Contact.country,
            Contact.owner_id,
            epoch(s, Contact.last_contacted_at),
            Contact.lifecycle_stage,
        ).where(Contact.id.in_(chunk))
        df = frame(s, q, ["id", "first", "last", "country", "owner_id", "last_contacted", "stage"])
        df["name"] = (df["first"].fillna("") + " " + df["last"].fillna("")).str.strip()
        parts.append(
            df.drop(columns=["first", "last"]).assign(
                customer="ct:" + df["id"].astype(str), industry=None
            )
        )
    columns = ["customer", "name", "country", "industry", "owner_id", "last_contacted", "stage"]
    if not parts:
        return pd.DataFrame(columns=columns).set_index("customer")
    return pd.concat(parts, ignore_index=True)[columns].set_index("customer")


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _load_customers(ctx: Context) -> pd.DataFrame:
    p = purchases(ctx)
    g = p.groupby("customer")
    df = pd.DataFrame(
        {
            "first_purchase": g["at"].min(),
            "last_purchase": g["at"].max(),
            "purchases": g["at"].count(),
            "lifetime_value": g["value"].sum().round(2),
        }
    )
    df = df.join(_attributes(ctx, df.index))
    if ctx.filter.owner_id is not None:
        df = df[df["owner_id"] == ctx.filter.owner_id]
    return df


def customers(ctx: Context) -> pd.DataFrame:
    """One row per customer (index: key) with first/last purchase (epoch), purchases,
    lifetime value, name, country, industry, owner_id, last_contacted, stage."""
    return ctx.frame("customers.all", _load_customers)


# -- health --------------------------------------------------------------------------------------
def _ticket_inputs(ctx: Context) -> tuple[dict[str, dict[str, int]], dict[str, list[int]]]:
    """Open urgent/high tickets per customer, and the last five CSAT scores per customer
    (one scan of the tickets for both)."""
    s = ctx.session
    pressing = sa.and_(
        Ticket.status.not_in(customer360.CLOSED_TICKETS),
        Ticket.priority.in_(("urgent", "high")),
    )
    df = frame(
        s,
        sa.select(
            Ticket.id,
            Ticket.contact_id,
            _company_of(Ticket),
            Ticket.priority,
            sa.case((pressing, 1), else_=0),
            Ticket.csat_score,
            epoch(s, Ticket.csat_at),
        )
        .outerjoin(Contact, Contact.id == Ticket.contact_id)
        .where(sa.or_(pressing, Ticket.csat_score.is_not(None))),
        ["id", "contact_id", "company_id", "priority", "pressing", "score", "at"],
    )
    df["customer"] = customer_key(df["contact_id"], df["company_id"])
    open_tickets: dict[str, dict[str, int]] = {}
    hot = df[df["pressing"] == 1]
    for key, priority in zip(hot["customer"].tolist(), hot["priority"].tolist(), strict=True):
        bucket = open_tickets.setdefault(key, {})
        bucket[priority] = bucket.get(priority, 0) + 1
    # customer-360 order: newest rating first (unrated time last), then the newest ticket
    rated = df[df["score"].notna()].sort_values(["at", "id"], ascending=False, na_position="last")
    csat: dict[str, list[int]] = {}
    for key, score in zip(rated["customer"].tolist(), rated["score"].tolist(), strict=True):
        scores = csat.setdefault(key, [])
        if len(scores) < 5:
            scores.append(int(score))
    return open_tickets, csat


def _open_deal_counts(ctx: Context) -> dict[str, int]:
    company = _company_of(Deal)
    df = frame(
        ctx.session,
        sa.select(Deal.contact_id, company, sa.func.count())
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(Contact, Contact.id == Deal.contact_id)
        .where(~Stage.is_won, ~Stage.is_lost)
        .group_by(Deal.contact_id, company),
        ["contact_id", "company_id", "n"],
    )
    df["customer"] = customer_key(df["contact_id"], df["company_id"])
    return df.groupby("customer")["n"].sum().astype(int).to_dict()


def _order_times(ctx: Context, keys: pd.Index) -> dict[str, list[datetime]]:
    """Each customer's order times, oldest first (customer-360's purchases)."""
    p = purchases(ctx)
    orders = p[p["is_order"] & p["customer"].isin(keys)].sort_values("at")
    by_customer: dict[str, list[datetime]] = {}
    for key, at in zip(orders["customer"], local(orders["at"], "UTC"), strict=True):
        by_customer.setdefault(key, []).append(at.to_pydatetime())
    return by_customer


def _load_health(ctx: Context) -> pd.DataFrame:
    table = customers(ctx)
    columns = ["health", "level", "reasons", "interval"]
    if table.empty:
        return pd.DataFrame(columns=columns, index=table.index)
    by_customer = _order_times(ctx, table.index)
    open_tickets, csat = _ticket_inputs(ctx)
    deals = _open_deal_counts(ctx)
    contacted = local(table["last_contacted"], "UTC")
    rows = []
    for key, last, stage in zip(table.index, contacted, table["stage"], strict=True):
        score, level, reasons, interval = customer360.health(
            now=ctx.now,
            last_contacted_at=None if pd.isna(last) else last.to_pydatetime(),
            purchases=by_customer.get(key, []),
            open_tickets=open_tickets.get(key, {}),
            csat=csat.get(key, []),
            open_deals=deals.get(key, 0),
            stage=stage if isinstance(stage, str) else None,
        )
        rows.append((score, level, reasons, interval))
    return pd.DataFrame(rows, columns=columns, index=table.index)


def health(ctx: Context) -> pd.DataFrame:
    """Per customer: customer-360's health score, level, reasons and usual interval (as of now)."""
    return ctx.frame("customers.health", _load_health)


def _load_purchase_reasons(ctx: Context) -> pd.Series:
    if "customers.health" in ctx.cache:  # already worked out in full
        reasons = health(ctx)["reasons"]
    else:
        # customer-360's purchase rule depends on the orders alone: ask it with nothing else
        keys = customers(ctx).index
        times = _order_times(ctx, keys)
        reasons = pd.Series(
            {
                key: customer360.health(
                    now=ctx.now,
                    last_contacted_at=None,
                    purchases=at,
                    open_tickets={},
                    csat=[],
                    open_deals=0,
                    stage=None,
                )[2]
                for key, at in times.items()
            },
            dtype=object,
        )
    found = {
        key: next((r for r in rs if "interval" in r.values), None)
        for key, rs in reasons.items()
        if isinstance(rs, list)
    }
    return pd.Series({k: r for k, r in found.items() if r is not None}, dtype=object)


def purchase_reasons(ctx: Context) -> pd.Series:
    """Per customer with orders: customer-360's purchase-interval reason (within the usual
    interval, later than it, or overdue ×N), without computing the rest of the health."""
    return ctx.frame("customers.purchase_reasons", _load_purchase_reasons)
