"""The "send a template e-mail" action over a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import MailMessage
from crm_app.services import deal_moves, deals, jobs
from crm_app.services.automation import triggers
from crm_app.services.campaigns import templates
from crm_app.services.deals import DealInput

from .automation_fixtures import People, make_people, make_stages, new_contact, rule, runs
from .test_mail import Inbox, configure, free_port, start_server


@pytest.fixture
def people(session) -> People:
    return make_people(session)


@pytest.fixture
def inbox():
    box, port = Inbox(), free_port()
    controller = start_server(box, port)
    box.port = port  # type: ignore[attr-defined]
    yield box
    controller.stop()


def test_a_won_deal_sends_the_welcome_template_once(session, db_url, people, inbox):
    configure(session, inbox.port)
    stages = make_stages(session, people)
    welcome = templates.create_template(
        session,
        name="Welcome",
        subject="Welcome, {{first_name}}",
        body="Hello {{full_name}},\n\nthank you for choosing us.",
        actor_id=None,
    )
    session.commit()
    rid = rule(
        session,
        triggers.DEAL_CLOSED,
        [
            {"kind": "send_email", "template_id": str(welcome.id)},
            {"kind": "add_tag", "tag": "Welcomed"},
        ],
        config={"outcome": "won"},
        conditions=[{"kind": "tag", "op": "not", "value": "Welcomed"}],
    )
    mari = new_contact(session, emails=[("mari@example.com", "work")], consent_email=True)
    for title in ("First order", "Second order"):
        deal = deals.create_deal(
            session,
            DealInput(title=title, stage_id=stages["New"].id, contact_id=mari.id),
            actor_id=None,
        )
        session.commit()
        deal_moves.move_deal(session, deal.id, stages["Won"].id, actor_id=None)
        session.commit()
    jobs.run_due(url=db_url, kinds=["send_mail"])
    assert len(inbox.received) == 1  # the second win: already welcomed
    msg = inbox.message()
    assert msg["Subject"] == "Welcome, Mari" and msg["To"] == "mari@example.com"
    assert "Hello Mari Tamm," in msg.get_body(("plain",)).get_content()
    assert [r.outcome for r in runs(session, rid)] == ["ok", "skipped"]
    assert session.execute(sa.select(sa.func.count()).select_from(MailMessage)).scalar() == 1
