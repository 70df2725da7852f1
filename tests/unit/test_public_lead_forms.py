"""The public lead form's handlers (no login): their own validation and rate-limit tests
(the handler guard test skips public entry points)."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Contact, LeadFormSubmission
from crm_app.services import lead_form_submit, lead_forms
from crm_app.state.guard import PUBLIC_ENTRY_POINTS
from crm_app.state.lead_form_public import LeadFormPublicState as S

from .state_calls import state_instance

FORM = {
    "first_name": "Mari",
    "last_name": "Maasikas",
    "email": "mari@example.com",
    "message": "Call me",
    "website": "",
}


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url)) as s:
        lead_forms.create_form(
            s,
            {
                "name": "Contact us",
                "fields": [
                    {"field": "first_name", "required": True},
                    {"field": "last_name"},
                    {"field": "email", "label": "Work e-mail"},
                    {"field": "message"},
                ],
                "thank_you": "Thanks, we will call you.",
            },
            actor_id=None,
        )
        s.commit()
    return db_url


def _at(state, slug: str, ip: str = "203.0.113.7"):
    """The route's slug and the caller's address, as the router would give them."""
    router = state.router
    page = dataclasses.replace(router._page, params={"slug": slug})
    client = dataclasses.replace(router.session, client_ip=ip)
    object.__setattr__(state, "router", dataclasses.replace(router, _page=page, session=client))
    return state


def _call(state, name: str, *args):
    return S.event_handlers[name].fn(state, *args)


def _count(url: str, model) -> int:
    with Session(get_engine(url)) as s:
        return s.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _loaded(slug: str = "contact-us"):
    state = _at(state_instance(S), slug)
    _call(state, "load_form")
    return state


def test_the_public_handlers_are_registered() -> None:
    names = {n for n in PUBLIC_ENTRY_POINTS if n.startswith("LeadFormPublicState.")}
    assert names == {
        "LeadFormPublicState.load_form",
        "LeadFormPublicState.submit",
        "LeadFormPublicState.new_submission",
    }


def test_loading_shows_the_forms_fields_with_their_labels(db: str) -> None:
    state = _loaded()
    assert state.form_state == "ready" and state.form_title == "Contact us"
    assert [(f["field"], f["label"], f["required"]) for f in state.form_fields] == [
        ("first_name", "First name", "1"),
        ("last_name", "Last name", ""),
        ("email", "Work e-mail", "1"),
        ("message", "Message", ""),
    ]


@pytest.mark.parametrize("slug", ["no-such-form", "../../etc/passwd", "x" * 500, ""])
def test_an_unknown_address_shows_the_form_is_not_available(db: str, slug: str) -> None:
    state = _loaded(slug)
    assert state.form_state == "closed" and state.form_fields == []
    _call(state, "submit", dict(FORM))
    assert _count(db, Contact) == 0


def test_a_submission_creates_the_contact_and_thanks(db: str) -> None:
    state = _loaded()
    _call(state, "submit", dict(FORM))
    assert state.errors == {} and state.form_state == "done"
    assert state.thank_you == "Thanks, we will call you."
    assert _count(db, Contact) == 1 and _count(db, LeadFormSubmission) == 1
    _call(state, "new_submission")
    assert state.form_state == "ready" and state.values == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Fill in this field."),
        ({"email": "nope"}, "email", "Enter a valid e-mail address, like name@example.com."),
        ({"message": "x" * 5001}, "message", "This text is too long."),
    ],
)
def test_bad_input_shows_a_message_beside_the_field_and_keeps_the_text(
    db: str, changes: dict, field: str, message: str
) -> None:
    state = _loaded()
    _call(state, "submit", FORM | changes)
    assert state.errors.get(field) == message and state.form_state == "ready"
    assert state.values["last_name"] == "Maasikas"
    assert _count(db, Contact) == 0


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(db: str) -> None:
    state = _loaded()
    _call(state, "submit", FORM | {"website": "http://spam.example"})
    assert state.form_state == "done" and state.errors == {}
    assert _count(db, Contact) == 0 and _count(db, LeadFormSubmission) == 0


def test_submissions_are_rate_limited_per_address(db: str) -> None:
    state = _loaded()
    for _ in range(lead_form_submit.PER_ADDRESS):
        _call(state, "submit", dict(FORM))
        assert state.errors == {}
        _call(state, "new_submission")
    _call(state, "submit", dict(FORM))
    assert state.errors == {"form": "Too many submissions. Please try again in an hour."}
    assert _count(db, LeadFormSubmission) == lead_form_submit.PER_ADDRESS


def test_submissions_are_rate_limited_per_client(db: str) -> None:
    state = _loaded()
    for i in range(lead_form_submit.PER_CLIENT):
        _call(state, "submit", FORM | {"email": f"p{i}@example.com"})
        _call(state, "new_submission")
    _call(state, "submit", FORM | {"email": "late@example.com"})
    assert state.errors == {"form": "Too many submissions. Please try again in an hour."}
    assert _count(db, Contact) == lead_form_submit.PER_CLIENT


def test_junk_instead_of_a_form_changes_nothing(db: str) -> None:
    state = _loaded()
    _call(state, "submit", ["not", "a", "form"])
    _call(state, "submit", {"email": {"a": 1}, "first_name": ["x"]})
    assert _count(db, Contact) == 0
