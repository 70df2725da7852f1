"""Currency conversion to the installation's base currency."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, ExchangeRate

from . import app_settings


def base_currency(session: Session) -> str:
    return str(app_settings.get(session, "base_currency") or "EUR")


def rate_expr(session: Session) -> sa.ColumnElement[float]:
    """SQL for a deal's rate to the base currency: its snapshot when closed, else today's table.

    A currency missing from the table counts at 1.0 only when it is the base currency;
    otherwise the deal contributes nothing rather than a wrong amount.
    """
    base = base_currency(session)
    table_rate = (
        sa.select(ExchangeRate.rate)
        .where(ExchangeRate.currency == Deal.currency)
        .correlate(Deal)
        .scalar_subquery()
    )
    return sa.func.coalesce(
        Deal.exchange_rate,
        sa.case((Deal.currency == base, 1.0), else_=table_rate),
        0.0,
    )


def deal_value_in_base(session: Session) -> sa.ColumnElement[float]:
    return Deal.value * rate_expr(session)
