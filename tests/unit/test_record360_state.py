"""The record page: logging activities (rules and "last contacted"), and its state handlers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from crm_app.db import get_engine
from crm_app.models import Activity, AuditEntry, Company, Contact, Order, OrderLine
from crm_app.services import activities, auth, users, writes
from crm_app.services.errors import NotFound, ValidationError
from crm_app.state.record360 import Record360State
from crm_app.state.record360_rows import escape_markdown_html

from .state_calls import state_instance

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def _contact(session: Session, **values) -> Contact:
    return writes.create(
        session, Contact(first_name="Ann", last_name="Lee", **values), actor_id=None
    )


def _log(session: Session, contact: Contact, at: datetime, kind: str = "call", **extra) -> Activity:
    return activities.log_activity(
        session,
        contact_id=contact.id,
        kind=kind,
        subject=extra.pop("subject", "Talked"),
        body=extra.pop("body", ""),
        occurred_at=at,
        actor_id=None,
        now=NOW,
        **extra,
    )


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


# -- log_activity ------------------------------------------------------------------------------
def test_a_call_moves_last_contacted_forward_only(session: Session) -> None:
    ann = _contact(session)
    _log(session, ann, NOW - timedelta(days=2), duration_minutes=12, outcome="connected")
    assert _aware(ann.last_contacted_at) == NOW - timedelta(days=2)
    _log(session, ann, NOW - timedelta(days=30))  # an old call logged late
    assert _aware(ann.last_contacted_at) == NOW - timedelta(days=2)
    _log(session, ann, NOW - timedelta(hours=1), kind="meeting")
    assert _aware(ann.last_contacted_at) == NOW - timedelta(hours=1)


def test_a_note_is_not_contact_and_is_audited(session: Session) -> None:
    ann = _contact(session)
    note = _log(session, ann, NOW, kind="note", subject="", body="Prefers **mornings**")
    assert ann.last_contacted_at is None
    assert note.body == "Prefers **mornings**"
    audited = session.exec(select(AuditEntry).where(AuditEntry.entity == "activities")).all()
    assert [a.entity_id for a in audited] == [note.id]


def test_a_contacts_activity_carries_its_company(session: Session) -> None:
    acme = writes.create(session, Company(name="Acme"), actor_id=None)
    ann = _contact(session, company_id=acme.id)
    call = _log(session, ann, NOW)
    assert call.company_id == acme.id
    own = activities.log_activity(
        session,
        company_id=acme.id,
        kind="meeting",
        subject="Quarterly review",
        body="",
        occurred_at=NOW,
        actor_id=None,
        now=NOW,
    )
    assert own.contact_id is None and own.company_id == acme.id
    assert _aware(ann.last_contacted_at) == NOW  # only the contact's own call moved it


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "", "body": "  "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"kind": "fax"}, "kind"),
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": NOW + timedelta(days=3)}, "occurred_at"),
        ({"duration_minutes": 2000}, "duration_minutes"),
        ({"kind": "note", "duration_minutes": 5}, "duration_minutes"),
        ({"outcome": "exploded"}, "outcome"),
        ({"kind": "meeting", "outcome": "connected"}, "outcome"),
    ],
)
def test_validation_names_the_field_and_writes_nothing(session: Session, changes, field) -> None:
    ann = _contact(session)
    values = {
        "kind": "call",
        "subject": "Hello",
        "body": "",
        "occurred_at": NOW,
        "duration_minutes": None,
        "outcome": None,
        **changes,
    }
    with pytest.raises(ValidationError) as exc:
        activities.log_activity(session, contact_id=ann.id, actor_id=None, now=NOW, **values)
    assert field in exc.value.errors
    assert session.exec(select(Activity)).all() == []
    assert ann.last_contacted_at is None


def test_an_unknown_record_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        activities.log_activity(
            session,
            contact_id=999,
            kind="call",
            subject="x",
            body="",
            occurred_at=NOW,
            actor_id=None,
            now=NOW,
        )


def test_markdown_text_cannot_carry_html() -> None:
    text = escape_markdown_html("<script>alert(1)</script> & <img src=x onerror=alert(1)>")
    assert "<" not in text
    assert text.startswith("&lt;script>alert(1)&lt;/script> &amp; &lt;img")


# -- the state -----------------------------------------------------------------------------------
@pytest.fixture
def signed_in(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None):
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url)) as s:
        users.create_user(
            s,
            name="Sam Sales",
            email="sam@example.com",
            role="sales",
            password="a-long-password-1",
            actor_id=None,
            time_zone="Europe/Tallinn",
        )
        acme = writes.create(s, Company(name="Acme"), actor_id=None)
        ann = _contact(s, company_id=acme.id, title="Buyer")
        writes.create(
            s, Contact(first_name="Bo", last_name="Berg", company_id=acme.id), actor_id=None
        )
        for i in range(35):
            s.add(
                Activity(
                    kind="note",
                    subject=f"Old note {i}",
                    occurred_at=NOW - timedelta(days=i + 1),
                    contact_id=ann.id,
                    company_id=acme.id,
                )
            )
        order = Order(
            number="SO-1",
            contact_id=ann.id,
            total=30,
            currency="EUR",
            ordered_at=NOW - timedelta(days=100),
        )
        s.add(order)
        s.flush()
        s.add(OrderLine(order_id=order.id, description="Beans", quantity=3, unit_price=10))
        s.commit()
        token, _ = auth.login(s, "sam@example.com", "a-long-password-1")
        s.commit()
        ids = {"contact": ann.id, "company": acme.id}
    state = state_instance(Record360State)
    state.session_token = token
    return state, ids, monkeypatch


def _open(state, monkeypatch, kind: str, key: int) -> None:
    monkeypatch.setattr(Record360State, "_route_id", lambda self: key)
    list(Record360State.event_handlers[f"load_{kind}"].fn(state))


def _call(state, name: str, *args):
    return Record360State.event_handlers[name].fn(state, *args)


def test_opening_a_contact_loads_its_page(signed_in) -> None:
    state, ids, mp = signed_in
    _open(state, mp, "contact", ids["contact"])
    assert state.loaded and not state.missing
    assert state.profile["name"] == "Ann Lee" and state.profile["company_name"] == "Acme"
    assert len(state.entries) == 30 and state.entries[0]["title"] == "Old note 0"
    assert state.cursor
    assert [r["name"] for r in state.related["contacts"]] == ["Bo Berg"]
    assert state.can_log and state.can_edit
    _call(state, "show_older")
    assert len(state.entries) == 36 and state.entries[-1]["title"] == "SO-1"
    assert state.entries[-2]["title"] == "Old note 34"
    assert state.cursor == ""
    _call(state, "toggle_kind", "call")
    assert state.shown_kinds == ["call"] and state.entries == []


def test_logging_a_call_puts_it_on_top_and_moves_last_contacted(signed_in) -> None:
    state, ids, mp = signed_in
    _open(state, mp, "contact", ids["contact"])
    assert state.log_at  # now, in the user's zone
    _call(
        state,
        "submit_log",
        {
            "subject": "Called about the renewal",
            "body": "Will decide next week",
            "occurred_at": state.log_at,
            "duration_minutes": "15",
            "outcome": "connected",
        },
    )
    assert state.log_errors == {}
    assert state.entries[0]["title"] == "Called about the renewal"
    assert state.entries[0]["meta"] == "15 min · Connected"
    assert (
        state.figures["last_contacted"] in ("just now", "0 seconds ago")
        or "minute" in (state.figures["last_contacted"])
    )


def test_a_rejected_log_shows_errors_beside_the_fields(signed_in) -> None:
    state, ids, mp = signed_in
    _open(state, mp, "contact", ids["contact"])
    _call(state, "set_log_kind", "note")
    _call(state, "submit_log", {"subject": "", "body": "", "occurred_at": "not a date"})
    assert set(state.log_errors) == {"subject", "occurred_at"}
    _call(
        state,
        "submit_log",
        {"subject": "x", "occurred_at": state.log_at, "duration_minutes": "1.5"},
    )
    assert "duration_minutes" in state.log_errors


def test_a_company_page_lists_its_people_and_their_timeline(signed_in) -> None:
    state, ids, mp = signed_in
    _open(state, mp, "company", ids["company"])
    assert state.profile["name"] == "Acme"
    assert sorted(r["name"] for r in state.related["contacts"]) == ["Ann Lee", "Bo Berg"]
    assert state.counts["contacts"] == 2
    order = state.related["orders"][0]
    assert order["number"] == "SO-1" and order["total"] == "€30.00"
    assert state.order_lines[order["id"]] == [["Beans", "3", "€30.00"]]
    _call(state, "toggle_order", order["id"])
    assert state.open_orders == [order["id"]]
    assert state.entries[0]["title"] == "Old note 0"


def test_a_missing_record_says_so(signed_in) -> None:
    state, _ids, mp = signed_in
    _open(state, mp, "contact", 9999)
    assert state.missing and state.entries == []
