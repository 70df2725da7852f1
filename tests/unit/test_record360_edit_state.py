"""Inline edit on the record page, through its state handlers as a browser would call them."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Company, Contact
from crm_app.services import auth, contacts, users, writes
from crm_app.state.record360 import Record360State
from crm_app.state.record360_edit import Record360EditState

from .state_calls import state_instance


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url)) as s:
        for role in ("sales", "read_only"):
            users.create_user(
                s,
                name=f"{role.title()} User",
                email=f"{role}@example.com",
                role=role,
                password="a-long-password-1",
                actor_id=None,
            )
        acme = writes.create(s, Company(name="Acme"), actor_id=None)
        ann = contacts.create_contact(
            s,
            contacts.ContactInput(
                first_name="Ann",
                last_name="Lee",
                title="Buyer",
                company_id=acme.id,
                emails=[("ann@acme.example", "work")],
            ),
            actor_id=None,
        )
        s.commit()
        ids = {"contact": ann.id, "company": acme.id}
    return {"ids": ids, "db_url": db_url, "mp": monkeypatch}


def _signed_in(world: dict, role: str, kind: str) -> Record360EditState:
    with Session(get_engine(world["db_url"])) as s:
        token, _ = auth.login(s, f"{role}@example.com", "a-long-password-1")
        s.commit()
    edit = state_instance(Record360EditState)
    page = edit.parent_state
    page.session_token = token
    key = world["ids"][kind]
    world["mp"].setattr(Record360State, "_route_id", lambda self: key)
    list(Record360State.event_handlers[f"load_{kind}"].fn(page))
    return edit


def _call(state: Record360EditState, name: str, *args):
    return Record360EditState.event_handlers[name].fn(state, *args)


def _stored(world: dict, contact_id: int) -> Contact:
    with Session(get_engine(world["db_url"])) as s:
        return s.get(Contact, contact_id)


def test_a_text_field_opens_saves_on_enter_and_shows_on_the_page(world) -> None:
    edit = _signed_in(world, "sales", "contact")
    assert edit.fields["title"] == "Buyer" and edit.fields["owner_id"] == "__none__"
    assert [o[0] for o in edit.choices["lifecycle_stage"]][:2] == ["lead", "prospect"]
    assert edit.choices["owner_id"][0][0] == "__none__"
    _call(edit, "start_edit", "title")
    assert edit.editing == "title"
    _call(edit, "submit_contact_field", {"value": "Head buyer"})
    assert (edit.editing, edit.edit_errors) == ("", {})
    assert edit.profile["title"] == "Head buyer" and edit.fields["title"] == "Head buyer"
    assert _stored(world, world["ids"]["contact"]).title == "Head buyer"
    # the blur that follows Enter does nothing
    assert _call(edit, "save_contact_field", "title", "something else") is None
    assert _stored(world, world["ids"]["contact"]).title == "Head buyer"


def test_a_refused_value_stays_open_with_its_reason_and_escape_leaves(world) -> None:
    edit = _signed_in(world, "sales", "contact")
    _call(edit, "start_edit", "email")
    _call(edit, "save_contact_field", "email", "not-an-address")  # leaving the input
    assert edit.editing == "email"
    assert "valid e-mail" in edit.edit_errors["email"]
    # Escape: the browser puts the stored value back and leaves the input
    _call(edit, "save_contact_field", "email", edit.fields["email"])
    assert (edit.editing, edit.edit_errors) == ("", {})
    stored = contacts.contact_form  # the address is untouched
    with Session(get_engine(world["db_url"])) as s:
        assert stored(s, world["ids"]["contact"]).emails == [("ann@acme.example", "work")]


def test_selects_and_switches_save_on_change(world) -> None:
    edit = _signed_in(world, "sales", "contact")
    me = next(o for o in edit.choices["owner_id"] if o[1] == "Sales User")
    _call(edit, "save_contact_field", "owner_id", me[0])
    _call(edit, "save_contact_field", "lifecycle_stage", "customer")
    _call(edit, "save_contact_field", "channel", "phone")
    _call(edit, "save_contact_field", "consent_email", True)
    assert edit.profile["owner"] == "Sales User" and edit.profile["stage_label"] == "Customer"
    assert edit.profile["channel"] == "Phone" and edit.fields["consent_email"] == "1"
    assert edit.profile["consent"] == "Agreed to receive e-mail"
    _call(edit, "save_contact_field", "owner_id", "__none__")
    assert edit.fields["owner_id"] == "__none__" and edit.profile["owner"] == "No owner"
    contact = _stored(world, world["ids"]["contact"])
    assert contact.consent_email and contact.preferences["channel"] == "phone"


def test_a_company_field_on_the_company_page_only(world) -> None:
    edit = _signed_in(world, "sales", "company")
    _call(edit, "save_contact_field", "title", "x")  # wrong page: nothing
    _call(edit, "start_edit", "domain")
    _call(edit, "submit_company_field", {"value": "www.acme.example"})
    assert edit.profile["domain"] == "acme.example"
    _call(edit, "start_edit", "name")
    _call(edit, "submit_company_field", {"value": " "})
    assert edit.edit_errors == {"name": "Enter the company name."} and edit.editing == "name"


def test_a_read_only_user_sees_values_and_can_change_nothing(world) -> None:
    edit = _signed_in(world, "read_only", "contact")
    assert not edit.can_edit and edit.fields == {} and edit.choices == {}
    _call(edit, "start_edit", "title")
    assert edit.editing == ""
    _call(edit, "save_contact_field", "title", "Hacked")
    _call(edit, "submit_contact_field", {"value": "Hacked"})
    assert _stored(world, world["ids"]["contact"]).title == "Buyer"
