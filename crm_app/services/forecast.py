"""Forecast: expected revenue per month next to won revenue, overall, by pipeline or by owner.

Expected: open deals by the month of their expected close, value × their stage's win
probability, at today's rate to the base currency. Won: won deals by the month they closed
(in the installation's time zone), at the rate snapshotted when they closed. Deals in a
currency without a rate count 0 (as everywhere, see ``money.rate_expr``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, Pipeline, Stage, User, utcnow

from . import app_settings, clock, money

GROUPS = ("pipeline", "owner")


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _group_of(by: str | None, pipeline_id: int, owner_id: int | None) -> int | None:
    if by == "pipeline":
        return pipeline_id
    if by == "owner":
        return owner_id
    return None


def forecast(
    session: Session,
    *,
    start: date | None = None,
    months: int = 12,
    by: str | None = None,
    pipeline_id: int | None = None,
    owner_id: int | None = None,
    time_zone: str | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """One row per month (and per pipeline or owner with ``by``), oldest first::

        {"month": "2026-03", "group_id": 2, "group_name": "Renewals", "expected": 1234.5,
         "won": 800.0, "open_deals": 3, "won_deals": 1}

    ``start`` is the first month (default: this month in ``time_zone``, default the
    installation's); amounts are in the base currency, rounded to cents. With ``by`` only
    groups with at least one deal in the period appear (each with every month).
    """
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS}")
    tz_name = time_zone or app_settings.get(session, "time_zone")
    first = (start or clock.local_today(tz_name, now)).replace(day=1)
    end = add_months(first, max(1, months))
    keys = [month_key(add_months(first, i)) for i in range(max(1, months))]
    value = Deal.value * money.rate_expr(session)
    filters = []
    if pipeline_id is not None:
        filters.append(Deal.pipeline_id == pipeline_id)
    if owner_id is not None:
        filters.append(Deal.owner_id == owner_id)
    cells: dict[tuple[str, int | None], list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    expected = session.execute(
        sa.select(
            Deal.expected_close,
            Deal.pipeline_id,
            Deal.owner_id,
            sa.func.count(Deal.id),
            sa.func.sum(value * Stage.probability / 100.0),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(
            ~Stage.is_won,
            ~Stage.is_lost,
            Deal.expected_close >= first,
            Deal.expected_close < end,
            *filters,
        )
        .group_by(Deal.expected_close, Deal.pipeline_id, Deal.owner_id)
    ).all()
    for day, pid, oid, n, amount in expected:
        cell = cells[(month_key(day), _group_of(by, pid, oid))]
        cell[0] += float(amount or 0)
        cell[2] += int(n)
    tz = clock.zone(tz_name)
    since = datetime.combine(first, time.min, tz).astimezone(UTC)
    until = datetime.combine(end, time.min, tz).astimezone(UTC)
    won = session.execute(
        sa.select(Deal.closed_at, Deal.pipeline_id, Deal.owner_id, value)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Stage.is_won, Deal.closed_at >= since, Deal.closed_at < until, *filters)
    ).all()
    for closed_at, pid, oid, amount in won:
        cell = cells[(month_key(closed_at.astimezone(tz).date()), _group_of(by, pid, oid))]
        cell[1] += float(amount or 0)
        cell[3] += 1
    groups = sorted({g for _, g in cells}, key=lambda g: (g is None, g)) if by else [None]
    names = _names(session, by, [g for g in groups if g is not None])
    rows = []
    for key in keys:
        for group in groups:
            exp, won_value, n_open, n_won = cells.get((key, group), [0.0, 0.0, 0, 0])
            rows.append(
                {
                    "month": key,
                    "group_id": group,
                    "group_name": names.get(group, "") if group is not None else "",
                    "expected": round(exp, 2),
                    "won": round(won_value, 2),
                    "open_deals": int(n_open),
                    "won_deals": int(n_won),
                }
            )
    return rows


def _names(session: Session, by: str | None, ids: list[int]) -> dict[int, str]:
    if not ids or by is None:
        return {}
    model = Pipeline if by == "pipeline" else User
    q = sa.select(model.id, model.name).where(model.id.in_(ids))  # type: ignore[attr-defined]
    return {int(i): str(n) for i, n in session.execute(q).all()}


def totals(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The period's sums of ``forecast`` rows: expected and won revenue, open and won deals."""
    return {
        "expected": round(sum(r["expected"] for r in rows), 2),
        "won": round(sum(r["won"] for r in rows), 2),
        "open_deals": sum(r["open_deals"] for r in rows),
        "won_deals": sum(r["won_deals"] for r in rows),
    }


def this_month_start(session: Session, now: datetime | None = None) -> date:
    return clock.local_today(app_settings.get(session, "time_zone"), now or utcnow()).replace(day=1)
