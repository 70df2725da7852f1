"""The contact form offers every choice it shows (a bug once left the preference lists empty)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.services import auth, users
from crm_app.state.contact_form import ContactFormState

from .state_calls import state_instance


@pytest.fixture
def token(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url)) as s:
        users.create_user(
            s,
            name="Sam Sales",
            email="sam@example.com",
            role="sales",
            password="a-long-password-1",
            actor_id=None,
            locale="et",
        )
        s.commit()
        token, _ = auth.login(s, "sam@example.com", "a-long-password-1")
        s.commit()
    return token


def test_new_contact_form_has_all_its_choices_in_the_users_language(token: str) -> None:
    state = state_instance(ContactFormState)
    state.session_token = token
    ContactFormState.event_handlers["open_new"].fn(state)
    assert state.open
    assert [c[0] for c in state.channels] == ["email", "phone", "none"]
    assert state.channels[0][1] == "E-post"  # translated into the user's language (et)
    assert len(state.languages) > 50 and ["et", "eesti"] in state.languages
    assert len(state.countries) > 200 and [s[0] for s in state.stages] == [
        "lead",
        "prospect",
        "customer",
        "churned",
    ]
    assert state.owners and state.owners[0][1] == "Sam Sales"
