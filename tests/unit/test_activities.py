"""The one ``log_activity``: every caller (record page, task completion, mail) shares its rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from crm_app.models import Activity, Company, Contact, Deal, Pipeline, Stage
from crm_app.services import activities, tasks, writes
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.tasks import TaskInput

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def acme(session: Session) -> dict:
    company = writes.create(session, Company(name="Acme"), actor_id=None)
    other = writes.create(session, Company(name="Globex"), actor_id=None)
    ann = writes.create(
        session, Contact(first_name="Ann", last_name="Lee", company_id=company.id), actor_id=None
    )
    pipeline = Pipeline(name="Sales")
    session.add(pipeline)
    session.flush()
    stage = Stage(pipeline_id=pipeline.id, name="Proposal", position=1, probability=50)
    session.add(stage)
    session.flush()
    deal = Deal(title="Beans", value=10, pipeline_id=pipeline.id, stage_id=stage.id)
    session.add(deal)
    session.commit()
    return {"company": company, "other": other, "ann": ann, "deal": deal}


def test_an_activity_may_belong_to_a_deal_alone_but_not_to_nothing(session, acme) -> None:
    on_deal = activities.log_activity(
        session, kind="note", subject="Pricing", occurred_at=NOW, actor_id=None,
        deal_id=acme["deal"].id, now=NOW,
    )  # fmt: skip
    assert (on_deal.deal_id, on_deal.contact_id, on_deal.company_id) == (
        acme["deal"].id,
        None,
        None,
    )
    with pytest.raises(ValueError):
        activities.log_activity(session, kind="note", subject="x", occurred_at=NOW, actor_id=None)
    with pytest.raises(NotFound):
        activities.log_activity(
            session, kind="note", subject="x", occurred_at=NOW, actor_id=None, deal_id=999
        )


def test_a_given_company_wins_over_the_contacts_own(session, acme) -> None:
    call = activities.log_activity(
        session, kind="call", subject="Hi", occurred_at=NOW, actor_id=None, now=NOW,
        contact_id=acme["ann"].id, company_id=acme["other"].id,
    )  # fmt: skip
    assert call.company_id == acme["other"].id


def test_an_email_can_be_logged_without_touching_and_touched_later(session, acme) -> None:
    ann = acme["ann"]
    mail = activities.log_activity(
        session, kind="email", subject="Offer", body="x" * 50_000, occurred_at=NOW,
        actor_id=None, contact_id=ann.id, touch_contact=False, now=NOW,
    )  # fmt: skip
    assert mail.kind == "email" and ann.last_contacted_at is None
    session.commit()
    session.expire_all()
    ann = session.get(Contact, ann.id)  # read back: SQLite hands back a naive datetime
    activities.touch_last_contacted(session, ann, NOW, actor_id=None)
    activities.touch_last_contacted(session, ann, NOW - timedelta(days=1), actor_id=None)
    assert ann.last_contacted_at.replace(tzinfo=UTC) == NOW


def test_a_hand_logged_body_stays_within_20000_characters(session, acme) -> None:
    with pytest.raises(ValidationError) as exc:
        activities.log_activity(
            session, kind="note", subject="", body="x" * 20_001, occurred_at=NOW,
            actor_id=None, contact_id=acme["ann"].id, now=NOW,
        )  # fmt: skip
    assert "body" in exc.value.errors


def test_completing_an_unlinked_task_logs_nothing(session, acme) -> None:
    task = tasks.create_task(session, TaskInput(title="Tidy the desk"), actor_id=None)
    done, activity = tasks.complete_task(session, task.id, actor_id=None, log_as="call", now=NOW)
    assert done.done and activity is None
    assert session.exec(select(Activity)).all() == []
