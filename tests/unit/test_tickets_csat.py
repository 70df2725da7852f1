"""CSAT tokens: valid, unknown, expired, used once, replaced by a newer request; rating
validation, the score on the ticket and the customer's timeline, the rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_app.models import Activity, CsatRequest, utcnow
from crm_app.services import mail
from crm_app.services.tickets import csat
from crm_app.services.tickets.editing import TicketInput, create_ticket

from .test_mail import configure
from .ticket_fixtures import make_team


@pytest.fixture(autouse=True)
def _no_smtp_environment(monkeypatch):
    for key in mail.config.FORM_FIELDS.values():
        monkeypatch.delenv(mail.config.env_name(key), raising=False)


@pytest.fixture
def solved(session):
    configure(session, 2525)  # queued only: nothing is sent in these tests
    team = make_team(session)
    ticket = create_ticket(
        session,
        TicketInput(subject="Hinge", contact_id=team.customer.id, status="solved"),
        actor_id=team.agent.id,
    )
    session.commit()
    return ticket


def test_a_fresh_token_is_valid_and_says_what_it_is_about(session, solved):
    asked = csat.request_rating(session, solved, actor_id=None)
    check = csat.check_token(session, asked.token)
    assert check.ok and check.reference == f"#{solved.id}" and check.subject == "Hinge"
    assert asked.link.endswith(f"/csat/{asked.token}")
    assert asked.request.expires_at - asked.request.created_at == timedelta(days=14)


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "y" * 500, "../../etc/passwd"])
def test_unknown_tokens_are_invalid(session, solved, token):
    csat.request_rating(session, solved, actor_id=None)
    assert csat.check_token(session, token).error == csat.INVALID
    assert csat.submit_rating(session, token, score=5).errors == {"form": csat.INVALID}


def test_an_expired_token_says_so(session, solved):
    asked = csat.request_rating(session, solved, actor_id=None)
    later = utcnow() + timedelta(days=14, seconds=1)
    assert csat.check_token(session, asked.token, now=later).error == csat.EXPIRED
    result = csat.submit_rating(session, asked.token, score=4, now=later)
    assert result.errors == {"form": csat.EXPIRED}
    assert solved.csat_score is None


def test_a_token_works_once_and_lands_on_the_ticket_and_timeline(session, solved):
    asked = csat.request_rating(session, solved, actor_id=None)
    result = csat.submit_rating(session, asked.token, score="4", comment="  Good  ")
    assert result.ok
    assert (solved.csat_score, solved.csat_comment) == (4, "Good")
    assert solved.csat_at is not None
    note = session.execute(sa.select(Activity).where(Activity.ticket_id == solved.id)).scalar_one()
    assert note.contact_id == solved.contact_id and note.kind == "note"
    assert note.subject == f"★★★★☆ 4/5 · #{solved.id}" and note.body == "Good"
    assert csat.check_token(session, asked.token).error == csat.USED
    assert csat.submit_rating(session, asked.token, score=1).errors == {"form": csat.USED}
    assert solved.csat_score == 4


def test_a_new_request_retires_the_old_link(session, solved):
    first = csat.request_rating(session, solved, actor_id=None)
    second = csat.request_rating(session, solved, actor_id=None)
    assert csat.check_token(session, first.token).error == csat.EXPIRED
    assert csat.check_token(session, second.token).ok
    assert session.execute(sa.select(sa.func.count()).select_from(CsatRequest)).scalar() == 2


@pytest.mark.parametrize(
    ("score", "comment", "errors"),
    [
        (0, "", {"score": csat.SCORE}),
        (6, "", {"score": csat.SCORE}),
        ("five", "", {"score": csat.SCORE}),
        (None, "", {"score": csat.SCORE}),
        (3, "x" * 1001, {"comment": csat.COMMENT_TOO_LONG}),
    ],
)
def test_bad_ratings_keep_the_link_usable(session, solved, score, comment, errors):
    asked = csat.request_rating(session, solved, actor_id=None)
    assert csat.submit_rating(session, asked.token, score=score, comment=comment).errors == errors
    assert csat.check_token(session, asked.token).ok
    assert solved.csat_score is None


def test_checks_from_one_client_are_rate_limited(session, solved):
    asked = csat.request_rating(session, solved, actor_id=None)
    for _ in range(csat.RATE_LIMIT):
        csat.check_token(session, "z" * 43, client_key="203.0.113.9")
    assert csat.check_token(session, asked.token, client_key="203.0.113.9").error == csat.TOO_MANY
    assert csat.submit_rating(session, asked.token, score=5, client_key="203.0.113.9").errors == {
        "form": csat.TOO_MANY
    }
    assert csat.check_token(session, asked.token, client_key="198.51.100.1").ok
