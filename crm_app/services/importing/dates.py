"""Dates in imported columns: how a column writes them, and reading them as aware UTC.

Rules:
- ISO dates (``2026-03-04``, with or without a time after ``T`` or a space, optionally with
  ``Z`` or an offset) read the same whatever else the column holds.
- Other dates are ``dd.mm.yyyy`` / ``dd/mm/yyyy`` / ``dd-mm-yyyy`` (day-first) or
  ``mm/dd/yyyy`` / ``mm-dd-yyyy`` (month-first), optionally with ``HH:MM[:SS]`` and AM/PM.
- A column's order is decided over all its non-blank values. When every value reads both
  ways (no day above 12 anywhere) the column is *ambiguous*: it is reported, never guessed,
  and the import waits until the caller picks ``day-first`` or ``month-first``.
- A time without an offset is in the installation's time zone; values are returned in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

ISO = "iso"
DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
ORDERS = (DAY_FIRST, MONTH_FIRST)

_TIME = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:([ap])\.?m\.?)?)?"
_ISO_RE = re.compile(
    r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + r"\s*(z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)
_LOCAL_RE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})" + _TIME + r"$", re.IGNORECASE)

type Parts = tuple[int, int, int, int, int, int, tzinfo | None]


@dataclass
class DateColumn:
    """How one mapped column writes its dates (``order`` is None when nothing reads)."""

    column: str
    field: str
    order: str | None
    ambiguous: bool
    samples: list[str]
    unreadable: int = 0  # non-blank values the order cannot read (their rows are rejected)


def _clock(hour: str | None, minute: str | None, second: str | None, half: str | None):
    if hour is None:
        return 0, 0, 0
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower() == "p" else 0)
    return h, m, s


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text.lower() == "z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _valid(parts: Parts) -> Parts | None:
    year, month, day, hour, minute, second, tz = parts
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return parts


def readings(text: str) -> dict[str, Parts]:
    """Every way ``text`` reads as a date: {"iso": parts} or some of day-/month-first."""
    text = str(text or "").strip()
    if m := _ISO_RE.match(text):
        clock = _clock(m.group(5), m.group(6), m.group(7), m.group(8))
        if clock is None:
            return {}
        parts = (int(m.group(1)), int(m.group(3)), int(m.group(4)), *clock, _offset(m.group(9)))
        return {ISO: parts} if _valid(parts) else {}
    m = _LOCAL_RE.match(text)
    if not m:
        return {}
    clock = _clock(m.group(5), m.group(6), m.group(7), m.group(8))
    if clock is None:
        return {}
    first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    found: dict[str, Parts] = {}
    if day_first := _valid((year, second, first, *clock, None)):
        found[DAY_FIRST] = day_first
    if month_first := _valid((year, first, second, *clock, None)):
        found[MONTH_FIRST] = month_first
    return found


def detect(values: Iterable[str]) -> tuple[str | None, bool]:
    """(order, ambiguous) of a column from all its non-blank values (see the module rules).

    The order is "iso" when every value is ISO; when neither order reads every value, the
    one that reads more wins (the others are rejected row by row); a tie is ambiguous.
    """
    local = 0
    fits = {DAY_FIRST: 0, MONTH_FIRST: 0}
    any_iso = False
    for value in values:
        if not str(value or "").strip():
            continue
        found = readings(value)
        if ISO in found:
            any_iso = True
            continue
        local += 1
        for order in found:
            fits[order] += 1
    if local == 0:
        return (ISO if any_iso else None), False
    day, month = fits[DAY_FIRST], fits[MONTH_FIRST]
    if day == month:
        return (None, True) if day else ((ISO if any_iso else None), False)
    return (DAY_FIRST if day > month else MONTH_FIRST), False


def parse(text: str, order: str | None, zone: tzinfo) -> datetime | None:
    """The moment ``text`` names, aware in UTC; None when it does not read in ``order``."""
    found = readings(text)
    parts = found.get(ISO) or (found.get(order) if order else None)
    if parts is None:
        return None
    year, month, day, hour, minute, second, offset = parts
    moment = datetime(year, month, day, hour, minute, second, tzinfo=offset or zone)
    return moment.astimezone(UTC)


def parse_day(text: str, order: str | None, zone: tzinfo) -> date | None:
    """The calendar day ``text`` names (as written, or in ``zone`` when it has an offset)."""
    found = readings(text)
    parts = found.get(ISO) or (found.get(order) if order else None)
    if parts is None:
        return None
    year, month, day, hour, minute, second, offset = parts
    if offset is None:
        return date(year, month, day)
    return datetime(year, month, day, hour, minute, second, tzinfo=offset).astimezone(zone).date()
