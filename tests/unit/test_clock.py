"""The user's day and month as UTC ranges, across time zones, DST and year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm_app.services import clock


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "now", "start", "end"),
    [
        ("UTC", utc(2026, 3, 10, 12), utc(2026, 3, 10), utc(2026, 3, 11)),
        # 23:30 UTC is already tomorrow in Tallinn (UTC+2 in winter)
        ("Europe/Tallinn", utc(2026, 3, 10, 23, 30), utc(2026, 3, 10, 22), utc(2026, 3, 11, 22)),
        # 05:00 UTC is still yesterday evening in Los Angeles (PDT, UTC-7, since 8 March)
        ("America/Los_Angeles", utc(2026, 3, 10, 5), utc(2026, 3, 9, 7), utc(2026, 3, 10, 7)),
        ("Asia/Kolkata", utc(2026, 6, 1, 20), utc(2026, 6, 1, 18, 30), utc(2026, 6, 2, 18, 30)),
        ("Pacific/Kiritimati", utc(2026, 6, 1, 11), utc(2026, 6, 1, 10), utc(2026, 6, 2, 10)),
    ],
)
def test_day_range(tz, now, start, end):
    assert clock.day_range(tz, now=now) == (start, end)


def test_day_range_on_dst_days_is_23_or_25_hours_long():
    # Tallinn springs forward on 29 March 2026 (EET+2 → EEST+3) and falls back on 25 October
    spring = clock.day_range("Europe/Tallinn", now=utc(2026, 3, 29, 12))
    autumn = clock.day_range("Europe/Tallinn", now=utc(2026, 10, 25, 12))
    assert spring == (utc(2026, 3, 28, 22), utc(2026, 3, 29, 21))
    assert autumn == (utc(2026, 10, 24, 21), utc(2026, 10, 25, 22))
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_day_range_when_midnight_does_not_exist():
    # Chile skips 00:00–01:00 on 6 September 2026: the day starts at the transition instant
    start, end = clock.day_range("America/Santiago", now=utc(2026, 9, 6, 12))
    assert (start, end) == (utc(2026, 9, 6, 4), utc(2026, 9, 7, 3))


def test_ranges_are_aware_utc():
    for start, end in (clock.day_range("Asia/Tokyo"), clock.month_range("Asia/Tokyo")):
        assert start.tzinfo is UTC and end.tzinfo is UTC
        assert start < end


def test_default_now_is_the_current_moment():
    now = datetime.now(UTC)
    start, end = clock.day_range("Europe/Tallinn")
    assert start <= now < end + timedelta(seconds=5)
    start, end = clock.month_range("America/New_York")
    assert start <= now < end + timedelta(seconds=5)


@pytest.mark.parametrize(
    ("tz", "now", "start", "end"),
    [
        ("UTC", utc(2026, 12, 31, 23, 30), utc(2026, 12, 1), utc(2027, 1, 1)),
        # the same instant is already January 2027 in Tallinn
        ("Europe/Tallinn", utc(2026, 12, 31, 23, 30), utc(2026, 12, 31, 22), utc(2027, 1, 31, 22)),
        # and still December in New York (EST, UTC-5) at 03:00 UTC on 1 January
        ("America/New_York", utc(2027, 1, 1, 3), utc(2026, 12, 1, 5), utc(2027, 1, 1, 5)),
        # a deal closed at 2026-11-30 22:30 UTC belongs to December in Tallinn
        ("Europe/Tallinn", utc(2026, 11, 30, 22, 30), utc(2026, 11, 30, 22), utc(2026, 12, 31, 22)),
        ("UTC", utc(2026, 11, 30, 22, 30), utc(2026, 11, 1), utc(2026, 12, 1)),
        # March in Tallinn starts in winter time and ends in summer time
        ("Europe/Tallinn", utc(2026, 3, 15), utc(2026, 2, 28, 22), utc(2026, 3, 31, 21)),
        ("Europe/Tallinn", utc(2026, 10, 15), utc(2026, 9, 30, 21), utc(2026, 10, 31, 22)),
        # February of a leap year, and of a common year
        ("UTC", utc(2028, 2, 10), utc(2028, 2, 1), utc(2028, 3, 1)),
        ("UTC", utc(2026, 2, 28, 23, 59), utc(2026, 2, 1), utc(2026, 3, 1)),
        # months of 31 days: the "day 28 + 4" rollover must land in the next month
        ("UTC", utc(2026, 1, 31, 12), utc(2026, 1, 1), utc(2026, 2, 1)),
        ("UTC", utc(2026, 8, 31, 12), utc(2026, 8, 1), utc(2026, 9, 1)),
    ],
)
def test_month_range(tz, now, start, end):
    assert clock.month_range(tz, now=now) == (start, end)


def test_a_late_november_utc_instant_is_in_tallinn_december():
    closed = utc(2026, 11, 30, 22, 30)
    start, end = clock.month_range("Europe/Tallinn", now=utc(2026, 12, 15))
    assert start <= closed < end
    start, end = clock.month_range("UTC", now=utc(2026, 12, 15))
    assert not start <= closed < end


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "", None, "../../etc/passwd", "UTC+2"])
def test_invalid_zone_falls_back_to_utc(bad):
    now = utc(2026, 5, 31, 23, 30)
    assert clock.zone(bad).key == "UTC"
    assert clock.day_range(bad, now=now) == (utc(2026, 5, 31), utc(2026, 6, 1))
    assert clock.month_range(bad, now=now) == (utc(2026, 5, 1), utc(2026, 6, 1))
    assert clock.local_today(bad, now=now) == date(2026, 5, 31)


def test_local_today():
    now = utc(2026, 5, 31, 23, 30)
    assert clock.local_today("Europe/Tallinn", now=now) == date(2026, 6, 1)
    assert clock.local_today("America/Los_Angeles", now=now) == date(2026, 5, 31)
    assert clock.local_today("Pacific/Pago_Pago", now=utc(2026, 6, 1, 5)) == date(2026, 5, 31)
