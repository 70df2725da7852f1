"""The demo business: 18 months of Kestrel Coffee Co., a small coffee-equipment seller.

The English demo sells around the Baltic Sea; the other locales get a local market (Estonia,
Israel, Iran, Armenia: see ``markets``) with its names, cities, phones, currency and time zone.

Everything is planned in memory first (so lifecycle stages and "last contacted" agree with the
deals, orders and activities planned later), then written table by table with
``writes.create_many``: one audit entry per record. Same seed and same ``today``, same data.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from crm_app import settings as env
from crm_app.models import CompanyTag, ContactTag, Setting
from crm_app.services import i18n

from .. import app_settings, stats
from . import (
    activities,
    automation_rules,
    deals,
    foundation,
    local_names,
    markets,
    orders,
    people,
    support,
    tasks,
)
from .foundation import write_all
from .marketing import seed_marketing
from .timeline import Timeline


def _setting(session: Session, counts: Counter[str], key: str, value: Any) -> None:
    if session.get(Setting, key) is None:
        counts["settings"] += 1
    app_settings.put(session, key, value, actor_id=None)


def _tag(
    rng: random.Random,
    tl: Timeline,
    companies: list[people.CompanyPlan],
    contacts: list[people.ContactPlan],
    deal_plans: list[deals.DealPlan],
    tickets: list[support.TicketPlan],
    scale: float = 1.0,
) -> None:
    recent = tl.now - timedelta(days=120)
    for ticket in tickets:  # unhappy customers
        t = ticket.obj
        if ticket.company and t.csat_score and t.csat_score <= 2 and t.created_at > recent:
            ticket.company.tags.add("At risk")
    for deal in deal_plans:  # renewals that slip
        if deal.kind == "renewal" and deal.outcome == "open" and deal.obj.expected_close:
            if deal.obj.expected_close < tl.today:
                deal.company.tags.add("At risk")
    for company in companies:
        if company.churned:
            company.tags.discard("At risk")
    won: Counter[int] = Counter()
    for deal in deal_plans:
        if deal.outcome == "won":
            won[id(deal.company)] += deal.obj.value * (deal.obj.exchange_rate or 1.0)
    ranked = sorted((c for c in companies if won[id(c)]), key=lambda c: -won[id(c)])
    for rank, company in enumerate(ranked):
        if rank < 12:
            company.tags.add("Key account")
        if won[id(company)] >= 15000 * scale:
            company.tags.add("VIP")
            company.contacts[0].tags.add("VIP")
        if company.industry.key == "Café" and rng.random() < 0.7:
            company.tags.add("Espresso bar")
        if company.industry.key == "Retail" and company.orders:
            company.tags.add("Wholesale")
    for company in companies:
        if company.contacts[0].obj.source == "partner":
            company.tags.add("Partner")
    for person in contacts:
        if person.obj.consent_email and rng.random() < 0.35:
            person.tags.add("Newsletter")
        if person.obj.source == "trade show" and person.obj.created_at.year == tl.today.year:
            person.tags.add("Event {year}")


def _write_people(
    session: Session, counts: Counter[str], contacts: list[people.ContactPlan]
) -> None:
    for person in contacts:
        person.obj.company_id = person.company.obj.id if person.company else None
    write_all(session, counts, [p.obj for p in contacts])
    for person in contacts:
        for row in [*person.emails, *person.phones]:
            row.contact_id = person.obj.id or 0
    write_all(session, counts, [e for p in contacts for e in p.emails])
    write_all(session, counts, [ph for p in contacts for ph in p.phones])


def _write_tags(
    session: Session,
    counts: Counter[str],
    tags: dict[str, Any],
    companies: list[people.CompanyPlan],
    contacts: list[people.ContactPlan],
) -> None:
    company_tags = [
        CompanyTag(company_id=c.obj.id or 0, tag_id=tags[name].id)
        for c in companies
        for name in sorted(c.tags)
    ]
    contact_tags = [
        ContactTag(contact_id=p.obj.id or 0, tag_id=tags[name].id)
        for p in contacts
        for name in sorted(p.tags)
    ]
    write_all(session, counts, company_tags)
    write_all(session, counts, contact_tags)


def seed_demo(
    session: Session, *, seed: int = 42, locale: str = "en", today: date | None = None
) -> dict[str, int]:
    """Write the demo business ending at ``today`` (default: today in the demo's time zone) and commit.

    ``locale`` is the interface language of the demo users and picks the market: et, he, fa and
    hy sell at home (local names, cities, phones, currency, time zone), anything else is the
    English Baltic demo. Returns the rows written per table (audit entries not included).
    """
    market = markets.get(locale)
    tl = Timeline(today, tz=market.time_zone, weekend=market.weekend)
    rng = random.Random(seed)
    fake = people.make_faker(seed, market=market)
    counts: Counter[str] = Counter()
    _setting(session, counts, "time_zone", market.time_zone)
    _setting(session, counts, "base_currency", market.currency)
    _setting(session, counts, "default_locale", i18n.normalize(locale))
    found = foundation.ensure_all(session, counts, when=tl.start, locale=locale, market=market)
    tags = foundation.ensure_tags(session, counts, when=tl.start, year=tl.today.year)

    companies = people.plan_companies(rng, fake, tl, found)
    write_all(session, counts, [c.obj for c in companies])
    contacts = people.plan_contacts(rng, fake, tl, found, companies)
    deal_plans = deals.plan_deals(rng, tl, found, companies)
    order_plans = orders.plan_orders(rng, tl, found, deal_plans)
    tickets = support.plan_tickets(rng, tl, found, companies, contacts, deal_plans)
    acts = activities.plan_activities(rng, tl, contacts, deal_plans, tickets)
    todo = tasks.plan_tasks(rng, tl, found, deal_plans, tickets)
    people.settle_lifecycle(companies, contacts)
    _tag(rng, tl, companies, contacts, deal_plans, tickets, market.scale)

    _write_people(session, counts, contacts)
    deals.write_deals(session, counts, deal_plans)
    orders.write_orders(session, counts, order_plans)
    support.write_tickets(session, counts, tickets)
    activities.write_activities(session, counts, acts)
    tasks.write_tasks(session, counts, todo)
    _write_tags(session, counts, tags, companies, contacts)
    local_names.localize(session, i18n.normalize(locale))
    seed_marketing(session, counts, now=tl.now, locale=i18n.normalize(locale), seed=seed)
    _setting(session, counts, "demo_loaded", True)
    session.commit()
    # after the history has committed, so that the history fires none of them
    counts["automation_rules"] += automation_rules.seed_rules(session)
    session.commit()
    return dict(sorted(counts.items()))


def load_demo_if_empty(session: Session, *, seed: int = 42) -> bool:
    """Load the demo on a database without business data, unless ``RAPPORT_DEMO=0``."""
    if not env.demo_enabled() or stats.has_business_data(session):
        return False
    seed_demo(session, seed=seed)
    return True
