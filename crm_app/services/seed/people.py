"""The demo's customers: companies in the market's countries (see ``market``), and their people."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from faker import Faker

from crm_app.models import Company, Contact, ContactEmail, ContactPhone, LifecycleStage

from . import catalog
from .catalog import Country, Industry
from .foundation import Foundation
from .market import EN, Market, company_name
from .timeline import Timeline, ascii_slug, fill_digits, lognormal_days, phone
from .translit import persian_letters

N_COMPANIES = 300
N_CONTACTS = 1500
N_AT_COMPANIES = 1300  # the rest are people on their own: food trucks, caterers, baristas
IMPORTED_SHARE = 0.15  # companies typed in from the old spreadsheet in the first days
# Names of one language for every contact (``plan_contacts(names=...)``); the demo does not.
NAME_LOCALES = {"et": "et_EE", "he": "he_IL", "fa": "fa_IR", "hy": "hy_AM"}
INDEPENDENT_TITLES = ("Food truck owner", "Event caterer", "Freelance barista", "Consultant")


@dataclass(eq=False)
class CompanyPlan:
    obj: Company
    industry: Industry
    country: Country
    short: str
    contacts: list[ContactPlan] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    wins: list[datetime] = field(default_factory=list)  # won deals' close times
    orders: list[datetime] = field(default_factory=list)  # every order's time
    lost_renewals: list[datetime] = field(default_factory=list)
    has_deal: bool = False
    churned: bool = False


@dataclass(eq=False)
class ContactPlan:
    obj: Contact
    company: CompanyPlan | None
    country: Country
    emails: list[ContactEmail] = field(default_factory=list)
    phones: list[ContactPhone] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    wins: int = 0
    has_deal: bool = False
    churned: bool = False
    last_touch: datetime | None = None

    @property
    def name(self) -> str:
        return f"{self.obj.first_name} {self.obj.last_name}"


def make_faker(seed: int, locale: str = "en", market: Market = EN) -> Faker:
    locales = list(dict.fromkeys(c.faker_locale for c in market.countries))
    names = NAME_LOCALES.get(locale)
    if names and names not in locales:
        locales.append(names)
    fake = Faker(locales)
    fake.seed_instance(seed)
    return fake


def _pick[T](rng: random.Random, items: tuple[T, ...], weights: list[float]) -> T:
    return rng.choices(items, weights=weights, k=1)[0]


def plan_companies(
    rng: random.Random, fake: Faker, tl: Timeline, f: Foundation
) -> list[CompanyPlan]:
    imported = int(N_COMPANIES * IMPORTED_SHARE)
    start = tl.days[0]
    days = [start + timedelta(days=rng.randint(0, 3)) for _ in range(imported)]
    days += tl.seasonal_days(rng, N_COMPANIES - imported, growth=1.2)
    sales = f.role("sales") or f.users
    countries = f.market.countries
    names: set[str] = set()
    domains: set[str] = set()
    plans = []
    for day in days:
        industry = _pick(rng, catalog.INDUSTRIES, [i.weight for i in catalog.INDUSTRIES])
        country = _pick(rng, countries, [c.weight for c in countries])
        city, region, postal, _w = _pick(rng, country.cities, [c[3] for c in country.cities])
        surname = persian_letters(fake[country.faker_locale].last_name_male())
        short, latin = company_name(rng, country, industry.key, surname, city, names)
        domain = None
        if rng.random() < 0.88:
            domain = f"{ascii_slug(latin)}.{country.tld}"
            if domain in domains:
                domain = f"{ascii_slug(latin)}{ascii_slug(city)}.{country.tld}"
            domains.add(domain)
        employees = max(2, round(rng.lognormvariate(math.log(industry.median_employees), 0.6)))
        when = tl.work_time(rng, day)
        owner = f.territory_owner(country.code, region, city) or rng.choice(sales)
        company = Company(
            name=country.name_format.format(short=short, legal=country.legal),
            domain=domain,
            industry=industry.key,
            employees=employees,
            annual_revenue=(
                round(employees * rng.uniform(45, 110) * f.market.scale) * 1000.0
                if rng.random() < 0.7
                else None
            ),
            phone=phone(rng, country, mobile=False, city=city),
            street=country.street_format.format(
                street=rng.choice(country.streets), n=rng.randint(1, 80)
            ),
            city=city,
            region=region,
            postal_code=fill_digits(rng, postal),
            country=country.code,
            owner_id=owner.id,
            created_at=when,
            updated_at=when,
        )
        plans.append(CompanyPlan(company, industry, country, short))
    return plans


def _person(rng: random.Random, fake: Faker, country: Country, names: str | None):
    gen = fake[names or country.faker_locale]
    female = rng.random() < 0.5
    first = gen.first_name_female() if female else gen.first_name_male()
    last = gen.last_name_female() if female else gen.last_name_male()
    return persian_letters(first), persian_letters(last)


def _emails(
    rng: random.Random, cp: ContactPlan, domain: str | None, taken: set[str]
) -> list[ContactEmail]:
    first = ascii_slug(cp.obj.first_name) or "info"
    last = ascii_slug(cp.obj.last_name) or "contact"
    found = []
    if domain:
        local = rng.choices([f"{first}.{last}", first, f"{first[0]}{last}"], [6, 3, 1])[0]
        found.append((f"{local}@{domain}", "work"))
    if not domain or rng.random() < 0.3:
        provider = rng.choice(cp.country.mail or catalog.PERSONAL_MAIL[cp.country.code])
        local = rng.choice(
            [f"{first}.{last}", f"{first}{last}", f"{first}.{last}{rng.randint(1, 99)}"]
        )
        found.append((f"{local}@{provider}", "personal"))
    result = []
    for address, label in found:
        while address in taken:
            local, host = address.split("@")
            address = f"{local}{rng.randint(2, 9)}@{host}"
        taken.add(address)
        result.append(ContactEmail(contact_id=0, email=address, label=label, is_primary=not result))
    return result


def _phones(rng: random.Random, cp: ContactPlan) -> list[ContactPhone]:
    n = rng.choices((0, 1, 2), (25, 55, 20))[0]
    return [
        ContactPhone(
            contact_id=0,
            phone=phone(rng, cp.country, mobile=i == 0, city=cp.obj.city),
            label="mobile" if i == 0 else "work",
            is_primary=i == 0,
        )
        for i in range(n)
    ]


def _contact(
    rng: random.Random,
    fake: Faker,
    tl: Timeline,
    *,
    company: CompanyPlan | None,
    country: Country,
    when: datetime,
    title: str,
    source: str,
    owner_id: int | None,
    taken: set[str],
    names: str | None = None,
) -> ContactPlan:
    first, last = _person(rng, fake, country, names)
    consent = rng.random() < 0.82
    contact = Contact(
        first_name=first,
        last_name=last,
        title=title,
        owner_id=owner_id,
        lifecycle_stage=LifecycleStage.LEAD.value,
        source=source,
        city=company.obj.city if company else rng.choice(country.cities)[0],
        country=country.code,
        preferences={
            "language": country.language,
            "channel": rng.choices(["email", "phone"], [3, 1])[0],
        },
        consent_email=consent,
        consent_at=when if consent else None,
        do_not_call=rng.random() < 0.03,
        created_at=when,
        updated_at=when,
    )
    cp = ContactPlan(contact, company, country)
    cp.emails = _emails(rng, cp, company.obj.domain if company else None, taken)
    cp.phones = _phones(rng, cp)
    return cp


def plan_contacts(
    rng: random.Random,
    fake: Faker,
    tl: Timeline,
    f: Foundation,
    companies: list[CompanyPlan],
    names: str | None = None,
) -> list[ContactPlan]:
    taken: set[str] = set()
    contacts: list[ContactPlan] = []
    weights = list(catalog.SOURCE_WEIGHTS)
    # Everyone has one contact; the others go to bigger kinds of business (hotels, offices).
    extras = Counter(
        id(c)
        for c in rng.choices(
            companies,
            [c.industry.extra_contacts for c in companies],
            k=N_AT_COMPANIES - len(companies),
        )
    )
    last = tl.now - timedelta(days=1)
    for cp in companies:
        source = rng.choices(catalog.SOURCES, weights)[0]
        for i in range(1 + extras[id(cp)]):
            when = cp.obj.created_at
            if i:
                later = when + lognormal_days(rng, 45, 1.0)
                when = later if later < last else when + (last - when) * rng.random()
                when = min(tl.next_work_time(rng, when), last)
            title = cp.industry.titles[0] if i == 0 else rng.choice(cp.industry.titles)
            person = _contact(
                rng,
                fake,
                tl,
                company=cp,
                country=cp.country,
                when=when,
                title=title,
                source=source if i == 0 or rng.random() < 0.85 else "referral",
                owner_id=cp.obj.owner_id,
                taken=taken,
                names=names,
            )
            cp.contacts.append(person)
            contacts.append(person)
    sales = f.role("sales") or f.users
    independents = N_CONTACTS - len(contacts)
    countries = f.market.countries
    for day in tl.seasonal_days(rng, independents, growth=1.0):
        country = _pick(rng, countries, [c.weight for c in countries])
        owner = f.territory_owner(country.code) or rng.choice(sales)
        contacts.append(
            _contact(
                rng,
                fake,
                tl,
                company=None,
                country=country,
                when=tl.work_time(rng, day),
                title=rng.choice(INDEPENDENT_TITLES),
                source=rng.choices(catalog.SOURCES, weights)[0],
                owner_id=owner.id,
                taken=taken,
                names=names,
            )
        )
    return contacts


def settle_lifecycle(companies: list[CompanyPlan], contacts: list[ContactPlan]) -> None:
    """Lifecycle stages that agree with the deals and orders planned for each customer."""
    for cp in companies:
        if cp.wins or cp.orders:
            stage = "churned" if cp.churned else "customer"
        else:
            stage = "prospect" if cp.has_deal else "lead"
        for person in cp.contacts:
            person.obj.lifecycle_stage = stage
    for person in contacts:
        if person.company is None:
            if person.wins:
                person.obj.lifecycle_stage = "churned" if person.churned else "customer"
            elif person.has_deal:
                person.obj.lifecycle_stage = "prospect"
