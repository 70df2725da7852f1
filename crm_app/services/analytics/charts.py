"""Every dashboard chart's data by a stable key, and its CSV download.

The dashboards draw these frames and the CSV button writes the same frame, so a download
always holds exactly what the chart shows under the current filters.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..cells import neutralize_row
from . import customers, funnel, sales, service
from .filters import Context

CHARTS: dict[str, Callable[[Context], pd.DataFrame]] = {
    # sales
    "pipeline_by_stage": funnel.pipeline_by_stage,
    "funnel": funnel.funnel,
    "win_rate_by_month": sales.win_rate_by_month,
    "win_rate_by_owner": sales.leaderboard,
    "win_rate_by_source": sales.win_rate_by_source,
    "forecast": funnel.forecast_by_month,
    "lost_reasons": sales.lost_reasons,
    # customers
    "new_customers": customers.new_customers_by_month,
    "lifetime_value": customers.lifetime_value_histogram,
    "top_customers": customers.top_customers,
    "cohorts": lambda ctx: customers.cohort_retention(ctx).reset_index(),
    "rfm": customers.rfm_segments,
    "unlikely": lambda ctx: customers.unlikely_to_buy_again(ctx).assign(
        reason=lambda d: d["reason"].map(lambda r: r.message.format(**r.values))
    ),
    "by_country": lambda ctx: customers.breakdown(ctx, "country"),
    "by_industry": lambda ctx: customers.breakdown(ctx, "industry"),
    # service
    "tickets_by_channel": service.volume_by_month,
    "tickets_by_category": lambda ctx: service.volume_by_month(ctx, "category"),
    "service_times": service.times_by_month,
    "sla": service.sla_by_month,
    "agents": service.agent_performance,
}


def chart_frame(ctx: Context, key: str) -> pd.DataFrame:
    if key not in CHARTS:
        raise KeyError(key)
    return CHARTS[key](ctx)


def write_csv(frame: pd.DataFrame, path: Path) -> int:
    """The frame as UTF-8 CSV (formula-like text neutralised); returns the rows written."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            writer.writerow(neutralize_row([None if _missing(v) else v for v in row]))
    return len(frame)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
