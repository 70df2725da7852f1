"""The demo business and the large seed: counts, determinism, audit, a plausible story."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import (
    Activity,
    AuditEntry,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Deal,
    DealStageChange,
    ExchangeRate,
    Order,
    Pipeline,
    Product,
    Stage,
    Task,
    Ticket,
    User,
)
from crm_app.services import app_settings, auth, stats
from crm_app.services.seed import (
    DEMO_PASSWORD,
    activities,
    deals,
    foundation,
    load_demo_if_empty,
    markets,
    people,
    seed_demo,
    seed_large,
    support,
    tasks,
)
from crm_app.services.seed.timeline import Timeline, ascii_slug

TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def demo(
    migrated_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Session, dict[str, int]]]:
    """One demo database shared by the read-only checks of this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url), expire_on_commit=False) as session:
        counts = seed_demo(session, seed=42, today=TODAY)
        yield session, counts
    get_engine(url).dispose()


def _count(session: Session, query: sa.Select) -> int:
    return int(session.execute(query).scalar_one())


def _n(session: Session, model, *where) -> int:
    return _count(session, sa.select(sa.func.count()).select_from(model).where(*where))


def _digest(session: Session) -> str:
    h = hashlib.sha256()
    queries = [
        sa.select(
            Deal.title, Deal.value, Deal.currency, Stage.name, Deal.created_at, Deal.closed_at
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .order_by(Deal.id),
        sa.select(Contact.first_name, Contact.last_name, Contact.lifecycle_stage).order_by(
            Contact.id
        ),
        sa.select(ContactEmail.email).order_by(ContactEmail.id),
        sa.select(Activity.subject, Activity.occurred_at).order_by(Activity.id),
        sa.select(Ticket.subject, Ticket.status, Ticket.csat_score).order_by(Ticket.id),
        sa.select(Order.number, Order.total).order_by(Order.id),
    ]
    for query in queries:
        for row in session.execute(query):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def test_demo_counts_are_in_the_promised_ranges(demo):
    session, counts = demo
    db = stats.counts(session)
    assert 250 <= db["companies"] <= 350
    assert 1300 <= db["contacts"] <= 1700
    assert 500 <= db["deals"] <= 700
    assert 2500 <= db["activities"] <= 3500
    assert 700 <= db["tickets"] <= 900
    assert 200 <= db["tasks"] <= 300
    assert 10 <= db["products"] <= 16
    assert db["pipelines"] == 2 and db["tags"] >= 8
    assert 8 <= db["users"] <= 12
    for key in ("companies", "contacts", "deals", "activities", "tickets", "tasks", "orders"):
        assert counts[key] == db[key]


def test_demo_is_deterministic(demo, session):
    first, _ = demo
    seed_demo(session, seed=42, today=TODAY)
    assert _digest(session) == _digest(first)


def test_every_created_record_has_its_audit_entry(demo):
    session, counts = demo
    created = dict(
        session.execute(
            sa.select(AuditEntry.entity, sa.func.count())
            .where(AuditEntry.action == "create")
            .group_by(AuditEntry.entity)
        ).all()
    )
    for table, n in counts.items():
        assert created.get(table, 0) == n, table
    assert _n(session, AuditEntry) >= sum(counts.values())


def test_users_and_settings(demo):
    session, _ = demo
    admin = session.execute(
        sa.select(User).where(User.email == "admin@kestrel.example")
    ).scalar_one()
    assert admin.role == "admin" and admin.is_demo
    assert auth.verify_password(admin.password_hash, DEMO_PASSWORD)
    roles = {r for (r,) in session.execute(sa.select(User.role).where(User.is_demo))}
    assert roles == {"admin", "manager", "sales", "support", "read_only"}
    assert app_settings.get(session, "time_zone") == "Europe/Tallinn"
    assert app_settings.get(session, "base_currency") == "EUR"
    assert app_settings.get(session, "demo_loaded") is True


def test_the_funnel_is_plausible(demo):
    session, _ = demo
    now = datetime.now(UTC)
    won = _n(session, Deal, Deal.stage_id.in_(sa.select(Stage.id).where(Stage.is_won)))
    lost = _n(session, Deal, Deal.stage_id.in_(sa.select(Stage.id).where(Stage.is_lost)))
    assert 0.25 <= won / (won + lost) <= 0.55
    closed = sa.select(Stage.id).where(Stage.is_won | Stage.is_lost)
    assert _n(session, Deal, Deal.stage_id.in_(closed), Deal.closed_at.is_(None)) == 0
    assert _n(session, Deal, Deal.stage_id.not_in(closed), Deal.closed_at.is_not(None)) == 0
    lost_stages = sa.select(Stage.id).where(Stage.is_lost)
    assert _n(session, Deal, Deal.stage_id.in_(lost_stages), Deal.lost_reason.is_(None)) == 0
    won_ids = sa.select(Deal.id).where(Deal.stage_id.in_(sa.select(Stage.id).where(Stage.is_won)))
    ordered = sa.select(Order.deal_id).where(Order.deal_id.is_not(None))
    assert _n(session, Deal, Deal.id.in_(won_ids), Deal.id.not_in(ordered)) == 0
    created_rows = sa.select(DealStageChange.deal_id).where(DealStageChange.from_stage_id.is_(None))
    assert _n(session, Deal, Deal.id.not_in(created_rows)) == 0
    assert _n(session, DealStageChange, DealStageChange.changed_at > now) == 0
    # Some open deals are overdue, some are expected to close this month or next.
    open_deals = Deal.stage_id.not_in(closed)
    assert _n(session, Deal, open_deals, Deal.expected_close < TODAY) > 0
    soon = TODAY + timedelta(days=62)
    assert _n(session, Deal, open_deals, Deal.expected_close.between(TODAY, soon)) >= 5
    assert _n(session, Pipeline, Pipeline.is_default) == 1


def test_activities_tasks_and_contacts_agree(demo):
    session, _ = demo
    now = datetime.now(UTC)
    assert _n(session, Activity, Activity.occurred_at > now) == 0
    assert _n(session, Task, ~Task.done, Task.due_at < Timeline(TODAY).now) > 0
    assert _n(session, Task, Task.done, Task.done_at.is_(None)) == 0
    latest = (
        sa.select(sa.func.max(Activity.occurred_at))
        .where(Activity.contact_id == Contact.id)
        .scalar_subquery()
    )
    contacts = session.execute(sa.select(Contact.last_contacted_at, latest)).all()
    assert all(a == b for a, b in contacts)
    emails = list(session.execute(sa.select(ContactEmail.email)).scalars())
    assert all(e == e.lower() and "@" in e for e in emails)
    phones = list(session.execute(sa.select(ContactPhone.phone)).scalars())
    assert all(re.fullmatch(r"\+[1-9]\d{7,14}", p) for p in phones)
    with_company = _n(session, Contact, Contact.company_id.is_not(None))
    assert with_company / _n(session, Contact) > 0.75
    stages = dict(
        session.execute(
            sa.select(Contact.lifecycle_stage, sa.func.count()).group_by(Contact.lifecycle_stage)
        ).all()
    )
    assert set(stages) == {"lead", "prospect", "customer", "churned"}
    buyers = sa.select(Order.company_id)
    assert _n(session, Contact, Contact.lifecycle_stage == "customer",
              Contact.company_id.not_in(buyers)) == 0  # fmt: skip
    assert _n(session, Company, Company.industry.is_(None)) == 0


def test_tickets_meet_their_sla_mostly(demo):
    session, _ = demo
    total = _n(session, Ticket)
    breached = _n(session, Ticket, Ticket.sla_breached)
    assert 0.05 <= breached / total <= 0.2
    assert _n(session, Ticket, Ticket.first_response_due_at.is_(None)) == 0
    assert _n(session, Ticket, Ticket.status.in_(["new", "open", "pending", "on_hold"])) > 0
    solved = _n(session, Ticket, Ticket.status.in_(["solved", "closed"]))
    rated = _n(session, Ticket, Ticket.csat_score.is_not(None))
    assert 0.45 <= rated / solved <= 0.75
    assert (
        _n(session, Ticket, Ticket.status.in_(["solved", "closed"]), Ticket.resolved_at.is_(None))
        == 0
    )


def test_load_demo_if_empty(session, monkeypatch):
    monkeypatch.setenv("RAPPORT_DEMO", "0")
    assert load_demo_if_empty(session) is False
    assert not stats.has_business_data(session)
    monkeypatch.delenv("RAPPORT_DEMO")
    assert load_demo_if_empty(session) is True
    assert stats.has_business_data(session)
    assert load_demo_if_empty(session) is False


def test_seed_large_with_tiny_numbers(session):
    messages: list[str] = []
    rates = seed_large(
        session,
        contacts=500,
        companies=100,
        deals=200,
        tickets=200,
        activities=2000,
        progress=messages.append,
        batch_size=300,
    )
    db = stats.counts(session)
    assert (db["companies"], db["contacts"], db["deals"]) == (100, 500, 200)
    assert (db["tickets"], db["activities"]) == (200, 2000)
    assert _n(session, ContactEmail) >= 500
    assert _n(session, DealStageChange, DealStageChange.from_stage_id.is_(None)) == 200
    assert _n(session, Activity, Activity.occurred_at > datetime.now(UTC)) == 0
    assert rates["activities"] > 0 and rates["total_rows"] >= 3000
    assert any(m.startswith("activities:") for m in messages)
    bulk = _n(session, AuditEntry, AuditEntry.action == "bulk_create")
    assert bulk >= 7 + 2000 // 300
    users, pipelines = db["users"], db["pipelines"]
    seed_large(session, contacts=10, companies=2, deals=3, tickets=3, activities=5, progress=str)
    again = stats.counts(session)
    assert (again["users"], again["pipelines"]) == (users, pipelines)  # reused, not duplicated
    assert again["contacts"] == 510


def test_contacts_can_get_names_of_the_interface_language():
    sales = User(id=1, email="s@x.example", name="S", password_hash="-", role="sales")
    found = foundation.Foundation([sales], [], {}, {}, {})
    tl = Timeline(TODAY)
    rng, fake = random.Random(1), people.make_faker(1, "he")
    companies = people.plan_companies(rng, fake, tl, found)
    contacts = people.plan_contacts(rng, fake, tl, found, companies, people.NAME_LOCALES["he"])
    hebrew = [c for c in contacts if re.search(r"[\u0590-\u05ff]", c.obj.last_name)]
    assert len(hebrew) == len(contacts)
    addresses = [e.email for c in contacts for e in c.emails]
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+", a) for a in addresses)


# locale: (country, time zone, base currency, dialling code, letters of the local script)
LOCAL = {
    "et": ("EE", "Europe/Tallinn", "EUR", "+372", r"[A-Za-zÕÄÖÜõäöüŠšŽž]"),
    "he": ("IL", "Asia/Jerusalem", "ILS", "+972", r"[\u0590-\u05ff]"),
    "fa": ("IR", "Asia/Tehran", "USD", "+98", r"[\u0600-\u06ff]"),
    "hy": ("AM", "Asia/Yerevan", "AMD", "+374", r"[\u0531-\u0587]"),
}
# A fifth of the demo is enough to see where it is set, and fast.
SMALL = [
    (people, "N_COMPANIES", 60),
    (people, "N_CONTACTS", 300),
    (people, "N_AT_COMPANIES", 260),
    (deals, "NB_DEALS", 105),
    (support, "N_TICKETS", 160),
    (activities, "N_ACTIVITIES", 600),
    (tasks, "N_TASKS", 50),
    (tasks, "N_OPEN", 19),
    (tasks, "N_TODAY", 2),
]


@pytest.fixture(scope="module")
def local_demos(
    migrated_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Session]]:
    """A small demo per local market (et, he, fa, hy), each in its own database."""
    sessions: dict[str, Session] = {}
    with pytest.MonkeyPatch.context() as mp:
        for module, name, value in SMALL:
            mp.setattr(module, name, value)
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        for locale in LOCAL:
            path = tmp_path_factory.mktemp(f"demo-{locale}") / "demo.db"
            shutil.copy(migrated_template, path)
            session = Session(get_engine(f"sqlite:///{path}"), expire_on_commit=False)
            seed_demo(session, seed=7, locale=locale, today=TODAY)
            sessions[locale] = session
    yield sessions
    for session in sessions.values():
        bind = session.get_bind()
        session.close()
        bind.dispose()  # type: ignore[union-attr]


@pytest.mark.parametrize("locale", list(LOCAL))
def test_local_demo_settings_and_team(local_demos, locale):
    session = local_demos[locale]
    _country, tz, currency, _dial, script = LOCAL[locale]
    assert app_settings.get(session, "time_zone") == tz
    assert app_settings.get(session, "base_currency") == currency
    assert app_settings.get(session, "default_locale") == locale
    assert app_settings.get(session, "demo_loaded") is True
    admin = session.execute(
        sa.select(User).where(User.email == "admin@kestrel.example")
    ).scalar_one()
    assert admin.role == "admin" and admin.is_demo and admin.locale == locale
    assert auth.verify_password(admin.password_hash, DEMO_PASSWORD)
    team = list(session.execute(sa.select(User).where(User.is_demo)).scalars())
    assert {u.role for u in team} == {"admin", "manager", "sales", "support", "read_only"}
    assert all(re.fullmatch(r"[a-z]+@kestrel\.example", u.email) for u in team)
    assert all(u.time_zone == tz and re.match(script, u.name) for u in team)


@pytest.mark.parametrize("locale", list(LOCAL))
def test_local_demo_is_set_in_its_country(local_demos, locale):
    session = local_demos[locale]
    country, _tz, _currency, dial, script = LOCAL[locale]
    for model in (Company, Contact):
        home = _n(session, model, model.country == country)
        assert home / _n(session, model) >= 0.8, model
    names = list(session.execute(sa.select(Contact.last_name)).scalars())
    assert sum(bool(re.match(script, n)) for n in names) / len(names) >= 0.8
    at_home = sa.select(Contact.id).where(Contact.country == country)
    phones = list(
        session.execute(
            sa.select(ContactPhone.phone).where(ContactPhone.contact_id.in_(at_home))
        ).scalars()
    )
    phones += session.execute(
        sa.select(Company.phone).where(Company.country == country, Company.phone.is_not(None))
    ).scalars()
    assert phones and all(p.startswith(dial) for p in phones)
    assert all(re.fullmatch(r"\+[1-9]\d{7,14}", p) for p in phones)


@pytest.mark.parametrize("locale", list(LOCAL))
def test_local_demo_addresses_are_ascii(local_demos, locale):
    session = local_demos[locale]
    emails = list(session.execute(sa.select(ContactEmail.email)).scalars())
    emails += session.execute(sa.select(User.email)).scalars()
    assert emails and all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+", e) for e in emails)
    domains = list(
        session.execute(sa.select(Company.domain).where(Company.domain.is_not(None))).scalars()
    )
    assert domains and all(re.fullmatch(r"[a-z0-9]+(\.[a-z]+)+", d) for d in domains)
    # Names are spelled out, not dropped for the "info@" / "contact" fallbacks.
    assert all(re.match(r"[a-z]{2}", e) and not e.startswith("info@") for e in emails)


@pytest.mark.parametrize("locale", list(LOCAL))
def test_local_demo_money_is_in_the_base_currency(local_demos, locale):
    session = local_demos[locale]
    currency = LOCAL[locale][2]
    market = markets.get(locale)
    rates = dict(session.execute(sa.select(ExchangeRate.currency, ExchangeRate.rate)).all())
    assert currency not in rates and rates == market.rates
    machine = session.execute(sa.select(Product.price).where(Product.sku == "KM-C1")).scalar_one()
    assert machine == pytest.approx(3450 * market.scale, rel=0.05)
    by_currency = dict(
        session.execute(sa.select(Deal.currency, sa.func.count()).group_by(Deal.currency)).all()
    )
    assert set(by_currency) <= {currency, *rates}
    assert by_currency[currency] / sum(by_currency.values()) >= 0.85
    assert _n(session, Deal, Deal.currency == currency, Deal.exchange_rate.not_in([1.0])) == 0


def test_markets_and_transliteration():
    assert markets.get("he-IL").currency == "ILS"
    assert markets.get("de") is markets.get("en") is markets.EN
    assert markets.get(None).time_zone == "Europe/Tallinn"
    assert ascii_slug("כהן לוי", ".") == "cohen.levi"
    assert ascii_slug("محمدی") == "mohammadi"
    assert ascii_slug("Երևան Գյումրի", "-") == "yerevan-gyumri"
    assert ascii_slug("Pärnu Café") == "parnucafe"
    assert re.fullmatch(r"[a-z]{3,}", ascii_slug("אלומה פרץ"))


@pytest.mark.parametrize("locale", list(LOCAL))
def test_local_demo_names_its_pipelines_stages_and_lost_reasons_locally(local_demos, locale):
    from crm_app.models import Deal, Pipeline, Stage
    from crm_app.services.seed.local_names import NAMES

    session = local_demos[locale]
    local = set(NAMES[locale].values())
    pipelines = set(session.execute(sa.select(Pipeline.name)).scalars())
    stages = set(session.execute(sa.select(Stage.name)).scalars())
    reasons = set(
        session.execute(sa.select(Deal.lost_reason).where(Deal.lost_reason.is_not(None))).scalars()
    )
    assert pipelines and pipelines <= local
    assert len(stages) == 11 and stages <= local
    assert reasons and reasons <= local
