"""Every event handler of every State in the app, called by a client without a session,
changes nothing in the database and sets no var; a read-only user can call nothing that
writes. Handlers are discovered from the app itself, not from a hand-kept list.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

import crm_app.crm_app  # noqa: F401  (imports every page and so every State)
from crm_app.db import get_engine
from crm_app.models import Contact, Role
from crm_app.services import auth, users, writes
from crm_app.state.guard import GUARD_ATTR, PUBLIC_ENTRY_POINTS

from .state_calls import app_states as _app_states
from .state_calls import call as _call
from .state_calls import digest as _digest
from .state_calls import state_instance

# A client's session is its own business: ending it is not a write to CRM data.
SESSION_HANDLERS = {"AppState.logout"}


HANDLERS = sorted(
    ((cls, name) for cls in _app_states() for name in cls.event_handlers if name != "setvar"),
    key=lambda pair: (pair[0].__name__, pair[1]),
)
HANDLER_IDS = [f"{cls.__name__}.{name}" for cls, name in HANDLERS]


@pytest.fixture
def populated(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url)) as s:
        for role in Role:
            users.create_user(
                s,
                name=f"{role} user",
                email=f"{role}@example.com",
                role=role,
                password="a-long-password-1",
                actor_id=None,
            )
        writes.create(s, Contact(first_name="Ann", last_name="Lee"), actor_id=None)
        s.commit()
    return db_url


def test_discovery_finds_the_app_handlers() -> None:
    assert len(HANDLERS) >= 10
    assert "LoginState.login" in HANDLER_IDS and "UsersAdminState.create_user" in HANDLER_IDS


@pytest.mark.parametrize(("cls", "name"), HANDLERS, ids=HANDLER_IDS)
def test_every_handler_is_guarded_or_a_registered_public_entry_point(cls, name) -> None:
    marker = getattr(cls.event_handlers[name].fn, GUARD_ATTR, None)
    qualified = f"{cls.__name__}.{name}"
    assert marker is not None, f"{qualified} has no guard"
    assert (marker == "public") == (qualified in PUBLIC_ENTRY_POINTS)


@pytest.mark.parametrize(("cls", "name"), HANDLERS, ids=HANDLER_IDS)
def test_without_a_session_a_handler_changes_nothing(cls, name, populated: str) -> None:
    qualified = f"{cls.__name__}.{name}"
    if qualified in PUBLIC_ENTRY_POINTS:
        pytest.skip("public entry point: covered by its own validation and rate-limit tests")
    before_db = _digest(populated)
    before, after = _call(cls, name)
    assert _digest(populated) == before_db
    assert after == before


@pytest.mark.parametrize(("cls", "name"), HANDLERS, ids=HANDLER_IDS)
def test_a_read_only_user_cannot_write(cls, name, populated: str) -> None:
    qualified = f"{cls.__name__}.{name}"
    if qualified in PUBLIC_ENTRY_POINTS or qualified in SESSION_HANDLERS:
        pytest.skip("not a write to CRM data")
    with Session(get_engine(populated)) as s:
        token, _ = auth.login(s, "read_only@example.com", "a-long-password-1")
        s.commit()
    before_db = _digest(populated)
    _call(cls, name, token)
    assert _digest(populated) == before_db


def test_setvar_reaches_only_guarded_setters(populated: str) -> None:
    """`setvar(name, value)` exists on every state and calls `set_<name>`: vars without such a
    setter are refused, and the setters that exist are guarded handlers (tested above)."""
    for cls in _app_states():
        state = state_instance(cls)
        for var in cls.base_vars:
            setter = cls.event_handlers.get(f"set_{var}")
            if setter is not None:
                assert getattr(setter.fn, GUARD_ATTR, None) is not None, f"{cls.__name__}.set_{var}"
                continue
            with pytest.raises(AttributeError):
                cls.event_handlers["setvar"].fn(state, var, "x")
