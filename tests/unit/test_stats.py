"""Row counts for `rapport stats --json`, and the "is there business data" check."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import (
    Activity,
    AuditEntry,
    Company,
    Contact,
    Deal,
    Order,
    Pipeline,
    Product,
    Setting,
    Stage,
    Tag,
    Task,
    Ticket,
    User,
)
from crm_app.services import app_settings, stats, writes

KEYS = [
    "users",
    "companies",
    "contacts",
    "tags",
    "pipelines",
    "stages",
    "deals",
    "products",
    "orders",
    "activities",
    "tasks",
    "tickets",
    "audit_entries",
]


def test_all_keys_present_in_order_and_zero_on_an_empty_database(session):
    counts = stats.counts(session)
    assert list(counts) == KEYS
    assert all(isinstance(v, int) and v == 0 for v in counts.values())


def test_counts_follow_inserts(session):
    user = writes.create(
        session, User(email="a@example.com", name="A", password_hash="x"), actor_id=None
    )
    company = writes.create(session, Company(name="Acme"), actor_id=user.id)
    writes.create_many(
        session,
        [Contact(first_name=n, company_id=company.id) for n in ("Ann", "Ben", "Cid")],
        actor_id=user.id,
    )
    writes.bulk_insert(session, Tag, [{"name": f"t{i}"} for i in range(4)], actor_id=user.id)
    pipeline = writes.create(session, Pipeline(name="Sales"), actor_id=user.id)
    stages = writes.create_many(
        session,
        [Stage(pipeline_id=pipeline.id, name=n, position=i) for i, n in enumerate("ABC")],
        actor_id=user.id,
    )
    writes.create(
        session, Deal(title="D", pipeline_id=pipeline.id, stage_id=stages[0].id), actor_id=user.id
    )
    writes.create(session, Product(name="Widget", price=10), actor_id=user.id)
    writes.create(session, Order(number="SO-1", total=10), actor_id=user.id)
    writes.create(session, Activity(kind="note"), actor_id=user.id)
    writes.create(session, Task(title="Call back"), actor_id=user.id)
    writes.create(session, Ticket(subject="Broken"), actor_id=user.id)
    writes.create(session, Ticket(subject="Still broken"), actor_id=user.id)
    # a setting is audited but not counted
    app_settings.put(session, "base_currency", "USD", actor_id=user.id)

    counts = stats.counts(session)

    # 1 user + 1 company + 3 contacts + 1 bulk tag entry + 1 pipeline + 3 stages + 1 deal
    # + 1 product + 1 order + 1 activity + 1 task + 2 tickets + 1 setting = 18 audit entries
    assert counts == {
        "users": 1,
        "companies": 1,
        "contacts": 3,
        "tags": 4,
        "pipelines": 1,
        "stages": 3,
        "deals": 1,
        "products": 1,
        "orders": 1,
        "activities": 1,
        "tasks": 1,
        "tickets": 2,
        "audit_entries": 18,
    }
    assert (
        counts["audit_entries"]
        == session.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar_one()
    )


def test_counts_drop_after_a_delete(session):
    company = writes.create(session, Company(name="Acme"), actor_id=None)
    assert stats.counts(session)["companies"] == 1
    writes.delete(session, company, actor_id=None)
    counts = stats.counts(session)
    assert counts["companies"] == 0
    assert counts["audit_entries"] == 2  # create and delete


def test_no_business_data_on_an_empty_database_or_with_only_users_and_settings(session):
    assert stats.has_business_data(session) is False
    writes.create(session, User(email="a@example.com", name="A", password_hash="x"), actor_id=None)
    writes.create(session, Setting(key="time_zone", value="Europe/Tallinn"), actor_id=None)
    assert stats.has_business_data(session) is False


@pytest.mark.parametrize(
    "make",
    [
        lambda s: [Company(name="Acme")],
        lambda s: [Contact(first_name="Ann")],
        lambda s: [Ticket(subject="Help")],
        lambda s: [Pipeline(name="Sales")],
    ],
    ids=["company", "contact", "ticket", "pipeline"],
)
def test_business_data_is_detected(session, make):
    writes.create_many(session, make(session), actor_id=None)
    assert stats.has_business_data(session) is True
