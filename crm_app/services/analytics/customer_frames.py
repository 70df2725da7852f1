"""The frames the customer metrics read: purchases per customer and each customer's health.

A customer is whoever bought: a company when the purchase (or its contact) belongs to one,
else the contact — the same scope as the customer-360 page (a company's figures include its
contacts'). Purchases are customer-360's lifetime-value rows: orders that are not cancelled
(at today's rate) and won deals without an order (at their closing rate), each at its local
date. Health is customer-360's rules applied to all customers at once
(``customer_health``), fed from a few grouped queries.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from crm_app.models import Company, Contact, Deal, Order, Stage

from .. import customer360, money
from .customer_health import CUSTOMER_KEYS, customer_key_sql, health_frame, purchase_reasons_of
from .filters import Context
from .shared import shared_frame
from .sql import epoch, frame, months

PURCHASE_COLUMNS = ["customer", "at", "value", "is_order", "contact_id", "company_id"]  # + month
# a customer's key reads its contact's company (that column's own counter: logging a call
# changes the contact, not its company); values read today's exchange rates
PURCHASE_TABLES = (CUSTOMER_KEYS, "deals", "exchange_rates", "orders", "stages")


def _load_purchases(ctx: Context) -> pd.DataFrame:
    s = ctx.session
    base = ctx.base_currency
    order_rate = customer360._order_rate(s, base)  # the 360 page's conversion of orders
    orders = sa.select(
        customer_key_sql(Order),
        epoch(s, Order.ordered_at),
        Order.total * order_rate,
        sa.true(),
        Order.contact_id,
        Order.company_id,
    ).where(Order.status != "cancelled")
    deals = (
        sa.select(
            customer_key_sql(Deal),
            epoch(s, Deal.closed_at),
            money.deal_value_in_base(s),
            sa.false(),
            Deal.contact_id,
            Deal.company_id,
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(
            Stage.is_won,
            Deal.closed_at.is_not(None),
            ~sa.exists().where(Order.deal_id == Deal.id),
        )
    )
    df = pd.concat(
        [frame(s, orders, PURCHASE_COLUMNS), frame(s, deals, PURCHASE_COLUMNS)], ignore_index=True
    )
    df = df[df["customer"] != ""].copy()
    df["value"] = pd.to_numeric(df["value"]).fillna(0.0)
    df["at"] = pd.to_numeric(df["at"])
    df["is_order"] = df["is_order"].astype(bool)
    df["month"] = months(df["at"], ctx.time_zone)
    return df


def purchases(ctx: Context) -> pd.DataFrame:
    """Every purchase (of the segment's members, with a segment filter) with its customer
    key, time (epoch seconds) and value (base currency)."""

    def narrow(c: Context) -> pd.DataFrame:
        df = all_purchases(c)
        return df if c.members() is None else df[c.scoped(df)]

    return ctx.frame("customers.purchases", narrow)


def all_purchases(ctx: Context) -> pd.DataFrame:
    """Every purchase (no filter); kept between requests until a table it reads changes."""
    return shared_frame(ctx, "customers.purchases", PURCHASE_TABLES, _load_purchases)


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


def _load_totals(ctx: Context) -> pd.DataFrame:
    g = purchases(ctx).groupby("customer")
    return pd.DataFrame(
        {
            "first_purchase": g["at"].min(),
            "last_purchase": g["at"].max(),
            "purchases": g["at"].count(),
            "lifetime_value": g["value"].sum().round(2),
        }
    )


def purchase_totals(ctx: Context) -> pd.DataFrame:
    """Per customer who bought (owner filter not applied): first/last purchase (epoch),
    purchases and lifetime value — the customers table without the record's attributes."""
    return ctx.frame("customers.totals", _load_totals)


def _owned(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    if ctx.filter.owner_id is not None:
        return df[df["owner_id"] == ctx.filter.owner_id]
    return df


def _all_attributes(ctx: Context) -> pd.DataFrame:
    return _attributes(ctx, pd.Index(all_purchases(ctx)["customer"].unique()))


def _load_customers(ctx: Context) -> pd.DataFrame:
    df = purchase_totals(ctx)
    attributes = shared_frame(
        ctx, "customers.attributes", (*PURCHASE_TABLES, "companies", "contacts"), _all_attributes
    )
    return _owned(ctx, df.join(attributes))


def customers(ctx: Context) -> pd.DataFrame:
    """One row per customer (index: key) with first/last purchase (epoch), purchases,
    lifetime value, name, country, industry, owner_id, last_contacted, stage."""
    return ctx.frame("customers.all", _load_customers)


def customers_among(ctx: Context, keys: pd.Index) -> pd.DataFrame:
    """The ``customers`` rows of ``keys`` (under the owner filter), reading only those
    records' attributes unless the whole table is already loaded for this request."""
    if "customers.all" in ctx.cache:
        table = customers(ctx)
        return table[table.index.isin(keys)]
    totals = purchase_totals(ctx)
    totals = totals[totals.index.isin(keys)]
    return _owned(ctx, totals.join(_attributes(ctx, totals.index)))


# -- health --------------------------------------------------------------------------------------
def _load_health(ctx: Context) -> pd.DataFrame:
    return health_frame(ctx, customers(ctx))


def health(ctx: Context) -> pd.DataFrame:
    """Per customer: customer-360's health score, level and usual interval (as of now),
    worked out for all customers at once (``customer_health``)."""
    return ctx.frame("customers.health", _load_health)


def purchase_reasons(ctx: Context) -> pd.Series:
    """Per customer with orders: customer-360's purchase-interval reason (within the usual
    interval, later than it, or overdue ×N), without computing the rest of the health."""
    return ctx.frame(
        "customers.purchase_reasons", lambda c: purchase_reasons_of(c, customers(c).index)
    )
