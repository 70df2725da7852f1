"""Row builders for the large seed: plain dicts, built from small pools, fast enough for millions.

Times are seconds after the start of the history (floats) until a row is built, so a batch of
50,000 rows costs a few random numbers per row and one datetime per time column.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import catalog, texts
from .lines import LABELS
from .people import make_faker
from .timeline import Timeline, ascii_slug

KINDS = ("note", "call", "email", "meeting")
KIND_WEIGHTS = (25, 40, 25, 10)
CALL_OUTCOMES = tuple(texts.CALL_OUTCOMES)
MEETING_OUTCOMES = tuple(texts.MEETING_OUTCOMES)


@dataclass
class Pools:
    """Names, words and texts to draw from, made once with a seeded Faker."""

    first: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (name, ascii)
    last: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    texts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind -> (subject, body)
    tickets: list[tuple[str, str, str]] = field(default_factory=list)  # category, subject, body


def make_pools(seed: int, rng: random.Random, size: int = 400) -> Pools:
    fake = make_faker(seed)
    pools = Pools()
    for country in catalog.COUNTRIES:
        gen = fake[country.faker_locale]
        firsts = {gen.first_name() for _ in range(size)}
        lasts = {gen.last_name() for _ in range(size)}
        pools.first[country.code] = sorted((n, ascii_slug(n) or "x") for n in firsts)
        pools.last[country.code] = sorted((n, ascii_slug(n) or "x") for n in lasts)
    everything = [
        *texts.DEAL_OPENING.values(),
        *texts.IN_STAGE,
        *texts.RENEWAL_STAGE,
        texts.WON,
        texts.LOST,
        *texts.TOUCHES,
    ]
    for kind in KINDS:
        found = []
        templates = [t for t in everything if t[0] == kind]
        for _ in range(size):
            first = rng.choice(pools.first[rng.choice(list(pools.first))])[0]
            company = rng.choice(catalog.NAME_WORDS) + " " + rng.choice(("Café", "Bistro", "Hotel"))
            machine = rng.choice(list(LABELS.values()))
            ctx = {
                "first": first,
                "company": company,
                "city": rng.choice(rng.choice(catalog.COUNTRIES).cities)[0],
                "machine": machine,
                "deal": f"{company}: {machine}",
                "lines": "machine and grinder",
                "cups": rng.choice((80, 150, 300)),
                "budget": f"{rng.randint(3, 25)},000 EUR",
                "discount": rng.choice((5, 10)),
                "reason": rng.choice(catalog.LOST_REASONS),
                "lost_note": "",
            }
            found.append(texts.pick(rng, rng.choice(templates), **ctx)[1:])
        pools.texts[kind] = found
    for category, _w, subjects, bodies in texts.TICKETS:
        for subject in subjects:
            for body in bodies:
                ctx = {"machine": "espresso machine", "invoice": f"SO-{rng.randint(1000, 9999)}"}
                pools.tickets.append(
                    (category, texts.fill(subject, **ctx), texts.fill(body, **ctx))
                )
    return pools


@dataclass
class World:
    """What later tables need from earlier ones, as parallel lists indexed by position."""

    tl: Timeline
    span: float  # seconds of history
    sales: list[int]
    support: list[int]
    company_ids: list[int] = field(default_factory=list)
    company_owner: list[int] = field(default_factory=list)
    company_country: list[str] = field(default_factory=list)
    company_domain: list[str | None] = field(default_factory=list)
    company_short: list[str] = field(default_factory=list)
    company_at: list[float] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    contact_company: list[int | None] = field(default_factory=list)
    contact_owner: list[int] = field(default_factory=list)
    contact_at: list[float] = field(default_factory=list)
    contact_names: list[tuple[str, str]] = field(default_factory=list)  # ascii first, last
    deal_ids: list[int] = field(default_factory=list)
    deal_contact: list[int] = field(default_factory=list)  # contact position
    deal_at: list[float] = field(default_factory=list)

    def when(self, seconds: float) -> datetime:
        return self.tl.start + timedelta(seconds=seconds)


def company_rows(
    rng: random.Random, w: World, pools: Pools, n: int, taken: set[str]
) -> list[dict[str, Any]]:
    rows = []
    countries = rng.choices(catalog.COUNTRIES, [c.weight for c in catalog.COUNTRIES], k=n)
    industries = rng.choices(catalog.INDUSTRIES, [i.weight for i in catalog.INDUSTRIES], k=n)
    for country, industry in zip(countries, industries, strict=True):
        surname = rng.choice(pools.last[country.code])[0]
        city, region, _postal, _ = rng.choice(country.cities)
        short = rng.choice(catalog.NAME_PATTERNS[industry.key]).format(
            w=rng.choice(catalog.NAME_WORDS), s=surname, c=city
        )
        domain = f"{ascii_slug(short)}.{country.tld}"
        while domain in taken:
            domain = f"{ascii_slug(short)}{rng.randint(2, 999)}.{country.tld}"
        taken.add(domain)
        at = w.span * rng.random() ** 0.8  # more recent than older: growth
        created = w.when(at)
        owner = rng.choice(w.sales)
        rows.append(
            {
                "name": f"{short} {country.legal}",
                "domain": domain,
                "industry": industry.key,
                "employees": max(2, int(rng.lognormvariate(2.5, 0.9))),
                "city": city,
                "region": region,
                "country": country.code,
                "owner_id": owner,
                "custom_fields": {},
                "created_at": created,
                "updated_at": created,
            }
        )
        w.company_owner.append(owner)
        w.company_country.append(country.code)
        w.company_domain.append(domain)
        w.company_short.append(short)
        w.company_at.append(at)
    return rows


def contact_rows(rng: random.Random, w: World, pools: Pools, n: int) -> list[dict[str, Any]]:
    rows = []
    n_companies = len(w.company_ids)
    stages = rng.choices(("lead", "prospect", "customer", "churned"), (45, 30, 20, 5), k=n)
    sources = rng.choices(catalog.SOURCES, catalog.SOURCE_WEIGHTS, k=n)
    for stage, source in zip(stages, sources, strict=True):
        pos = rng.randrange(n_companies) if n_companies and rng.random() < 0.9 else None
        country = w.company_country[pos] if pos is not None else rng.choice(catalog.COUNTRIES).code
        first, first_ascii = rng.choice(pools.first[country])
        last, last_ascii = rng.choice(pools.last[country])
        start = w.company_at[pos] if pos is not None else 0.0
        at = start + (w.span - start) * rng.random() ** 1.5
        owner = w.company_owner[pos] if pos is not None else rng.choice(w.sales)
        consent = rng.random() < 0.8
        created = w.when(at)
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "company_id": w.company_ids[pos] if pos is not None else None,
                "owner_id": owner,
                "lifecycle_stage": stage,
                "source": source,
                "country": country,
                "preferences": {},
                "consent_email": consent,
                "consent_at": created if consent else None,
                "do_not_call": False,
                "custom_fields": {},
                "created_at": created,
                "updated_at": created,
            }
        )
        w.contact_company.append(pos)
        w.contact_owner.append(owner)
        w.contact_at.append(at)
        w.contact_names.append((first_ascii, last_ascii))
    return rows


def email_rows(
    rng: random.Random, w: World, first: int, ids: list[int], taken: set[str]
) -> list[dict[str, Any]]:
    rows = []
    for offset, contact_id in enumerate(ids):
        pos = first + offset
        f, last = w.contact_names[pos]
        company = w.contact_company[pos]
        domain = w.company_domain[company] if company is not None else "gmail.com"
        addresses = [f"{f}.{last}@{domain}"]
        if rng.random() < 0.3:
            addresses.append(f"{f}{last}{rng.randint(1, 99)}@gmail.com")
        for i, address in enumerate(addresses):
            while address in taken:
                local, host = address.split("@")
                address = f"{local}{rng.randint(2, 99)}@{host}"
            taken.add(address)
            rows.append(
                {
                    "contact_id": contact_id,
                    "email": address,
                    "label": "work" if i == 0 and company is not None else "personal",
                    "is_primary": i == 0,
                }
            )
    return rows
