"""The user's "today" and "this month" as UTC ranges, from their time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(tz_name: str | None, now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    return now.astimezone(zone(tz_name)).date()


def day_range(tz_name: str | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the user's current day, in UTC."""
    tz = zone(tz_name)
    today = local_today(tz_name, now)
    start = datetime.combine(today, time.min, tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def month_range(tz_name: str | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the user's current calendar month, in UTC."""
    tz = zone(tz_name)
    today = local_today(tz_name, now)
    start = datetime.combine(today.replace(day=1), time.min, tz)
    nxt = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = datetime.combine(nxt, time.min, tz)
    return start.astimezone(UTC), end.astimezone(UTC)
