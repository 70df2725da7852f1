"""Locale-aware display of money, numbers, dates and relative times (Babel)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta
from babel.numbers import format_compact_currency, format_currency, format_decimal

from . import clock
from .i18n import N_, gettext, localize_digits

# The locale's own separators (Persian ٬ and ٫); digits are mapped by localize_digits.
NUMBERS = "default"


def _locale(code: str) -> str:
    try:
        Locale.parse(code)
        return code
    except (UnknownLocaleError, ValueError):
        return "en"


def money(amount: float, currency: str, locale: str = "en", *, compact: bool = False) -> str:
    """€12,400 — whole units for amounts ≥ 1,000 (a dashboard does not need cents)."""
    loc = _locale(locale)
    if compact and abs(amount) >= 100_000:
        text = format_compact_currency(
            amount, currency, locale=loc, fraction_digits=1, numbering_system=NUMBERS
        )
    elif abs(amount) < 1000:
        text = format_currency(amount, currency, locale=loc, numbering_system=NUMBERS)
    else:
        whole = Locale.parse(loc).currency_formats["standard"].pattern.replace(".00", "")
        text = format_currency(
            round(amount),
            currency,
            format=whole,
            locale=loc,
            currency_digits=False,
            numbering_system=NUMBERS,
        )
    return localize_digits(text, loc)


def number(value: float, locale: str = "en") -> str:
    return localize_digits(
        format_decimal(value, locale=_locale(locale), numbering_system=NUMBERS), locale
    )


def when(moment: datetime, tz_name: str, locale: str = "en") -> str:
    """Exact local date and time, e.g. "3 Mar 2026, 14:05" (shown on hover)."""
    text = format_datetime(moment.astimezone(clock.zone(tz_name)), "medium", locale=_locale(locale))
    return localize_digits(text, locale)


def day(moment: datetime, tz_name: str, locale: str = "en") -> str:
    """A date the way the locale writes it, e.g. "3 Mar 2026" (the user's local day)."""
    local = moment.astimezone(clock.zone(tz_name))
    return localize_digits(format_date(local.date(), "medium", locale=_locale(locale)), locale)


def month(key: str, locale: str = "en", *, full: bool = False) -> str:
    """A "YYYY-MM" month the way the locale says it: "Mar 2026" ("March 2026" with ``full``);
    anything else is returned as it is."""
    try:
        first = date(int(key[:4]), int(key[5:7]), 1)
    except (ValueError, TypeError):
        return str(key)
    skeleton = "yMMMM" if full else "yMMM"
    return localize_digits(format_skeleton(skeleton, first, locale=_locale(locale)), locale)


def ago(moment: datetime, locale: str = "en", now: datetime | None = None) -> str:
    """Relative time: "2 days ago", "in 3 hours"."""
    now = now or datetime.now(UTC)
    delta = moment - now
    if abs(delta.total_seconds()) < 60:
        return gettext(N_("just now"), locale)
    text = format_timedelta(delta, add_direction=True, locale=_locale(locale), threshold=1.0)
    return localize_digits(text, locale)


def duration(delta: timedelta, locale: str = "en") -> str:
    """A length of time without a direction: "3 hours", "2 days"."""
    text = format_timedelta(delta, locale=_locale(locale), threshold=1.0)
    return localize_digits(text, locale)
