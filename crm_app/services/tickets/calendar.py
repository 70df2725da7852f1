"""The business calendar SLA targets are measured in: working weekdays, opening hours per
day, holidays, in one time zone.

Rules:
- stored in app settings under ``service_calendar``; until saved it is Monday–Friday
  09:00–17:00 with no holidays, in the installation time zone (app setting ``time_zone``);
- each working day has one span [start, end) of local wall-clock time; the span is turned
  into UTC for that very date, so a day on which clocks change still counts its opening
  hours right (09:00–17:00 is 8 business hours on a DST day too);
- a holiday is a local date on which nothing counts, whatever its weekday;
- arithmetic is done on aware datetimes and returns UTC; minutes are whole minutes
  (``business_minutes_between`` rounds down);
- a calendar must have at least one working day (``validate_calendar``), otherwise no due
  time could ever be reached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from .. import app_settings
from ..clock import zone
from ..errors import ValidationError
from ..i18n import N_

SETTING_KEY = "service_calendar"
WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)  # Monday = 0, as date.weekday()
DEFAULT_START, DEFAULT_END = time(9), time(17)
MAX_SCAN_DAYS = 3 * 366  # a due time further than this is a calendar mistake, not a target


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str = "UTC"
    # weekday -> (start, end) local time; a weekday missing here is not a working day
    hours: Mapping[int, tuple[time, time]] = field(
        default_factory=lambda: {d: (DEFAULT_START, DEFAULT_END) for d in range(5)}
    )
    holidays: frozenset[date] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.time_zone)

    @property
    def working_days(self) -> list[int]:
        return sorted(self.hours)

    def span(self, day: date) -> tuple[datetime, datetime] | None:
        """The working span of a local date in UTC, or None on a day off."""
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        start, end = self.hours[day.weekday()]
        if end <= start:
            return None
        tz = self.tz
        return (
            datetime.combine(day, start, tz).astimezone(UTC),
            datetime.combine(day, end, tz).astimezone(UTC),
        )

    def to_setting(self) -> dict[str, Any]:
        return {
            "time_zone": self.time_zone,
            "hours": {
                str(d): [s.strftime("%H:%M"), e.strftime("%H:%M")]
                for d, (s, e) in sorted(self.hours.items())
            },
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _hm(raw: str) -> time | None:
    try:
        hh, mm = str(raw).strip().split(":")
        return time(int(hh), int(mm))
    except ValueError:
        return None


def from_setting(value: Mapping[str, Any] | None, installation_zone: str) -> BusinessCalendar:
    """A calendar from its stored form; anything unreadable falls back to the default."""
    if not value:
        return BusinessCalendar(time_zone=installation_zone)
    hours: dict[int, tuple[time, time]] = {}
    for key, pair in dict(value.get("hours") or {}).items():
        try:
            day = int(key)
            start, end = _hm(pair[0]), _hm(pair[1])
        except (ValueError, TypeError, IndexError):
            continue
        if day in WEEKDAYS and start and end and start < end:
            hours[day] = (start, end)
    holidays = set()
    for raw in value.get("holidays") or []:
        try:
            holidays.add(date.fromisoformat(str(raw)))
        except ValueError:
            continue
    if not hours:
        return BusinessCalendar(time_zone=value.get("time_zone") or installation_zone)
    return BusinessCalendar(
        time_zone=value.get("time_zone") or installation_zone,
        hours=hours,
        holidays=frozenset(holidays),
    )


_last_loaded: list[BusinessCalendar] = []


def load_calendar(session: Session) -> BusinessCalendar:
    """The installation's business calendar (see the module rules for the default)."""
    cal = from_setting(
        app_settings.get(session, SETTING_KEY), app_settings.get(session, "time_zone") or "UTC"
    )
    _last_loaded[:] = [cal]
    return cal


def last_loaded() -> BusinessCalendar:
    """The calendar this process read last (the default before any read): for display code
    that has no session at hand. Writes always load the calendar afresh."""
    return _last_loaded[0] if _last_loaded else BusinessCalendar()


def validate_calendar(
    *,
    time_zone: str,
    hours: Mapping[int, tuple[str, str]],
    holidays: list[str],
) -> tuple[BusinessCalendar, dict[str, str]]:
    """Check form values: hours as "HH:MM" per working weekday, holidays as ISO dates.

    Errors are keyed ``hours.<weekday>``, ``holidays``, ``time_zone`` and ``days``.
    """
    errors: dict[str, str] = {}
    if time_zone and not app_settings.valid_time_zone(time_zone):
        errors["time_zone"] = N_("Choose a time zone from the list.")
    parsed: dict[int, tuple[time, time]] = {}
    for day, (raw_start, raw_end) in hours.items():
        start, end = _hm(raw_start), _hm(raw_end)
        if start is None or end is None:
            errors[f"hours.{day}"] = N_("Enter the hours as HH:MM, like 09:00.")
        elif end <= start:
            errors[f"hours.{day}"] = N_("The day must end after it starts.")
        else:
            parsed[int(day)] = (start, end)
    if not hours:
        errors["days"] = N_("Choose at least one working day.")
    days: set[date] = set()
    for raw in holidays:
        text = str(raw).strip()
        if not text:
            continue
        try:
            days.add(date.fromisoformat(text))
        except ValueError:
            errors["holidays"] = N_("Enter each holiday as a date like 2026-12-24.")
            break
    cal = BusinessCalendar(time_zone=time_zone or "UTC", hours=parsed, holidays=frozenset(days))
    return cal, errors


def save_calendar(session: Session, cal: BusinessCalendar, *, actor_id: int | None) -> None:
    """Store the calendar (audited). Due times already computed are not moved."""
    if not cal.hours:
        raise ValidationError({"days": N_("Choose at least one working day.")})
    app_settings.put(session, SETTING_KEY, cal.to_setting(), actor_id=actor_id)
    _last_loaded[:] = [cal]


def _spans_from(cal: BusinessCalendar, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working spans (UTC) that end after ``moment``, in order, clipped to start at it."""
    day = moment.astimezone(cal.tz).date() - timedelta(days=1)  # a span may cross midnight UTC
    for _ in range(MAX_SCAN_DAYS):
        span = cal.span(day)
        day += timedelta(days=1)
        if span is None or span[1] <= moment:
            continue
        yield max(span[0], moment), span[1]
    raise ValueError("the business calendar has no working time ahead")


def add_business_minutes(cal: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` business minutes after ``start`` (UTC). Zero or less: ``start``
    itself, even outside working hours."""
    moment = aware(start).astimezone(UTC)
    if minutes <= 0:
        return moment
    left = timedelta(minutes=minutes)
    for begin, end in _spans_from(cal, moment):
        if end - begin >= left:
            return begin + left
        left -= end - begin
    raise AssertionError("unreachable")  # _spans_from raises first


def _day_minutes(cal: BusinessCalendar, day: date, *, holidays: bool = True) -> int:
    """A whole working day's minutes in wall-clock time (0 on a day off)."""
    if (holidays and day in cal.holidays) or day.weekday() not in cal.hours:
        return 0
    start, end = cal.hours[day.weekday()]
    return max(0, (end.hour - start.hour) * 60 + end.minute - start.minute)


def _whole_days_minutes(cal: BusinessCalendar, first: date, last: date) -> int:
    """Business minutes of the whole local days ``first``..``last`` (inclusive), counted by
    weeks: long spans (a ticket overdue for a year) cost as little as short ones."""
    if last < first:
        return 0
    days = (last - first).days + 1
    week = sum(_day_minutes(cal, first + timedelta(i), holidays=False) for i in range(7))
    total = (days // 7) * week
    for i in range(days - days % 7, days):
        total += _day_minutes(cal, first + timedelta(i))
    for holiday in cal.holidays:  # the weeks above counted holidays as working days
        if first <= holiday <= first + timedelta(days - days % 7 - 1):
            total -= _day_minutes(cal, holiday, holidays=False)
    return total


def business_minutes_between(cal: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Whole business minutes from ``start`` to ``end`` (0 when ``end`` is not later).

    The first and last local days are measured exactly; the whole days between them by their
    wall-clock opening hours (a clock change inside opening hours is not seen there).
    """
    begin, finish = aware(start).astimezone(UTC), aware(end).astimezone(UTC)
    if finish <= begin:
        return 0
    tz = cal.tz
    first, last = begin.astimezone(tz).date(), finish.astimezone(tz).date()
    exact_days = {first - timedelta(days=1), first, last}
    if (last - first).days <= 7:
        exact_days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    total = timedelta()
    for day in sorted(exact_days):
        span = cal.span(day)
        if span is None:
            continue
        lo, hi = max(span[0], begin), min(span[1], finish)
        if hi > lo:
            total += hi - lo
    minutes = int(total.total_seconds() // 60)
    if (last - first).days > 7:
        minutes += _whole_days_minutes(cal, first + timedelta(days=1), last - timedelta(days=1))
    return minutes
