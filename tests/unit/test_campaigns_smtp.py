"""Campaigns over a real SMTP server on loopback (aiosmtpd): one mail per consenting member
with its merge fields and a working unsubscribe link; unsubscribing keeps the contact out of
the next campaign; a refusing server gives per-recipient failures; throttling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from crm_app.api import api
from crm_app.models import (
    Activity,
    Campaign,
    CampaignRecipient,
    Contact,
    Deal,
    MailMessage,
    Pipeline,
    Stage,
    Unsubscribe,
    utcnow,
)
from crm_app.services import app_settings, campaigns, timeline, writes
from crm_app.services.campaigns import audience
from crm_app.services.errors import ValidationError

from .campaign_fixtures import World, build_world, configure_smtp, link_in, run_all, start_campaign
from .test_mail import Inbox, free_port, start_server

BASE = "http://crm.test"


@pytest.fixture(autouse=True)
def _env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)  # the api's session_scope
    for key in ("RAPPORT_SMTP_HOST", "RAPPORT_SMTP_PORT", "RAPPORT_BASE_URL"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = start_server(box, port)
    yield box
    controller.stop()


@pytest.fixture
def world(session: Session, port: int) -> World:
    configure_smtp(session, port)
    app_settings.put(session, "base_url", BASE, actor_id=None)
    w = build_world(session)
    session.commit()
    return w


def _recipients(session: Session, campaign_id: int) -> dict[str, CampaignRecipient]:
    session.expire_all()
    rows = session.execute(
        sa.select(CampaignRecipient, Contact.first_name)
        .join(Contact, Contact.id == CampaignRecipient.contact_id)
        .where(CampaignRecipient.campaign_id == campaign_id)
    ).all()
    return {first: r for r, first in rows}


def _to(inbox: Inbox) -> list[str]:
    return sorted(a for _sender, rcpts, _raw in inbox.received for a in rcpts)


def test_one_mail_per_consenting_member_with_merge_fields_and_unsubscribe(
    session, db_url, inbox, world
):
    cid = start_campaign(session, world)
    run_all(db_url)  # the campaign job queues the mails
    run_all(db_url)  # the mail jobs send them

    assert _to(inbox) == ["anu@example.ee", "jaan@example.ee"]
    anu = next(inbox.message(i) for i in range(2) if inbox.received[i][1] == ["anu@example.ee"])
    assert anu["Subject"] == "Spring news for Anu"
    text = anu.get_body(("plain",)).get_content()
    html = anu.get_body(("html",)).get_content()
    assert "Tere Anu," in text and "news for Põhjala Puit OÜ" in text
    assert "Tere Anu," in html and 'dir="ltr"' in html
    unsubscribe = link_in(text, f"{BASE}/u/")
    assert anu["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert anu["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in html
    # The link in the template became a tracked link (both parts), the pixel is in the HTML.
    assert "https://kestrel.example/spring" not in text
    assert link_in(text, f"{BASE}/t/c/") in html
    assert f"{BASE}/t/o/" in html

    rows = _recipients(session, cid)
    assert {k: (r.status, r.reason) for k, r in rows.items()} == {
        "Anu": ("queued", None),
        "Jaan": ("queued", None),
        "Kati": ("skipped", audience.NO_CONSENT),
        "Mati": ("skipped", audience.NO_ADDRESS),
    }
    report = campaigns.campaign_report(session, cid)
    assert (report.audience, report.sent, report.failed) == (4, 2, 0)
    assert report.skipped == {audience.NO_CONSENT: 1, audience.NO_ADDRESS: 1}
    assert session.get(Campaign, cid).status == "sent"
    # Campaign mail is a campaign entry on the timeline, not an e-mail activity, and does
    # not move "last contacted".
    contact = world.contacts["anu"]
    session.refresh(contact)
    assert contact.last_contacted_at is None
    assert session.execute(sa.select(sa.func.count()).select_from(Activity)).scalar_one() == 0
    page = timeline.page_of(session, contact_id=contact.id)
    assert [(e.kind, e.title, e.details["event"]) for e in page.entries] == [
        ("campaign", "Spring", "mailed")
    ]

    # Unsubscribing through the public link (GET shows a button, POST confirms) …
    client = TestClient(api)
    path = unsubscribe.removeprefix(BASE)
    page_html = client.get(path)
    assert page_html.status_code == 200 and "<form" in page_html.text
    assert "a***@example.ee" in page_html.text
    assert client.post(path).status_code == 200
    session.expire_all()
    assert session.get(Contact, contact.id).consent_email is False
    assert session.execute(sa.select(Unsubscribe.email)).scalars().all() == ["anu@example.ee"]
    assert "unsubscribed" in [
        e.details["event"] for e in timeline.page_of(session, contact_id=contact.id).entries
    ]

    # … keeps the contact out of the next campaign, even if consent is given again.
    writes.update(session, session.get(Contact, contact.id), {"consent_email": True}, actor_id=None)
    session.commit()
    inbox.received.clear()
    second = start_campaign(session, world, name="Summer")
    run_all(db_url)
    run_all(db_url)
    assert _to(inbox) == ["jaan@example.ee"]
    rows = _recipients(session, second)
    assert (rows["Anu"].status, rows["Anu"].reason) == ("skipped", audience.UNSUBSCRIBED)
    assert campaigns.campaign_report(session, cid).unsubscribed == 1


def test_a_refusing_server_gives_per_recipient_failures_not_a_crash(session, db_url, port, world):
    box = Inbox(reply="550 5.7.1 Relaying denied")
    controller = start_server(box, port)
    try:
        cid = start_campaign(session, world)
        run_all(db_url)
        report = run_all(db_url)
    finally:
        controller.stop()
    assert len(report.failed) == 2  # the two mail jobs, each failed on its own
    rows = _recipients(session, cid)
    listed, total = campaigns.recipients(session, cid, status="failed")
    assert total == 2
    assert {r.email for r in listed} == {"anu@example.ee", "jaan@example.ee"}
    assert all(r.reason == "The mail server refused the message." for r in listed)
    assert rows["Anu"].status == "queued"  # its own row; the status shown is the mail's
    result = campaigns.campaign_report(session, cid)
    assert (result.sent, result.failed) == (0, 2)
    assert session.get(Campaign, cid).status == "sent"  # the campaign itself finished


def test_sending_is_throttled_per_minute(session, db_url, inbox, world):
    for i in range(3):  # 5 reachable members with a throttle of 2: batches of 2, 2, 1
        c = writes.create(
            session,
            Contact(first_name=f"Extra{i}", country="EE", consent_email=True),
            actor_id=None,
        )
        from crm_app.models import ContactEmail

        writes.create(
            session, ContactEmail(contact_id=c.id, email=f"extra{i}@example.ee"), actor_id=None
        )
    session.commit()
    cid = start_campaign(session, world, throttle=2)
    t0 = utcnow()

    def queued() -> int:
        session.expire_all()
        return session.get(Campaign, cid).queued_count

    run_all(db_url, at=t0 + timedelta(seconds=1))
    assert queued() == 2
    run_all(db_url, at=t0 + timedelta(seconds=30))  # the next batch waits a minute
    assert queued() == 2
    run_all(db_url, at=t0 + timedelta(seconds=62))
    assert queued() == 4
    run_all(db_url, at=t0 + timedelta(seconds=125))
    assert queued() == 5
    run_all(db_url, at=t0 + timedelta(seconds=126))
    assert len(inbox.received) == 5
    assert session.get(Campaign, cid).status == "sent"


def test_cancelling_stops_the_remaining_batches(session, db_url, inbox, world):
    cid = start_campaign(session, world, throttle=1)
    run_all(db_url)
    campaigns.cancel(session, cid, actor_id=world.owner.id)
    session.commit()
    run_all(db_url, at=utcnow() + timedelta(minutes=5))
    assert len(inbox.received) == 1
    result = campaigns.campaign_report(session, cid)
    assert (result.sent, result.cancelled) == (1, 1)


def test_a_test_send_goes_to_me_only_and_changes_nothing(session, db_url, inbox, world):
    campaigns.test_send(
        session,
        template_id=world.template_id,
        to="mari@kestrel.example",
        contact_id=world.contacts["anu"].id,
        actor_id=world.owner.id,
    )
    session.commit()
    run_all(db_url)
    assert _to(inbox) == ["mari@kestrel.example"]
    msg = inbox.message()
    assert msg["Subject"] == "[Test] Spring news for Anu"
    assert "https://kestrel.example/spring" in msg.get_body(("plain",)).get_content()
    assert session.execute(sa.select(sa.func.count()).select_from(CampaignRecipient)).scalar() == 0
    # The campaign page's test send fills in the first member who would get the mail.
    assert audience.sample_contact(session, world.segment_id) == world.contacts["anu"].id


def test_open_and_click_are_recorded_once_and_count_in_the_report(session, db_url, inbox, world):
    cid = start_campaign(session, world)
    run_all(db_url)
    run_all(db_url)
    anu = next(m for m in (inbox.message(0), inbox.message(1)) if "Anu" in m["Subject"])
    html = anu.get_body(("html",)).get_content()
    pixel = link_in(html, f"{BASE}/t/o/").removeprefix(BASE)
    click = link_in(html, f"{BASE}/t/c/").removeprefix(BASE)
    client = TestClient(api, follow_redirects=False)
    for _ in range(2):
        got = client.get(pixel)
        assert got.status_code == 200 and got.headers["content-type"] == "image/gif"
        went = client.get(click)
        assert went.status_code == 302
        assert went.headers["location"] == "https://kestrel.example/spring?x=1"
    contact_id = world.contacts["anu"].id
    events = [e.details["event"] for e in timeline.page_of(session, contact_id=contact_id).entries]
    assert sorted(events) == ["clicked", "mailed", "opened"]
    result = campaigns.campaign_report(session, cid)
    assert (result.opened, result.clicked) == (1, 1)
    # Deals the mailed contacts create afterwards count.
    pipeline = writes.create(session, Pipeline(name="Sales"), actor_id=None)
    stage = writes.create(session, Stage(pipeline_id=pipeline.id, name="New"), actor_id=None)
    writes.create(
        session,
        Deal(
            title="Spring order", contact_id=contact_id, pipeline_id=pipeline.id, stage_id=stage.id
        ),
        actor_id=None,
    )
    session.commit()
    assert campaigns.campaign_report(session, cid).deals_created == 1


def test_a_right_to_left_template_has_an_rtl_html_part(session, db_url, inbox, port):
    configure_smtp(session, port)
    w = build_world(session, body="שלום {{first_name}}", language="he")
    start_campaign(session, w)
    run_all(db_url)
    run_all(db_url)
    html = inbox.message().get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and "שלום" in html


def test_scheduling_needs_mail_set_up_and_a_draft(session, world):
    campaign = campaigns.create_campaign(
        session,
        name="Later",
        template_id=world.template_id,
        segment_id=world.segment_id,
        throttle_per_minute=10,
        actor_id=None,
    )
    at = utcnow() + timedelta(days=1)
    campaigns.schedule(session, campaign.id, at=at, actor_id=None)
    assert campaign.status == "scheduled" and campaign.scheduled_at == at
    with pytest.raises(ValidationError):
        campaigns.schedule(session, campaign.id, at=None, actor_id=None)
    with pytest.raises(ValidationError) as bad:
        campaigns.create_campaign(
            session,
            name="",
            template_id=None,
            segment_id=None,
            throttle_per_minute=0,
            actor_id=None,
        )
    assert set(bad.value.errors) == {"name", "template_id", "segment_id", "throttle_per_minute"}
    assert session.execute(sa.select(sa.func.count()).select_from(MailMessage)).scalar() == 0
