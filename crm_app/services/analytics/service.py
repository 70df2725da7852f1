"""Service metrics from the ticket columns alone (created, first response, resolved, SLA due
times, the breach flag, CSAT).

Definitions (tickets created in the range, unless said otherwise):
    tickets                      tickets created in the range
    first response hours         created → first response, calendar hours, over answered ones
    resolution hours             created → resolved, calendar hours, over resolved ones
                                 (median and 90th percentile)
    SLA attainment               over tickets with both due times that were resolved in the
                                 range or breached in it (the breach moment: the first-response
                                 due time when that was missed, else the resolution due time):
                                 the share with first response ≤ its due time and resolution
                                 ≤ its due time; a ticket flagged ``sla_breached`` never meets it
    CSAT average / responses     mean score and count over the range's tickets with a score
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from crm_app.models import Ticket

from .filters import Context
from .sales import owner_names
from .shared import shared_frame
from .sql import epoch, frame, months

TICKET_COLUMNS = [
    "id",
    "channel",
    "category",
    "assignee_id",
    "contact_id",
    "company_id",
    "created",
    "first_response",
    "resolved",
    "csat",
    "has_sla",
    "breached",
    "breach_at",
    "met",
]
TABLES = ("tickets",)


def ticket_scope(ctx: Context) -> list[Any]:
    conds: list[Any] = []
    if ctx.filter.owner_id is not None:
        conds.append(Ticket.assignee_id == ctx.filter.owner_id)
    return conds + ctx.segment_scope(Ticket)


def _breach_at() -> Any:
    """When the SLA broke: the first-response due time if that was missed, else resolution's."""
    missed_first = sa.or_(
        Ticket.first_response_at.is_(None),
        Ticket.first_response_at > Ticket.first_response_due_at,
    )
    return sa.case((missed_first, Ticket.first_response_due_at), else_=Ticket.resolution_due_at)


def _load_all(ctx: Context) -> pd.DataFrame:
    s = ctx.session
    # each timestamp converted once (epoch seconds, millisecond precision); the durations are
    # the same float arithmetic in pandas
    met = sa.and_(
        ~Ticket.sla_breached,
        Ticket.first_response_at <= Ticket.first_response_due_at,
        Ticket.resolved_at <= Ticket.resolution_due_at,
    )
    has_sla = sa.and_(
        Ticket.first_response_due_at.is_not(None), Ticket.resolution_due_at.is_not(None)
    )
    q = sa.select(
        Ticket.id,
        Ticket.channel,
        Ticket.category,
        Ticket.assignee_id,
        Ticket.contact_id,
        Ticket.company_id,
        epoch(s, Ticket.created_at),
        epoch(s, Ticket.first_response_at),
        epoch(s, Ticket.resolved_at),
        Ticket.csat_score,
        sa.case((has_sla, 1), else_=0),
        Ticket.sla_breached,
        sa.case((has_sla, epoch(s, _breach_at())), else_=None),
        sa.case((met, 1), else_=0),
    )
    df = frame(s, q, TICKET_COLUMNS)
    for c in ("created", "first_response", "resolved", "csat", "breach_at"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    for c in ("has_sla", "breached", "met"):
        df[c] = df[c].fillna(0).astype(bool)
    df["first_response_hours"] = (df["first_response"] - df["created"]) / 3600.0
    df["resolution_hours"] = (df["resolved"] - df["created"]) / 3600.0
    df["counted_at"] = df["resolved"].fillna(df["breach_at"])
    df["month"] = months(df["created"], ctx.time_zone)
    return df


def all_tickets(ctx: Context) -> pd.DataFrame:
    """Every ticket (no filter) with its times as epoch seconds, durations in hours, local
    created month and SLA columns; kept between requests until the tickets change."""
    return shared_frame(ctx, "service.tickets", TABLES, _load_all)


def tickets_frame(ctx: Context) -> pd.DataFrame:
    """Tickets created in the range (assignee and segment filters) with their local month
    and durations in hours."""

    def narrow(c: Context) -> pd.DataFrame:
        df = all_tickets(c)
        return df[c.within(df["created"]) & c.scoped(df, owner="assignee_id")]

    return ctx.frame("service.tickets", narrow)


def sla_frame(ctx: Context) -> pd.DataFrame:
    """The tickets SLA attainment counts (both due times set; resolved in the range, or
    breached in it): ``counted_at`` (resolved, else breached; epoch) and ``met``."""

    def narrow(c: Context) -> pd.DataFrame:
        df = all_tickets(c)
        counted = (df["resolved"].notna() & c.within(df["resolved"])) | (
            df["breached"] & c.within(df["breach_at"])
        )
        return df[df["has_sla"] & counted & c.scoped(df, owner="assignee_id")]

    return ctx.frame("service.sla", narrow)


def _quantile(values: pd.Series, q: float) -> float | None:
    values = values.dropna()
    return float(np.quantile(values, q)) if len(values) else None


def ticket_count(ctx: Context) -> int:
    return len(tickets_frame(ctx))


def median_first_response_hours(ctx: Context) -> float | None:
    return _quantile(tickets_frame(ctx)["first_response_hours"], 0.5)


def median_resolution_hours(ctx: Context) -> float | None:
    return _quantile(tickets_frame(ctx)["resolution_hours"], 0.5)


def p90_resolution_hours(ctx: Context) -> float | None:
    return _quantile(tickets_frame(ctx)["resolution_hours"], 0.9)


def p90_first_response_hours(ctx: Context) -> float | None:
    return _quantile(tickets_frame(ctx)["first_response_hours"], 0.9)


def sla_attainment(ctx: Context) -> float | None:
    df = sla_frame(ctx)
    return float(df["met"].mean()) if len(df) else None


def csat_average(ctx: Context) -> float | None:
    scores = tickets_frame(ctx)["csat"].dropna()
    return float(scores.mean()) if len(scores) else None


def csat_responses(ctx: Context) -> int:
    return int(tickets_frame(ctx)["csat"].notna().sum())


# -- breakdowns ----------------------------------------------------------------------------------
def volume_by_month(ctx: Context, by: str = "channel") -> pd.DataFrame:
    """Tickets per local created month and ``channel`` or ``category`` ("" when unset)."""
    df = tickets_frame(ctx)
    keyed = df.assign(**{by: df[by].fillna("")})
    out = keyed.groupby(["month", by]).size().reset_index(name="tickets")
    return out.sort_values(["month", by], ignore_index=True)


def times_by_month(ctx: Context) -> pd.DataFrame:
    """Per month: first-response and resolution hours (median and p90), CSAT average and count."""
    df = tickets_frame(ctx)
    g = df.groupby("month")
    out = pd.DataFrame(
        {
            "tickets": g.size(),
            "first_response_median": g["first_response_hours"].median(),
            "first_response_p90": g["first_response_hours"].quantile(0.9),
            "resolution_median": g["resolution_hours"].median(),
            "resolution_p90": g["resolution_hours"].quantile(0.9),
            "csat_average": g["csat"].mean(),
            "csat_responses": g["csat"].count(),
        }
    )
    return out.reset_index().sort_values("month", ignore_index=True)


def sla_by_month(ctx: Context) -> pd.DataFrame:
    df = sla_frame(ctx)
    keyed = df.assign(month=months(df["counted_at"], ctx.time_zone))
    out = keyed.groupby("month").agg(tickets=("id", "count"), attainment=("met", "mean"))
    return out.reset_index()


def agent_performance(ctx: Context) -> pd.DataFrame:
    """Per assignee (-1: unassigned): tickets, resolved, median first-response and resolution
    hours, SLA attainment and CSAT average; most tickets first."""
    df = tickets_frame(ctx).assign(assignee_id=lambda d: d["assignee_id"].fillna(-1).astype(int))
    g = df.groupby("assignee_id")
    out = pd.DataFrame(
        {
            "tickets": g.size(),
            "resolved": g["resolution_hours"].count(),
            "first_response_median": g["first_response_hours"].median(),
            "resolution_median": g["resolution_hours"].median(),
            "csat_average": g["csat"].mean(),
        }
    )
    sla = sla_frame(ctx)
    sla = sla.assign(assignee_id=sla["assignee_id"].fillna(-1).astype(int))
    out["sla_attainment"] = sla.groupby("assignee_id")["met"].mean()
    out = out.reset_index()
    names = owner_names(ctx, list(out["assignee_id"]))
    out["agent"] = out["assignee_id"].map(lambda i: names.get(int(i), ""))
    return out.sort_values("tickets", ascending=False, ignore_index=True)
