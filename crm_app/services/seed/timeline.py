"""Time for the seeds: the 18 months of history, business hours in the demo's zone, seasonality."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from faker.decode import unidecode

from .catalog import TIME_ZONE, Country
from .translit import to_latin

HISTORY_DAYS = 548  # about 18 months

# Relative demand per month: busy spring and autumn, a summer dip, a December push.
SEASON = (0.9, 1.0, 1.3, 1.45, 1.3, 0.8, 0.55, 0.75, 1.35, 1.45, 1.2, 1.15)


class Timeline:
    """The period a seed covers. ``now`` is where history ends; nothing happens after it."""

    def __init__(
        self, today: date | None = None, *, tz: str = TIME_ZONE, weekend: tuple[int, ...] = (5, 6)
    ) -> None:
        self.tz = ZoneInfo(tz)
        self.weekend = weekend
        # Deterministic: history ends when ``today`` (default: today in the demo's zone)
        # starts, so the same seed on the same day gives the same data.
        self.today = today or datetime.now(UTC).astimezone(self.tz).date()
        self.now = datetime.combine(self.today, time.min, self.tz).astimezone(UTC)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.days = [self.start.date() + timedelta(days=i) for i in range(HISTORY_DAYS)]

    def is_workday(self, day: date) -> bool:
        return day.weekday() not in self.weekend

    def frac(self, when: datetime) -> float:
        """0 at the start of the history, 1 at its end."""
        return (when - self.start).total_seconds() / (self.now - self.start).total_seconds()

    def local(self, day: date, hour: float) -> datetime:
        """``hour`` o'clock (fractional) on ``day`` in the demo's zone, as aware UTC."""
        minutes = int(hour * 60)
        naive = datetime.combine(day, time(min(minutes // 60, 23), minutes % 60))
        return naive.replace(tzinfo=self.tz).astimezone(UTC)

    def work_time(self, rng: random.Random, day: date, start: float = 8.5, end: float = 17.5):
        return self.local(day, rng.uniform(start, end))

    def seasonal_days(self, rng: random.Random, k: int, growth: float = 0.8) -> list[date]:
        """``k`` working days, more in busy months and more as the business grows."""
        weights = [
            SEASON[d.month - 1]
            * (1 + growth * i / HISTORY_DAYS)
            * (1.0 if self.is_workday(d) else 0.08)
            for i, d in enumerate(self.days)
        ]
        return sorted(rng.choices(self.days, weights=weights, k=k))

    def next_work_time(self, rng: random.Random, when: datetime) -> datetime:
        """The same moment moved into business hours (next working day when needed)."""
        local = when.astimezone(self.tz)
        day = local.date()
        if local.hour >= 17 or not self.is_workday(day):
            day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        moved = self.work_time(rng, day)
        return max(moved, when) if moved.date() == when.date() else moved

    def clamp(self, when: datetime) -> datetime:
        return min(when, self.now - timedelta(minutes=5))


def lognormal_days(rng: random.Random, median: float, sigma: float = 0.7) -> timedelta:
    return timedelta(days=rng.lognormvariate(math.log(median), sigma))


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` (diacritics dropped, scripts spelled out)."""
    words = re.findall(r"[a-z0-9]+", unidecode(to_latin(text)).lower())
    return sep.join(words)


def fill_digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in pattern)


def phone(rng: random.Random, country: Country, *, mobile: bool, city: str | None = None) -> str:
    """A plausible E.164 number for ``country`` (a landline with the city's area code if known)."""
    area = None if mobile else country.area_codes.get(city or "")
    prefix = area or rng.choice(country.mobile if mobile else country.landline)
    digits = country.digits if mobile else country.landline_digits or country.digits
    rest = "".join(str(rng.randint(0, 9)) for _ in range(digits - len(prefix) - 1))
    return country.dial + prefix + str(rng.randint(1, 9)) + rest


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()), k=1)[0]
