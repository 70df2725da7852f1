"""A market: where the demo business sells, in what currency and time zone, and who works there.

``rapport seed --locale`` picks one (see ``markets.get``): the English demo sells around the
Baltic Sea in euros; the Estonian, Hebrew, Persian and Armenian ones sell at home.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from . import catalog
from .catalog import Country
from .timeline import ascii_slug

# (name, e-mail local part, role, time zone, territory: country codes or region names)
UserSpec = tuple[str, str, str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Market:
    locale: str
    currency: str  # the base currency: product prices and reports
    time_zone: str
    countries: tuple[Country, ...]
    users: tuple[UserSpec, ...]
    rates: dict[str, float]  # units of the base currency for one unit of another
    scale: float = 1.0  # the base currency's units for one euro (prices are set in euros)
    foreign: tuple[str, ...] = ("USD", "GBP")  # currencies of chains that buy centrally
    foreign_share: float = 0.08
    weekend: tuple[int, ...] = (5, 6)  # date.weekday() of the days off
    # Support person (e-mail local part) by the customer's city or country.
    support_home: dict[str, str] = field(default_factory=dict)

    def price(self, eur: float) -> float:
        """A price list entry in the base currency: euros times ``scale``, rounded nicely."""
        if self.scale == 1:
            return eur
        return nice(eur * self.scale)


def nice(value: float) -> float:
    """``value`` rounded to a price one would print: 13 800, 5 150, 1 450 000, 95."""
    if value < 10:
        return round(value, 1)
    step = 5 * 10 ** (math.floor(math.log10(value)) - 2)
    return float(max(1, round(value / step)) * step) if step >= 1 else float(round(value))


def user_email(local: str) -> str:
    return f"{local}@{catalog.DEMO_DOMAIN}"


def company_name(
    rng: random.Random, country: Country, industry: str, surname: str, city: str, taken: set[str]
) -> tuple[str, str]:
    """A company name not in ``taken`` (then added to it), and its Latin form for the domain."""
    short = latin = ""
    for _ in range(20):
        short, latin = _name(rng, country, industry, surname, city)
        if short not in taken:
            break
    if short in taken:
        short, latin = f"{short} {city}", f"{latin} {ascii_slug(city)}"
    taken.add(short)
    return short, latin


def _name(
    rng: random.Random, country: Country, industry: str, surname: str, city: str
) -> tuple[str, str]:
    """A company name in the country's own language (or English), and its Latin form."""
    if country.naming is None:
        pattern = rng.choice(catalog.NAME_PATTERNS[industry])
        short = pattern.format(w=rng.choice(catalog.NAME_WORDS), s=surname, c=city)
        return short, short
    native, latin = rng.choice(country.naming.patterns[industry])
    word, word_latin = rng.choice(country.naming.words)
    short = native.format(w=word, s=surname, c=city)
    return short, latin.format(w=word_latin, s=ascii_slug(surname), c=ascii_slug(city, " "))


EN = Market(
    locale="en",
    currency=catalog.BASE_CURRENCY,
    time_zone=catalog.TIME_ZONE,
    countries=catalog.COUNTRIES,
    users=catalog.USERS,
    rates=catalog.EXCHANGE_RATES,
    support_home={
        "EE": "kadri",
        "FI": "kadri",
        "LT": "tomas",
        "DE": "tomas",
        "LV": "ieva",
        "SE": "ieva",
    },
)
