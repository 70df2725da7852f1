"""Drill-down: the records behind one bar or slice, under the same filter, a page at a time.

Each ``*_matching`` function takes what was clicked (a stage, a month, an owner, a reason, a
band…) and returns a :class:`DrillPage`: the total and one page of rows ``{"id", "name",
"detail", "state", "value", "created", "link"}`` (``state``: a deal's won/lost/open, a
ticket's status), most valuable or newest first. The charts' frames and
these lists use the same loaders, so a bar and its list agree. ``page_size=None`` asks for the
whole list (the CSV), still bounded by ``EXPORT_LIMIT``.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import Deal, Stage, Ticket

from .. import money
from ..cells import neutralize_row
from ..query_paging import Page
from .customer_frames import customers as customer_table
from .customers import current, rfm
from .filters import Context
from .sales import closed_deals, deal_scope
from .service import tickets_frame
from .sql import months

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one CSV; the frames behind the charts are bounded the same way
_CHUNK = 500  # ids per IN (...) when names are looked up
DEAL_FILTERS = ("month", "owner_id", "source", "lost_reason", "won")
CUSTOMER_FILTERS = ("first_month", "country", "industry", "segment", "low", "high")
TICKET_FILTERS = ("month", "channel", "category", "assignee_id")
# which list each clickable chart opens: open deals of a stage, closed deals, customers, tickets
CHART_KINDS = {
    "pipeline_by_stage": "stage",
    "win_rate_by_month": "deal",
    "win_rate_by_owner": "deal",
    "win_rate_by_source": "deal",
    "lost_reasons": "deal",
    "new_customers": "customer",
    "lifetime_value": "customer",
    "rfm": "customer",
    "by_country": "customer",
    "by_industry": "customer",
    "tickets_by_channel": "ticket",
    "tickets_by_category": "ticket",
}
KIND_KEYS = {
    "stage": ("stage_id",),
    "deal": DEAL_FILTERS,
    "customer": CUSTOMER_FILTERS,
    "ticket": TICKET_FILTERS,
}


DrillPage = Page[dict[str, Any]]  # the record lists' page: rows, total, page, page size


def _window(total: int, page: int, page_size: int | None) -> tuple[int, int, int, int]:
    """(page, size, start, stop): the page clamped to the ones there are."""
    size = EXPORT_LIMIT if page_size is None else max(1, min(int(page_size), EXPORT_LIMIT))
    last = max(1, -(-total // size))
    page = min(max(1, int(page)), last)
    start = (page - 1) * size
    return page, size, start, min(total, start + size)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _deal_rows(ctx: Context, ids: list[int], values: dict[int, float]) -> list[dict[str, Any]]:
    names: dict[int, tuple[str, str, str]] = {}
    for part in _chunks(ids):
        q = (
            sa.select(Deal.id, Deal.title, Stage.name, Stage.is_won, Stage.is_lost)
            .join(Stage, Stage.id == Deal.stage_id)
            .where(Deal.id.in_(part))
        )
        names |= {
            int(i): (str(t), str(s), "won" if won else "lost" if lost else "open")
            for i, t, s, won, lost in ctx.session.execute(q).all()
        }
    return [
        {
            "id": i,
            "name": names[i][0],
            "detail": names[i][1],
            "state": names[i][2],
            "value": float(values.get(i) or 0.0),
            "created": None,
            "link": f"/deals/{i}",
        }
        for i in ids
        if i in names
    ]


def closed_deals_matching(
    ctx: Context, *, page: int = 1, page_size: int | None = PAGE_SIZE, **wanted: Any
) -> DrillPage:
    """Closed deals of the range with the clicked ``month``, ``owner_id`` (-1: none),
    ``source`` ("" for none), ``lost_reason`` ("" for none) or ``won`` flag; most valuable
    first."""
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
    hit = df[keep].assign(v=lambda d: d["value"].fillna(0.0))
    hit = hit.sort_values(["v", "id"], ascending=[False, True])
    page, size, start, stop = _window(len(hit), page, page_size)
    part = hit.iloc[start:stop]
    rows = _deal_rows(
        ctx, [int(i) for i in part["id"]], dict(zip(part["id"], part["v"], strict=True))
    )
    return DrillPage(rows, len(hit), page, size)


def open_deals_in_stage(
    ctx: Context, stage_id: int, *, page: int = 1, page_size: int | None = PAGE_SIZE
) -> DrillPage:
    """Open deals in the stage as of now (pipeline, owner and segment filters apply), most
    valuable first."""
    value = money.deal_value_in_base(ctx.session)
    where = [Deal.stage_id == stage_id, *deal_scope(ctx)]
    total = int(ctx.session.execute(sa.select(sa.func.count(Deal.id)).where(*where)).scalar() or 0)
    page, size, start, stop = _window(total, page, page_size)
    rows = ctx.session.execute(
        sa.select(Deal.id, value)
        .where(*where)
        .order_by(sa.func.coalesce(value, 0.0).desc(), Deal.id)
        .offset(start)
        .limit(stop - start)
    ).all()
    found = _deal_rows(ctx, [int(i) for i, _ in rows], {int(i): float(v or 0) for i, v in rows})
    return DrillPage(found, total, page, size)


def customers_matching(
    ctx: Context, *, page: int = 1, page_size: int | None = PAGE_SIZE, **wanted: Any
) -> DrillPage:
    """Customers with the clicked ``first_month`` (new that month), ``country``, ``industry``,
    RFM ``segment``, or lifetime value in [``low``, ``high``]; most valuable first."""
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
    hit = table[keep].sort_index().sort_values("lifetime_value", ascending=False, kind="stable")
    page, size, start, stop = _window(len(hit), page, page_size)
    rows = [
        {
            "id": int(str(key)[3:]),
            "name": str(row["name"]),
            "detail": str(row["country"] or ""),
            "state": "",
            "value": float(row["lifetime_value"]),
            "created": None,
            "link": ("/companies/" if str(key).startswith("co:") else "/contacts/") + str(key)[3:],
        }
        for key, row in hit.iloc[start:stop].iterrows()
    ]
    return DrillPage(rows, len(hit), page, size)


def tickets_matching(
    ctx: Context, *, page: int = 1, page_size: int | None = PAGE_SIZE, **wanted: Any
) -> DrillPage:
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
    hit = df[keep].sort_values(["created", "id"], ascending=[False, False])
    page, size, start, stop = _window(len(hit), page, page_size)
    part = hit.iloc[start:stop]
    ids = [int(i) for i in part["id"]]
    created = dict(zip(ids, part["created"], strict=True))
    names: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        q = sa.select(Ticket.id, Ticket.subject, Ticket.status).where(Ticket.id.in_(chunk))
        names |= {int(i): (str(s), str(st)) for i, s, st in ctx.session.execute(q).all()}
    rows = [
        {
            "id": i,
            "name": names[i][0],
            "detail": names[i][1],
            "state": names[i][1],
            "value": None,
            "created": _moment(created.get(i)),
            "link": f"/tickets/{i}",
        }
        for i in ids
        if i in names
    ]
    return DrillPage(rows, len(hit), page, size)


def _moment(epoch: Any) -> datetime | None:
    return None if epoch is None or pd.isna(epoch) else datetime.fromtimestamp(float(epoch), UTC)


def records(
    ctx: Context,
    chart: str,
    criteria: dict[str, Any],
    *,
    page: int = 1,
    page_size: int | None = PAGE_SIZE,
) -> DrillPage:
    """The list behind a click on ``chart`` (a key of ``CHART_KINDS``) with its criteria."""
    kind = CHART_KINDS[chart]
    wanted = {k: v for k, v in criteria.items() if k in KIND_KEYS[kind]}
    if kind == "stage":
        return open_deals_in_stage(ctx, int(wanted["stage_id"]), page=page, page_size=page_size)
    find = {"deal": closed_deals_matching, "customer": customers_matching}.get(
        kind, tickets_matching
    )
    return find(ctx, page=page, page_size=page_size, **wanted)


CSV_COLUMNS = {
    "stage": ("id", "deal", "stage", "value", "link"),
    "deal": ("id", "deal", "stage", "value", "link"),
    "customer": ("id", "customer", "country", "lifetime_value", "link"),
    "ticket": ("id", "subject", "status", "created", "link"),
}


def write_csv(rows: list[dict[str, Any]], kind: str, path: Path) -> int:
    """The whole list as UTF-8 CSV (formula-like text neutralised); returns the rows written."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS[kind])
        for r in rows:
            last = r["created"].isoformat() if kind == "ticket" and r["created"] else r["value"]
            writer.writerow(neutralize_row([r["id"], r["name"], r["detail"], last, r["link"]]))
    return len(rows)
