"""The public service pages' handlers (no login): the request form and the CSAT survey.

Their own validation and rate-limit tests (the handler guard test skips public entry points).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Contact, ContactEmail, CsatRequest, Ticket
from crm_app.services.tickets import csat, public_form
from crm_app.state.guard import PUBLIC_ENTRY_POINTS
from crm_app.state.public_service import PublicServiceState as S

from .state_calls import state_instance

TOKEN = "a-long-random-token-for-the-tests-0123456789"
FORM = {
    "name": "Mari Maasikas",
    "email": "Mari@Example.com",
    "subject": "The printer jams",
    "message": "Every second page jams since Monday.",
    "website": "",
}


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    return db_url


def _call(state, name: str, *args):
    return S.event_handlers[name].fn(state, *args)


def _tickets(url: str) -> list[Ticket]:
    with Session(get_engine(url)) as s:
        return list(s.execute(sa.select(Ticket).order_by(Ticket.id)).scalars())


def test_the_public_handlers_are_registered() -> None:
    names = {n for n in PUBLIC_ENTRY_POINTS if n.startswith("PublicServiceState.")}
    assert names == {
        "PublicServiceState.load_request_form",
        "PublicServiceState.submit_request",
        "PublicServiceState.new_request",
        "PublicServiceState.load_survey",
        "PublicServiceState.choose_score",
        "PublicServiceState.submit_rating",
    }


def test_a_request_creates_a_ticket_for_a_new_contact_and_shows_its_reference(db: str) -> None:
    state = state_instance(S)
    _call(state, "submit_request", dict(FORM))
    assert state.errors == {}
    [ticket] = _tickets(db)
    assert state.reference == f"#{ticket.id}"
    assert ticket.channel == "web" and ticket.assignee_id is None
    assert ticket.subject == "The printer jams"
    with Session(get_engine(db)) as s:
        contact = s.get(Contact, ticket.contact_id)
        assert (contact.first_name, contact.last_name) == ("Mari", "Maasikas")
        emails = s.execute(sa.select(ContactEmail.email)).scalars().all()
        assert emails == ["mari@example.com"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "Enter your name."),
        (
            {"email": "not-an-address"},
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        ),
        ({"subject": ""}, "subject", "Enter a subject."),
        ({"message": ""}, "message", "Describe your request."),
        ({"subject": "x" * 1000}, "subject", "This text is too long."),
    ],
)
def test_bad_input_shows_a_message_beside_the_field_and_keeps_the_text(
    db: str, changes: dict, field: str, message: str
) -> None:
    state = state_instance(S)
    _call(state, "submit_request", FORM | changes)
    assert state.errors.get(field) == message
    assert state.reference == ""
    assert state.values["message"] == (FORM | changes)["message"][:20000]
    assert _tickets(db) == []


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(db: str) -> None:
    state = state_instance(S)
    _call(state, "submit_request", FORM | {"website": "http://spam.example"})
    assert state.reference.startswith("#") and state.errors == {}
    assert _tickets(db) == []


def test_requests_are_rate_limited_per_address(db: str) -> None:
    state = state_instance(S)
    for i in range(public_form.PER_ADDRESS):
        _call(state, "submit_request", FORM | {"subject": f"Request {i}"})
        assert state.errors == {}
    _call(state, "submit_request", FORM | {"subject": "One too many"})
    assert state.errors == {"form": "Too many requests. Please try again in an hour."}
    assert len(_tickets(db)) == public_form.PER_ADDRESS
    # another address still gets through
    _call(state, "submit_request", FORM | {"email": "jaan@example.com"})
    assert state.errors == {} and len(_tickets(db)) == public_form.PER_ADDRESS + 1


def test_junk_instead_of_a_form_changes_nothing(db: str) -> None:
    state = state_instance(S)
    _call(state, "submit_request", ["not", "a", "form"])
    _call(state, "submit_request", {"name": ["x"], "email": {"a": 1}})
    assert _tickets(db) == []


def _ticket_with_survey(url: str, *, expires: timedelta = timedelta(days=3)) -> int:
    now = datetime.now(UTC)
    with Session(get_engine(url)) as s:
        ticket = Ticket(subject="Broken hinge", status="solved", resolved_at=now)
        s.add(ticket)
        s.flush()
        s.add(
            CsatRequest(
                ticket_id=ticket.id,
                token_hash=csat.hash_token(TOKEN),
                created_at=now,
                expires_at=now + expires,
            )
        )
        s.commit()
        return ticket.id


class _Route:
    """A stand-in for the router's page params (the token in /csat/<token>)."""

    def __init__(self, state, token: str) -> None:
        self.state, self.token = state, token

    def __enter__(self):
        import dataclasses

        router = self.state.router
        page = dataclasses.replace(router._page, params={"token": self.token})
        object.__setattr__(self.state, "router", dataclasses.replace(router, _page=page))
        return self.state

    def __exit__(self, *exc) -> None:
        return None


def test_the_survey_link_works_once(db: str) -> None:
    ticket_id = _ticket_with_survey(db)
    with _Route(state_instance(S), TOKEN) as state:
        _call(state, "load_survey")
        assert state.survey_state == "ready" and state.survey_reference == f"#{ticket_id}"
        _call(state, "choose_score", "4")
        _call(state, "submit_rating", {"comment": "Quick and friendly"})
        assert state.survey_state == "done"
    with Session(get_engine(db)) as s:
        ticket = s.get(Ticket, ticket_id)
        assert (ticket.csat_score, ticket.csat_comment) == (4, "Quick and friendly")
    with _Route(state_instance(S), TOKEN) as again:
        _call(again, "load_survey")
        assert again.survey_state == "error" and again.survey_error
        _call(again, "choose_score", "1")
        _call(again, "submit_rating", {"comment": "changed my mind"})
    with Session(get_engine(db)) as s:
        assert s.get(Ticket, ticket_id).csat_score == 4


def test_a_survey_needs_a_score_and_rejects_unknown_or_expired_links(db: str) -> None:
    _ticket_with_survey(db)
    with _Route(state_instance(S), TOKEN) as state:
        _call(state, "load_survey")
        _call(state, "choose_score", "9")  # not offered: ignored
        _call(state, "submit_rating", {"comment": ""})
        assert state.survey_state == "ready" and "score" in state.errors
    with _Route(state_instance(S), "x" * 40) as state:
        _call(state, "load_survey")
        assert state.survey_state == "error"
    with _Route(state_instance(S), "../../etc/passwd") as state:
        _call(state, "load_survey")
        assert state.survey_state == "error"


def test_an_expired_survey_link_says_so(db: str) -> None:
    _ticket_with_survey(db, expires=timedelta(seconds=-1))
    with _Route(state_instance(S), TOKEN) as state:
        _call(state, "load_survey")
        assert state.survey_state == "error" and state.survey_reference.startswith("#")
