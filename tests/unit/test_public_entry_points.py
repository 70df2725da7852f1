"""The public entry points (callable without a session): validation and rate limits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Role, User, UserSession
from crm_app.services import app_settings, auth, users
from crm_app.state.guard import PUBLIC_ENTRY_POINTS
from crm_app.state.login import LoginState

from .state_calls import state_instance

PASSWORD = "a-long-password-1"


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url)) as s:
        users.create_user(
            s,
            name="Sam Sales",
            email="sam@example.com",
            role=Role.SALES,
            password=PASSWORD,
            actor_id=None,
        )
        users.create_user(
            s,
            name="Demo Dana",
            email="dana@demo.example",
            role=Role.MANAGER,
            password="rapport-demo",
            actor_id=None,
            is_demo=True,
        )
        app_settings.put(s, "demo_loaded", True, actor_id=None)
        s.commit()
    return db_url


def _sessions(url: str) -> int:
    with Session(get_engine(url)) as s:
        return s.execute(sa.select(sa.func.count()).select_from(UserSession)).scalar_one()


def test_the_registry_holds_exactly_the_known_public_handlers() -> None:
    """Each of these has its own validation and rate-limit tests: the login below, the
    support form and the satisfaction survey in test_public_service_pages.py, the lead
    forms in test_public_lead_forms.py."""
    assert PUBLIC_ENTRY_POINTS == {
        "LoginState.login",
        "LoginState.login_demo",
        "LoginState.load_login",
        "PublicServiceState.load_request_form",
        "PublicServiceState.submit_request",
        "PublicServiceState.new_request",
        "PublicServiceState.load_survey",
        "PublicServiceState.choose_score",
        "PublicServiceState.submit_rating",
        "LeadFormPublicState.load_form",
        "LeadFormPublicState.submit",
        "LeadFormPublicState.new_submission",
    }


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Enter your e-mail address and password."),
        ({"email": "sam@example.com"}, "Enter your e-mail address and password."),
        (
            {"email": "sam@example.com", "password": "wrong-password"},
            "Wrong e-mail address or password.",
        ),
        (
            {"email": "nobody@example.com", "password": PASSWORD},
            "Wrong e-mail address or password.",
        ),
        (
            {"email": "x" * 400 + "@example.com", "password": PASSWORD},
            "Wrong e-mail address or password.",
        ),
        (
            {"email": ["not", "a", "string"], "password": {"x": 1}},
            "Wrong e-mail address or password.",
        ),
    ],
)
def test_login_rejects_bad_input_with_a_message_and_no_session(
    db: str, form: dict, message: str
) -> None:
    state = state_instance(LoginState)
    result = LoginState.event_handlers["login"].fn(state, form)
    assert result is None
    assert state.error == message
    assert state.session_token == ""
    assert state.user_email == ""
    assert _sessions(db) == 0


def test_login_succeeds_sets_the_cookie_and_shows_the_user(db: str) -> None:
    state = state_instance(LoginState)
    LoginState.event_handlers["login"].fn(
        state, {"email": " SAM@example.com ", "password": PASSWORD}
    )
    assert state.error == ""
    assert state.user_email == "sam@example.com"
    with Session(get_engine(db)) as s:
        assert auth.resolve(s, state.session_token).email == "sam@example.com"


def test_login_is_rate_limited_per_address(db: str) -> None:
    state = state_instance(LoginState)
    for _ in range(auth.LOGIN_LIMIT):
        LoginState.event_handlers["login"].fn(
            state, {"email": "sam@example.com", "password": "wrong-pass"}
        )
    LoginState.event_handlers["login"].fn(state, {"email": "sam@example.com", "password": PASSWORD})
    assert state.error == "Too many attempts. Wait 15 minutes and try again."
    assert _sessions(db) == 0
    # Another address is not blocked by the first one's failures.
    LoginState.event_handlers["login"].fn(
        state, {"email": "dana@demo.example", "password": "rapport-demo"}
    )
    assert state.error == "" and _sessions(db) == 1


def test_demo_login_only_for_demo_users(db: str) -> None:
    state = state_instance(LoginState)
    LoginState.event_handlers["login_demo"].fn(state, "sam@example.com")
    assert state.error == "This demo user is not available." and _sessions(db) == 0
    LoginState.event_handlers["login_demo"].fn(state, "dana@demo.example")
    assert state.error == "" and state.user_email == "dana@demo.example" and _sessions(db) == 1


def test_demo_login_stops_working_once_the_demo_password_is_changed(db: str) -> None:
    with Session(get_engine(db)) as s:
        dana = s.execute(sa.select(User).where(User.email == "dana@demo.example")).scalar_one()
        users.reset_password(s, dana.id, actor_id=dana.id, password="a-private-password")
        s.commit()
    state = state_instance(LoginState)
    LoginState.event_handlers["login_demo"].fn(state, "dana@demo.example")
    assert state.error == "Wrong e-mail address or password." and _sessions(db) == 0


def test_load_login_lists_only_active_demo_users_and_writes_nothing(db: str) -> None:
    from .state_calls import digest

    before = digest(db)
    state = state_instance(LoginState)
    LoginState.event_handlers["load_login"].fn(state)
    assert [u.email for u in state.demo_logins] == ["dana@demo.example"]
    assert digest(db) == before


def test_no_demo_logins_once_the_demo_business_is_gone(db: str) -> None:
    with Session(get_engine(db)) as s:
        app_settings.put(s, "demo_loaded", False, actor_id=None)
        s.commit()
    state = state_instance(LoginState)
    LoginState.event_handlers["load_login"].fn(state)
    assert state.demo_logins == []
    LoginState.event_handlers["login_demo"].fn(state, "dana@demo.example")
    assert state.error == "This demo user is not available." and _sessions(db) == 0
