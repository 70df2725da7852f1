"""The automations page's state, called as a browser would: a manager builds a rule from
rows and sees its runs; a sales rep sees the rules but cannot change them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import AutomationRule, ContactTag, LeadForm, Tag
from crm_app.services import auth, contacts, users
from crm_app.state.automations import AutomationsState as S
from crm_app.state.lead_forms import LeadFormsState as F

from .state_calls import state_instance

PASSWORD = "a-long-password-1"


@pytest.fixture
def tokens(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    out = {}
    with Session(get_engine(db_url)) as s:
        for role in ("manager", "sales"):
            users.create_user(
                s,
                name=f"{role} user",
                email=f"{role}@example.com",
                role=role,
                password=PASSWORD,
                actor_id=None,
            )
        s.commit()
        for role in ("manager", "sales"):
            out[role], _ = auth.login(s, f"{role}@example.com", PASSWORD)
        s.commit()
    return out


def _as(cls, token: str):
    state = state_instance(cls)
    state.session_token = token
    return state


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def test_a_manager_builds_a_rule_and_sees_its_run(db_url: str, tokens: dict) -> None:
    state = _as(S, tokens["manager"])
    _call(state, "load")
    assert state.can_manage and state.rules == []
    _call(state, "new_rule")
    _call(state, "set_name", "Tag new contacts")
    _call(state, "set_trigger", "contact_created")
    _call(state, "add_condition")
    _call(state, "set_condition", 0, "field", "source")
    _call(state, "set_condition", 0, "op", "eq")
    _call(state, "set_condition", 0, "value", "web form")
    _call(state, "set_action", 0, "kind", "add_tag")
    _call(state, "set_action", 0, "tag", "new")
    _call(state, "save_rule")
    assert state.b_errors == {} and not state.builder_open
    [row] = state.rules
    assert row["name"] == "Tag new contacts" and row["trigger"] == "Contact created"
    with Session(get_engine(db_url)) as s:
        contact = contacts.create_contact(
            s, contacts.ContactInput(first_name="Web", source="web form"), actor_id=None
        )
        s.commit()
        tagged = s.execute(
            sa.select(Tag.name).join(ContactTag).where(ContactTag.contact_id == contact.id)
        ).scalars()
        assert list(tagged) == ["new"]
    _call(state, "show_runs", int(row["id"]))
    [run] = state.run_log
    assert run["outcome"] == "ok" and run["link"] == f"/contacts/{contact.id}"
    _call(state, "toggle_rule", int(row["id"]), False)
    assert state.rules[0]["active"] == ""


def test_the_builder_shows_errors_and_saves_nothing(db_url: str, tokens: dict) -> None:
    state = _as(S, tokens["manager"])
    _call(state, "load")
    _call(state, "new_rule")
    _call(state, "set_action", 0, "kind", "webhook")
    _call(state, "set_action", 0, "url", "ftp://example.com")
    _call(state, "save_rule")
    assert state.b_errors == {"name": "Enter a name."} and state.builder_open
    _call(state, "set_name", "Hook")
    _call(state, "save_rule")
    assert "actions" in state.b_errors
    with Session(get_engine(db_url)) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(AutomationRule)).scalar() == 0


def test_sales_sees_rules_but_cannot_build_them(db_url: str, tokens: dict) -> None:
    state = _as(S, tokens["sales"])
    _call(state, "load")
    assert not state.can_manage
    _call(state, "new_rule")
    assert not state.builder_open


def test_a_manager_builds_a_lead_form_and_gets_its_embed_code(db_url: str, tokens: dict) -> None:
    state = _as(F, tokens["manager"])
    _call(state, "new_form")
    _call(state, "set_lf", "name", "Fair signup")
    _call(state, "add_form_field")
    _call(state, "set_form_field", 0, "required", "true")
    _call(state, "save_form")
    assert state.lf_errors == {} and not state.lf_open
    [row] = state.forms
    assert row["slug"] == "fair-signup" and row["path"] == "/f/fair-signup"
    _call(state, "show_embed", int(row["id"]))
    assert '<iframe src="' in state.embed_code and "/f/fair-signup" in state.embed_code
    with Session(get_engine(db_url)) as s:
        form = s.execute(sa.select(LeadForm)).scalar_one()
        assert form.fields[0] == {"field": "first_name", "label": "", "required": True}
        assert len(form.fields) == 6  # the five defaults and the added one


def test_an_owner_condition_picks_a_user_from_the_list(db_url: str, tokens: dict) -> None:
    """The owner / assignee of a condition is chosen among the active users (not an id typed
    as text); changing the field clears a value that belonged to the old one."""
    state = _as(S, tokens["manager"])
    _call(state, "load")
    _call(state, "new_rule")
    _call(state, "set_name", "Tag the sales rep's contacts")
    _call(state, "add_condition")
    _call(state, "set_condition", 0, "field", "source")
    _call(state, "set_condition", 0, "value", "web form")
    _call(state, "set_condition", 0, "field", "owner_id")
    assert state.b_conditions[0]["value"] == ""
    users_listed = {o["label"]: o["value"] for o in state.user_options}
    assert {"manager user", "sales user"} <= set(users_listed)
    assert [o["value"] for o in state.yes_no_options] == ["true", "false"]
    _call(state, "set_condition", 0, "value", users_listed["sales user"])
    _call(state, "set_action", 0, "kind", "add_tag")
    _call(state, "set_action", 0, "tag", "rep")
    _call(state, "save_rule")
    assert state.b_errors == {}
    with Session(get_engine(db_url)) as s:
        sales_id, manager_id = int(users_listed["sales user"]), int(users_listed["manager user"])
        made = {}
        for name, owner in (("Theirs", sales_id), ("Mine", manager_id)):
            c = contacts.create_contact(
                s, contacts.ContactInput(first_name=name, owner_id=owner), actor_id=None
            )
            s.commit()
            made[name] = c.id
        tagged = s.execute(sa.select(ContactTag.contact_id).join(Tag)).scalars().all()
        assert tagged == [made["Theirs"]]
    _call(state, "show_runs", int(state.rules[0]["id"]))
    records = sorted(r["record"] for r in state.run_log)
    assert records == sorted(f"Contact #{i}" for i in made.values())  # not "contact #3"


def test_a_ticket_priority_condition_is_picked_from_the_translated_list(
    db_url: str, tokens: dict
) -> None:
    from crm_app.services.tickets.editing import TicketInput, create_ticket

    state = _as(S, tokens["manager"])
    _call(state, "load")
    _call(state, "new_rule")
    _call(state, "set_name", "Urgent tickets")
    _call(state, "set_trigger", "ticket_created")
    _call(state, "add_condition")
    _call(state, "set_condition", 0, "field", "priority")
    priorities = {o["label"]: o["value"] for o in state.priority_options}
    assert priorities == {"Low": "low", "Normal": "normal", "High": "high", "Urgent": "urgent"}
    assert {o["value"] for o in state.status_options} >= {"new", "on_hold", "solved"}
    _call(state, "set_condition", 0, "value", priorities["Urgent"])
    _call(state, "set_action", 0, "kind", "add_tag")
    _call(state, "set_action", 0, "tag", "urgent-customer")
    _call(state, "save_rule")
    assert state.b_errors == {}
    with Session(get_engine(db_url)) as s:
        made = {}
        for priority in ("normal", "urgent"):
            ticket = create_ticket(
                s,
                TicketInput(subject=priority, email=f"{priority}@example.com", priority=priority),
                actor_id=None,
            )
            s.commit()
            made[priority] = ticket.contact_id
        tagged = s.execute(sa.select(ContactTag.contact_id).join(Tag)).scalars().all()
        assert tagged == [made["urgent"]]


def test_a_deal_pipeline_condition_is_picked_from_the_active_pipelines(
    db_url: str, tokens: dict
) -> None:
    """A deal's pipeline is chosen among the active pipelines by name (not an id typed as
    text); the saved condition holds for a deal in that pipeline only."""
    from crm_app.models import Deal
    from crm_app.services import pipelines
    from crm_app.services.automation import choices, conditions

    with Session(get_engine(db_url)) as s:
        sales = pipelines.create_pipeline(s, "Sales", actor_id=None, is_default=True)
        partners = pipelines.create_pipeline(s, "Partners", actor_id=None)
        old = pipelines.create_pipeline(s, "Old", actor_id=None)
        pipelines.archive_pipeline(s, old.id, actor_id=None)
        s.commit()
        listed = choices.active_pipelines(s)
        assert listed == [(sales.id, "Sales"), (partners.id, "Partners")]
    state = _as(S, tokens["manager"])
    _call(state, "load")
    _call(state, "new_rule")
    _call(state, "set_name", "Partner deals")
    _call(state, "set_trigger", "deal_stage_changed")
    _call(state, "add_condition")
    _call(state, "set_condition", 0, "field", "pipeline_id")
    options = {o["label"]: o["value"] for o in state.pipeline_options}
    assert options == {"Sales": str(sales.id), "Partners": str(partners.id)}  # not "Old"
    _call(state, "set_condition", 0, "value", options["Partners"])
    _call(state, "set_action", 0, "kind", "add_tag")
    _call(state, "set_action", 0, "tag", "partner")
    _call(state, "save_rule")
    assert state.b_errors == {}
    with Session(get_engine(db_url)) as s:
        [condition] = s.execute(sa.select(AutomationRule.conditions)).scalar_one()
        made = {}
        for pipeline in (sales, partners):
            deal = Deal(
                title=pipeline.name,
                pipeline_id=pipeline.id,
                stage_id=pipelines.active_stages(s, pipeline.id)[0].id,
            )
            s.add(deal)
            s.flush()
            made[pipeline.name] = conditions.holds(s, condition, "deals", deal.id)
    assert made == {"Sales": False, "Partners": True}
