"""The numbers ``rapport report`` prints and the dashboards show, with the issue's keys.

Money is rounded to cents, fractions to 4 places, hours and days to 2; a figure that cannot be
computed (nothing to average) is None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from . import customers, sales, service
from .filters import AnalyticsFilter, Context, context
from .sql import rounded

KINDS = ("sales", "customers", "service")


def sales_report(ctx: Context) -> dict[str, Any]:
    return {
        "deals_won": sales.deals_won(ctx),
        "deals_lost": sales.deals_lost(ctx),
        "win_rate": rounded(sales.win_rate(ctx), 4),
        "won_value": rounded(sales.won_value(ctx)),
        "open_pipeline_value": rounded(sales.open_pipeline_value(ctx)),
        "weighted_pipeline_value": rounded(sales.weighted_pipeline_value(ctx)),
        "average_won_value": rounded(sales.average_won_value(ctx)),
        "average_cycle_days": rounded(sales.average_cycle_days(ctx)),
        "sales_velocity": rounded(sales.sales_velocity(ctx)),
    }


def customers_report(ctx: Context) -> dict[str, Any]:
    return {
        "customers": customers.customer_count(ctx),
        "new_customers": customers.new_customers(ctx),
        "average_lifetime_value": rounded(customers.average_lifetime_value(ctx)),
        "at_risk_customers": customers.at_risk_customers(ctx),
    }


def service_report(ctx: Context) -> dict[str, Any]:
    return {
        "tickets": service.ticket_count(ctx),
        "median_first_response_hours": rounded(service.median_first_response_hours(ctx)),
        "median_resolution_hours": rounded(service.median_resolution_hours(ctx)),
        "p90_resolution_hours": rounded(service.p90_resolution_hours(ctx)),
        "sla_attainment": rounded(service.sla_attainment(ctx), 4),
        "csat_average": rounded(service.csat_average(ctx)),
        "csat_responses": service.csat_responses(ctx),
    }


REPORTS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "sales": sales_report,
    "customers": customers_report,
    "service": service_report,
}


def report(
    session: Session, kind: str, f: AnalyticsFilter | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """One report ("sales", "customers" or "service") for the filter."""
    if kind not in REPORTS:
        raise ValueError(f"kind must be one of {KINDS}")
    return REPORTS[kind](context(session, f, now=now))
