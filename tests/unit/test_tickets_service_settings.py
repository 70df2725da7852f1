"""Settings → Service: the SLA targets and business calendar form, through its service and
its state handlers as the browser calls them (admins only, errors beside the fields)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import Session

from crm_app.db import get_engine, session_scope
from crm_app.services import app_settings, auth, users
from crm_app.services.errors import ValidationError
from crm_app.services.tickets import service_settings, sla
from crm_app.services.tickets.calendar import load_calendar
from crm_app.state.service_admin import ServiceAdminState

from .state_calls import digest, state_instance


def _form(**changes) -> dict:
    form = {
        "urgent.first_response": "0.5",
        "urgent.resolution": "4",
        "high.first_response": "4",
        "high.resolution": "8",
        "normal.first_response": "8",
        "normal.resolution": "24",
        "low.first_response": "",
        "low.resolution": "",
        "time_zone": "Europe/Tallinn",
        "holidays": "2026-12-24\n2026-12-25, 2027-01-01",
    }
    for day in range(5):
        form |= {f"day.{day}": "on", f"start.{day}": "08:00", f"end.{day}": "16:30"}
    return form | changes


def test_the_form_shows_the_defaults(session):
    form = service_settings.service_form(session)
    assert form.values["urgent.first_response"] == "1"
    assert form.values["low.resolution"] == "40"
    assert form.values["start.0"] == "09:00" and form.values["end.6"] == "17:00"
    assert form.days_on == {str(d): d < 5 for d in range(7)}
    assert form.time_zone == "UTC"


def test_saving_stores_policies_and_calendar(session):
    service_settings.save_service_form(session, _form(), actor_id=None)
    policies = sla.policies(session)
    assert policies["urgent"].first_response_minutes == 30
    assert (policies["low"].first_response_minutes, policies["low"].resolution_minutes) == (
        None,
        None,
    )
    cal = load_calendar(session)
    assert cal.time_zone == "Europe/Tallinn"
    assert cal.hours == {d: (time(8), time(16, 30)) for d in range(5)}
    assert cal.holidays == {date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 1)}
    again = service_settings.service_form(session)
    assert again.values["urgent.first_response"] == "0.5"
    assert again.values["holidays"] == "2026-12-24\n2026-12-25\n2027-01-01"


def test_nothing_is_saved_when_any_field_is_wrong(session):
    bad = _form(**{"high.first_response": "-1", "end.2": "07:00", "holidays": "Christmas"})
    with pytest.raises(ValidationError) as caught:
        service_settings.save_service_form(session, bad, actor_id=None)
    assert set(caught.value.errors) == {"high.first_response", "hours.2", "holidays"}
    assert sla.policies(session)["urgent"].first_response_minutes == 60
    assert load_calendar(session).time_zone == "UTC"
    no_days = {k: v for k, v in _form().items() if not k.startswith("day.")}
    with pytest.raises(ValidationError) as caught:
        service_settings.save_service_form(session, no_days, actor_id=None)
    assert "days" in caught.value.errors


def _login(s: Session, email: str, role: str) -> str:
    users.create_user(
        s, name=email[:3], email=email, role=role, password="a-long-password-1", actor_id=None
    )
    s.commit()
    token, _ = auth.login(s, email, "a-long-password-1")
    s.commit()
    return token


@pytest.fixture
def tokens(db_url, monkeypatch, fast_hashing) -> dict:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        return {
            "admin": _login(s, "ada@example.com", "admin"),
            "manager": _login(s, "mo@example.com", "manager"),
        }


def _state(token: str):
    state = state_instance(ServiceAdminState)
    state.session_token = token
    return state


def _call(state, name: str, *args):
    return ServiceAdminState.event_handlers[name].fn(state, *args)


def test_an_admin_loads_and_saves_the_tab(tokens, db_url):
    state = _state(tokens["admin"])
    _call(state, "load_service_settings")
    assert state.values["normal.resolution"] == "24" and state.days_on["0"] is True
    _call(state, "save_service_settings", _form(**{"urgent.resolution": "0.25"}))
    assert state.errors == {
        "urgent.resolution": "Resolution cannot be due before the first response."
    }
    _call(state, "save_service_settings", _form())
    assert state.errors == {} and state.values["urgent.first_response"] == "0.5"
    with session_scope(db_url) as s:
        assert load_calendar(s).time_zone == "Europe/Tallinn"


def test_a_manager_sees_and_changes_nothing(tokens, db_url):
    state = _state(tokens["manager"])
    _call(state, "load_service_settings")
    assert state.values == {}
    before = digest(db_url)
    _call(state, "save_service_settings", _form())
    assert digest(db_url) == before


def test_the_app_address_for_rating_links(session, monkeypatch):
    monkeypatch.delenv("RAPPORT_BASE_URL", raising=False)
    monkeypatch.setenv("RAPPORT_PORT", "3100")
    assert app_settings.base_url(session) == "http://localhost:3100"
    monkeypatch.setenv("RAPPORT_BASE_URL", "https://env.example.com/")
    assert app_settings.base_url(session) == "https://env.example.com"
    with pytest.raises(ValidationError) as caught:
        service_settings.save_service_form(
            session, _form(base_url="crm.example.com"), actor_id=None
        )
    assert set(caught.value.errors) == {"base_url"}
    service_settings.save_service_form(
        session, _form(base_url="https://crm.kestrel.example/"), actor_id=None
    )
    assert app_settings.base_url(session) == "https://crm.kestrel.example"
    assert (
        service_settings.service_form(session).values["base_url"] == "https://crm.kestrel.example"
    )
