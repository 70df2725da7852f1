"""Business-hours arithmetic: weekends, evenings, holidays, a time zone with summer time,
and the stored calendar with its form validation."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from crm_app.services import app_settings
from crm_app.services.errors import ValidationError
from crm_app.services.tickets.calendar import (
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
    load_calendar,
    save_calendar,
    validate_calendar,
)

UTC_CAL = BusinessCalendar(time_zone="UTC")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# 2026-11-23 is a Monday.


def test_minutes_inside_one_working_day():
    assert add_business_minutes(UTC_CAL, utc(2026, 11, 23, 10), 90) == utc(2026, 11, 23, 11, 30)


def test_an_evening_start_counts_from_the_next_morning():
    assert add_business_minutes(UTC_CAL, utc(2026, 11, 23, 20), 60) == utc(2026, 11, 24, 10)


def test_a_span_rolls_over_the_evening_into_the_next_day():
    # 16:00 Monday + 2 h: one hour on Monday, one on Tuesday from 09:00
    assert add_business_minutes(UTC_CAL, utc(2026, 11, 23, 16), 120) == utc(2026, 11, 24, 10)


def test_the_weekend_is_skipped():
    # Friday 16:30 + 1 h: 30 min on Friday, 30 min on Monday
    assert add_business_minutes(UTC_CAL, utc(2026, 11, 27, 16, 30), 60) == utc(2026, 11, 30, 9, 30)
    assert add_business_minutes(UTC_CAL, utc(2026, 11, 28, 12), 1) == utc(2026, 11, 30, 9, 1)


def test_a_holiday_is_skipped():
    cal = BusinessCalendar(time_zone="UTC", holidays=frozenset({date(2026, 11, 24)}))
    assert add_business_minutes(cal, utc(2026, 11, 23, 16), 120) == utc(2026, 11, 25, 10)
    assert business_minutes_between(cal, utc(2026, 11, 23, 9), utc(2026, 11, 26, 9)) == 2 * 480


def test_three_business_days_from_wednesday_morning_end_on_friday_evening():
    # 24 h of business time from Wednesday 09:00 ends Friday 17:00
    assert add_business_minutes(UTC_CAL, utc(2026, 11, 25, 9), 24 * 60) == utc(2026, 11, 27, 17)


def test_zero_minutes_is_the_start_itself():
    moment = utc(2026, 11, 28, 3)
    assert add_business_minutes(UTC_CAL, moment, 0) == moment


def test_minutes_between_counts_only_working_time():
    assert business_minutes_between(UTC_CAL, utc(2026, 11, 27, 16), utc(2026, 11, 30, 10)) == 120
    assert business_minutes_between(UTC_CAL, utc(2026, 11, 28), utc(2026, 11, 29, 23)) == 0
    assert business_minutes_between(UTC_CAL, utc(2026, 11, 30, 10), utc(2026, 11, 27)) == 0


def test_between_and_add_agree():
    start = utc(2026, 11, 26, 14, 17)
    for minutes in (1, 59, 480, 1000, 2400, 9999):
        end = add_business_minutes(UTC_CAL, start, minutes)
        assert business_minutes_between(UTC_CAL, start, end) == minutes


def test_hours_are_local_in_a_time_zone_with_summer_time():
    tallinn = BusinessCalendar(time_zone="Europe/Tallinn")
    # Winter (UTC+2): 09:00 local is 07:00 UTC
    assert add_business_minutes(tallinn, utc(2026, 11, 23, 6), 60) == utc(2026, 11, 23, 8)
    # Summer (UTC+3): 09:00 local is 06:00 UTC
    assert add_business_minutes(tallinn, utc(2026, 6, 1, 5), 60) == utc(2026, 6, 1, 7)


def test_a_dst_change_keeps_eight_business_hours_a_day():
    # Europe/Tallinn springs forward on Sunday 2026-03-29: Friday 27th is UTC+2, Monday UTC+3
    tallinn = BusinessCalendar(time_zone="Europe/Tallinn")
    friday_16_local = utc(2026, 3, 27, 14)  # 16:00 at UTC+2
    end = add_business_minutes(tallinn, friday_16_local, 120)
    assert end == utc(2026, 3, 30, 7)  # Monday 10:00 at UTC+3
    assert end.astimezone(tallinn.tz).time() == time(10)
    assert business_minutes_between(tallinn, utc(2026, 3, 27, 7), utc(2026, 3, 30, 14)) == 2 * 480


def test_per_day_hours():
    cal = BusinessCalendar(time_zone="UTC", hours={0: (time(9), time(17)), 4: (time(9), time(13))})
    # Friday 12:00 + 2 h: 1 h Friday, 1 h the next Monday
    assert add_business_minutes(cal, utc(2026, 11, 27, 12), 120) == utc(2026, 11, 30, 10)


def test_the_default_calendar_follows_the_installation_time_zone(session):
    app_settings.put(session, "time_zone", "Asia/Jerusalem", actor_id=None)
    cal = load_calendar(session)
    assert cal.time_zone == "Asia/Jerusalem"
    assert cal.working_days == [0, 1, 2, 3, 4]
    assert cal.hours[0] == (time(9), time(17))


def test_a_saved_calendar_is_read_back(session):
    cal, errors = validate_calendar(
        time_zone="Asia/Yerevan",
        hours={6: ("08:00", "16:00"), 0: ("08:30", "17:30")},
        holidays=["2026-12-31", ""],
    )
    assert errors == {}
    save_calendar(session, cal, actor_id=None)
    back = load_calendar(session)
    assert back.time_zone == "Asia/Yerevan"
    assert back.hours == {6: (time(8), time(16)), 0: (time(8, 30), time(17, 30))}
    assert back.holidays == frozenset({date(2026, 12, 31)})


def test_calendar_form_errors_name_their_fields():
    _cal, errors = validate_calendar(
        time_zone="Mars/Olympus",
        hours={0: ("9", "17:00"), 1: ("17:00", "09:00")},
        holidays=["31.12.2026"],
    )
    assert set(errors) == {"time_zone", "hours.0", "hours.1", "holidays"}
    _cal, errors = validate_calendar(time_zone="UTC", hours={}, holidays=[])
    assert "days" in errors


def test_a_calendar_without_working_days_is_refused(session):
    with pytest.raises(ValidationError):
        save_calendar(session, BusinessCalendar(hours={}), actor_id=None)


def _slow_between(cal: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Day by day, exactly: what the week-counting shortcut must agree with."""
    total = timedelta()
    day = start.astimezone(cal.tz).date() - timedelta(days=1)
    while day <= end.astimezone(cal.tz).date():
        span = cal.span(day)
        day += timedelta(days=1)
        if span is not None and min(span[1], end) > max(span[0], start):
            total += min(span[1], end) - max(span[0], start)
    return int(total.total_seconds() // 60)


def test_long_ranges_count_whole_weeks_exactly():
    rng = random.Random(8)
    cal = BusinessCalendar(
        time_zone="Europe/Tallinn",
        hours={0: (time(9), time(17)), 2: (time(8, 30), time(12)), 5: (time(10), time(14))},
        holidays=frozenset({date(2026, 1, 7), date(2026, 3, 30), date(2027, 1, 4)}),
    )
    for _ in range(40):
        start = utc(2025, 12, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        end = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 500))
        assert business_minutes_between(cal, start, end) == _slow_between(cal, start, end)
