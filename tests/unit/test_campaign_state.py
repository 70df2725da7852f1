"""Marketing pages' states, called the way the browser does: a template with a live preview,
a campaign with its live audience, send now through the job runner, the report; a sales user
is refused."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Campaign, EmailTemplate
from crm_app.services import auth, users
from crm_app.state.campaign_page import CampaignPageState
from crm_app.state.campaigns import CampaignsState
from crm_app.state.templates import TemplatesState

from .campaign_fixtures import build_world, configure_smtp, run_all
from .state_calls import state_instance
from .test_mail import Inbox, free_port, start_server


@pytest.fixture
def setup(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> Iterator[dict]:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    box, port = Inbox(), free_port()
    controller = start_server(box, port)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        configure_smtp(s, port)
        world = build_world(s)
        tokens = {}
        for role in ("manager", "sales"):
            users.create_user(
                s,
                name=role.title(),
                email=f"{role}@kestrel.example",
                role=role,
                password="a-long-password-1",
                actor_id=None,
            )
            s.commit()
            tokens[role], _ = auth.login(s, f"{role}@kestrel.example", "a-long-password-1")
            s.commit()
    yield {"world": world, "tokens": tokens, "inbox": box, "url": db_url}
    controller.stop()


def _state(cls, token: str):
    state = state_instance(cls)
    state.session_token = token
    return state


def _page(state, campaign_id: int):
    router = state.router
    page = dataclasses.replace(router._page, params={"campaign_id": str(campaign_id)})
    object.__setattr__(state, "router", dataclasses.replace(router, _page=page))
    return state


def test_template_editor_previews_on_a_contact_and_saves(setup) -> None:
    s = _state(TemplatesState, setup["tokens"]["manager"])
    TemplatesState.event_handlers["new_template"].fn(s)
    assert s.open and s.preview_contact.isdigit()  # someone to show from the start
    TemplatesState.event_handlers["find_contact"].fn(s, "anu")
    [anu] = [h[0] for h in s.contact_hits if h[1] == "Anu Tamm"]
    TemplatesState.event_handlers["choose_contact"].fn(s, anu)
    assert s.contact_query == "Anu Tamm" and s.contact_hits == []
    TemplatesState.event_handlers["set_value"].fn(s, "subject", "Hi {{first_name}}")
    TemplatesState.event_handlers["set_value"].fn(s, "body", "Tere {{company}}")
    assert s.preview_subject == "Hi Anu"
    assert s.preview_body == "Tere Põhjala Puit OÜ"
    assert "Unsubscribe" in s.preview_text
    TemplatesState.event_handlers["set_value"].fn(s, "language", "he")
    assert s.preview_dir == "rtl"

    TemplatesState.event_handlers["submit"].fn(s, {**s.values, "name": "", "body": "{{nope}}"})
    assert set(s.errors) == {"name", "body"} and s.open  # typed text kept, errors beside fields
    TemplatesState.event_handlers["submit"].fn(s, {**s.values, "name": "Welcome", "body": "Hi"})
    assert s.errors == {} and not s.open
    assert [r["name"] for r in s.rows] == ["Spring news", "Welcome"]


def test_the_preview_contact_is_found_among_all_contacts_by_name_or_address(setup) -> None:
    """Not a list of the first hundred: any contact with an address is found by a word of its
    name or e-mail, a few at a time; only an offered contact can be chosen."""
    from crm_app.models import Contact, ContactEmail
    from crm_app.services import writes

    with Session(get_engine(setup["url"])) as db:
        for i in range(130):  # "Aaa…" sort before the one we look for
            c = writes.create(db, Contact(first_name=f"Aaa{i}", last_name="Aaa"), actor_id=None)
            writes.create(
                db, ContactEmail(contact_id=c.id, email=f"a{i}@example.com"), actor_id=None
            )
        zelda = writes.create(db, Contact(first_name="Zelda", last_name="Zuur"), actor_id=None)
        writes.create(
            db,
            ContactEmail(contact_id=zelda.id, email="zelda@zuur.example", is_primary=True),
            actor_id=None,
        )
        nomail = writes.create(db, Contact(first_name="Zelda", last_name="Nomail"), actor_id=None)
        db.commit()
        zelda_id, nomail_id = zelda.id, nomail.id
    s = _state(TemplatesState, setup["tokens"]["manager"])
    call = TemplatesState.event_handlers
    call["new_template"].fn(s)
    call["set_value"].fn(s, "body", "Hello {{full_name}} <{{email}}>")
    for typed in ("zeld", "ZUUR", "zelda@zuur"):
        call["find_contact"].fn(s, typed)
        assert s.contact_hits == [[str(zelda_id), "Zelda Zuur", "zelda@zuur.example"]], typed
    call["choose_contact"].fn(s, str(nomail_id))  # not offered (no address): ignored
    assert s.preview_contact != str(nomail_id)
    call["choose_contact"].fn(s, str(zelda_id))
    assert s.preview_body == "Hello Zelda Zuur <zelda@zuur.example>"
    call["find_contact"].fn(s, "aaa")
    assert 0 < len(s.contact_hits) <= 8  # bounded
    call["find_contact"].fn(s, "!!!")
    assert s.contact_hits == []
    call["find_contact"].fn(s, "")  # an empty box: no contact
    assert s.preview_contact == "__none__" and s.preview_body == "Hello  <>"


def test_a_sales_user_cannot_search_preview_contacts(setup) -> None:
    s = _state(TemplatesState, setup["tokens"]["sales"])
    TemplatesState.event_handlers["find_contact"].fn(s, "anu")
    assert s.contact_hits == []


def test_a_campaign_from_the_editor_to_the_report(setup) -> None:
    world, token = setup["world"], setup["tokens"]["manager"]
    c = _state(CampaignsState, token)
    CampaignsState.event_handlers["new_campaign"].fn(c)
    assert [name for _id, name in c.segments] == ["Estonia"]
    CampaignsState.event_handlers["choose_segment"].fn(c, str(world.segment_id))
    assert c.audience.startswith("2 will get it · 2 left out")
    CampaignsState.event_handlers["submit"].fn(
        c,
        {
            "name": "Spring",
            "template_id": str(world.template_id),
            "segment_id": str(world.segment_id),
            "throttle_per_minute": "30",
        },
    )
    assert c.errors == {}
    with Session(get_engine(setup["url"])) as s:
        campaign_id = s.execute(sa.select(Campaign.id)).scalar()

    p = _page(_state(CampaignPageState, token), campaign_id)
    CampaignPageState.event_handlers["load"].fn(p)
    assert p.found and p.status == "draft" and p.template == "Spring news"
    CampaignPageState.event_handlers["test_send"].fn(p)
    CampaignPageState.event_handlers["send_now"].fn(p)
    assert p.error == "" and p.status == "scheduled"
    run_all(setup["url"])
    run_all(setup["url"])
    CampaignPageState.event_handlers["tick"].fn(p, "")
    assert p.status == "sent" and p.progress == 100 and not p.live
    figures = {key: value for _label, value, key, _share in p.report}
    assert (figures["audience"], figures["sent"], figures["failed"]) == ("4", "2", "0")
    assert sorted(r["status"] for r in p.recipients) == ["sent", "sent", "skipped", "skipped"]
    CampaignPageState.event_handlers["set_filter"].fn(p, "skipped")
    assert sorted(r["reason"] for r in p.recipients) == ["No e-mail address", "No e-mail consent"]
    # The test went to the manager, filled in with the first member who gets the mail.
    subjects = [setup["inbox"].message(i)["Subject"] for i in range(3)]
    assert "[Test] Spring news for Anu" in subjects


def test_a_sales_user_cannot_create_templates_or_send(setup) -> None:
    s = _state(TemplatesState, setup["tokens"]["sales"])
    TemplatesState.event_handlers["submit"].fn(
        s, {"name": "X", "subject": "Y", "body": "Z", "language": "en"}
    )
    with Session(get_engine(setup["url"])) as db:
        assert db.execute(sa.select(sa.func.count()).select_from(EmailTemplate)).scalar() == 1
    assert s.rows == []
