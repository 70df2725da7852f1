"""Drill-down: the records behind one bar or slice, under the same filter (at most ``LIMIT``).

Each function takes what was clicked (a stage, a month, an owner, a reason, a band…) and
returns rows ``{"id", "name", "detail", "value", "link"}``, most valuable or newest first;
the charts' frames and these lists use the same loaders, so a bar and its list agree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import Deal, Stage, Ticket

from .. import money
from .customer_frames import customers as customer_table
from .customers import current, rfm
from .filters import Context
from .sales import closed_deals, deal_scope
from .service import tickets_frame
from .sql import months

LIMIT = 100
DEAL_FILTERS = ("month", "owner_id", "source", "lost_reason", "won")
CUSTOMER_FILTERS = ("first_month", "country", "industry", "segment", "low", "high")
TICKET_FILTERS = ("month", "channel", "category", "assignee_id")


def _deal_rows(ctx: Context, ids: list[int], values: dict[int, float]) -> list[dict[str, Any]]:
    if not ids:
        return []
    q = (
        sa.select(Deal.id, Deal.title, Stage.name)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.id.in_(ids))
    )
    names = {int(i): (str(t), str(s)) for i, t, s in ctx.session.execute(q).all()}
    return [
        {
            "id": i,
            "name": names[i][0],
            "detail": names[i][1],
            "value": float(values.get(i, 0.0)),
            "link": f"/deals/{i}",
        }
        for i in ids
        if i in names
    ]


def closed_deals_matching(ctx: Context, **wanted: Any) -> list[dict[str, Any]]:
    """Closed deals of the range with the clicked ``month``, ``owner_id`` (-1: none),
    ``source`` ("" for none), ``lost_reason`` ("" for none) or ``won`` flag."""
    df = closed_deals(ctx)
    keep = pd.Series(True, index=df.index)
    for key, value in wanted.items():
        if key not in DEAL_FILTERS or value is None:
            continue
        column = df[key]
        if key == "owner_id":
            column = column.fillna(-1).astype(int)
        elif key in ("source", "lost_reason"):
            column = column.fillna("")
        keep &= column == value
    hit = df[keep].nlargest(LIMIT, "value")
    return _deal_rows(
        ctx, [int(i) for i in hit["id"]], dict(zip(hit["id"], hit["value"], strict=True))
    )


def open_deals_in_stage(ctx: Context, stage_id: int) -> list[dict[str, Any]]:
    value = money.deal_value_in_base(ctx.session)
    rows = ctx.session.execute(
        sa.select(Deal.id, value)
        .where(Deal.stage_id == stage_id, *deal_scope(ctx))
        .order_by(value.desc(), Deal.id)
        .limit(LIMIT)
    ).all()
    return _deal_rows(ctx, [int(i) for i, _ in rows], {int(i): float(v or 0) for i, v in rows})


def customers_matching(ctx: Context, **wanted: Any) -> list[dict[str, Any]]:
    """Customers with the clicked ``first_month`` (new that month), ``country``, ``industry``,
    RFM ``segment``, or lifetime value in [``low``, ``high``]."""
    table = current(ctx) if "first_month" not in wanted else customer_table(ctx)
    keep = pd.Series(True, index=table.index)
    if wanted.get("first_month"):
        keep &= months(table["first_purchase"], ctx.time_zone) == wanted["first_month"]
    for key in ("country", "industry"):
        if key in wanted and wanted[key] is not None:
            keep &= table[key].fillna("") == wanted[key]
    if wanted.get("segment"):
        segments = rfm(ctx)["segment"].reindex(table.index)
        keep &= segments == wanted["segment"]
    if wanted.get("low") is not None and wanted.get("high") is not None:
        ltv = table["lifetime_value"]
        keep &= (ltv >= float(wanted["low"])) & (ltv <= float(wanted["high"]))
    hit = table[keep].nlargest(LIMIT, "lifetime_value")
    return [
        {
            "id": int(str(key)[3:]),
            "name": str(row["name"]),
            "detail": str(row["country"] or ""),
            "value": float(row["lifetime_value"]),
            "link": ("/companies/" if str(key).startswith("co:") else "/contacts/") + str(key)[3:],
        }
        for key, row in hit.iterrows()
    ]


def tickets_matching(ctx: Context, **wanted: Any) -> list[dict[str, Any]]:
    """Tickets of the range with the clicked ``month``, ``channel``, ``category`` ("" for
    none) or ``assignee_id`` (-1: unassigned), newest first."""
    df = tickets_frame(ctx)
    keep = pd.Series(True, index=df.index)
    for key, value in wanted.items():
        if key not in TICKET_FILTERS or value is None:
            continue
        column = df[key]
        if key == "assignee_id":
            column = column.fillna(-1).astype(int)
        elif key in ("channel", "category"):
            column = column.fillna("")
        keep &= column == value
    hit = df[keep].nlargest(LIMIT, "created")
    ids = [int(i) for i in hit["id"]]
    if not ids:
        return []
    q = sa.select(Ticket.id, Ticket.subject, Ticket.status).where(Ticket.id.in_(ids))
    names = {int(i): (str(s), str(st)) for i, s, st in ctx.session.execute(q).all()}
    return [
        {
            "id": i,
            "name": names[i][0],
            "detail": names[i][1],
            "value": None,
            "link": f"/tickets/{i}",
        }
        for i in ids
        if i in names
    ]
