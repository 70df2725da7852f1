"""Ticket mail through a real SMTP server on loopback (aiosmtpd): a public reply reaches the
customer with the right headers, an internal note never leaves, and the CSAT mail sent on
solving carries a link whose token works once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from crm_app.models import Activity, CsatRequest, MailMessage
from crm_app.services import app_settings, mail
from crm_app.services.tickets import csat
from crm_app.services.tickets.editing import TicketInput, add_comment, create_ticket, update_ticket

from .test_mail import Inbox, configure, free_port, run_jobs, start_server
from .ticket_fixtures import make_team


@pytest.fixture(autouse=True)
def _no_smtp_environment(monkeypatch):
    for key in mail.config.FORM_FIELDS.values():
        monkeypatch.delenv(mail.config.env_name(key), raising=False)
    monkeypatch.delenv("RAPPORT_BASE_URL", raising=False)


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
def team(session, port):
    configure(session, port)
    return make_team(session)


def _ticket(session, team):
    ticket = create_ticket(
        session,
        TicketInput(subject="Kohvimasin lekib — דליפה", contact_id=team.customer.id),
        actor_id=team.agent.id,
    )
    session.commit()
    return ticket


def test_a_public_reply_reaches_the_customer(session, db_url, inbox, team):
    ticket = _ticket(session, team)
    reply = add_comment(
        session,
        ticket.id,
        body="Tere Noa,\n\nthe technician comes on Tuesday. — שלום",
        is_public=True,
        actor_id=team.agent.id,
    )
    add_comment(
        session, ticket.id, body="Internal: bill the visit", is_public=False, actor_id=team.agent.id
    )
    session.commit()
    assert reply.mail_id is not None

    report = run_jobs(db_url)

    assert len(report.done) == 1 and len(inbox.received) == 1  # the note was not mailed
    mail_from, rcpt_tos, _raw = inbox.received[0]
    assert rcpt_tos == ["noa@levi.example"]  # the primary address
    assert mail_from == "sales@kestrel.example"
    msg = inbox.message()
    assert msg["Subject"] == f"[#{ticket.id}] Kohvimasin lekib — דליפה"
    assert msg["To"] == "noa@levi.example"
    assert msg["Message-ID"]
    assert "the technician comes on Tuesday. — שלום" in msg.get_content()
    assert "bill the visit" not in msg.get_content()
    session.expire_all()
    sent = session.get(MailMessage, reply.mail_id)
    assert sent.status == "sent" and sent.contact_id == team.customer.id
    logged = session.get(Activity, sent.activity_id)  # on the customer's timeline
    assert (logged.kind, logged.contact_id) == ("email", team.customer.id)


def test_the_csat_link_in_the_mail_works_once(session, db_url, inbox, team, monkeypatch):
    app_settings.put(session, "base_url", "https://crm.kestrel.example/", actor_id=None)
    ticket = _ticket(session, team)
    update_ticket(session, ticket.id, {"status": "solved"}, actor_id=team.agent.id)
    session.commit()

    run_jobs(db_url)

    assert len(inbox.received) == 1
    msg = inbox.message()
    assert msg["Subject"].startswith(f"[#{ticket.id}] ")
    found = re.search(r"https://crm\.kestrel\.example/csat/([A-Za-z0-9_-]+)", msg.get_content())
    assert found, msg.get_content()
    token = found.group(1)
    stored = session.execute(sa.select(CsatRequest)).scalar_one()
    assert stored.token_hash == csat.hash_token(token) and token not in stored.token_hash

    assert csat.check_token(session, token).ok
    result = csat.submit_rating(session, token, score=5, comment="Fast, thanks")
    session.commit()
    assert result.ok and result.reference == f"#{ticket.id}"
    session.refresh(ticket)
    assert (ticket.csat_score, ticket.csat_comment) == (5, "Fast, thanks")

    again = csat.submit_rating(session, token, score=1, comment="")
    assert again.errors == {"form": csat.USED}
    session.refresh(ticket)
    assert ticket.csat_score == 5


def test_without_a_customer_address_a_reply_is_stored_but_not_mailed(session, inbox, team):
    ticket = create_ticket(session, TicketInput(subject="Walk-in"), actor_id=team.agent.id)
    reply = add_comment(session, ticket.id, body="Noted.", is_public=True, actor_id=team.agent.id)
    assert reply.mail_id is None
    update_ticket(session, ticket.id, {"status": "solved"}, actor_id=team.agent.id)
    assert session.execute(sa.select(CsatRequest)).first() is None
