"""The deal form's contact and company search (DealFormSearchMixin) on a real database:
nothing without a session; search, pick, clear; a new form starts empty."""

from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Company, Contact
from crm_app.services import auth, users, writes
from crm_app.state.deal_form import DealFormState

from .state_calls import state_instance


def _call(state, name, *args):
    return type(state).event_handlers[name].fn(state, *args)


def test_search_pick_and_clear(db_url, monkeypatch, fast_hashing) -> None:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        u = users.create_user(
            s,
            name="Mia",
            email="mia@example.com",
            role="manager",
            password="a-long-password-1",
            actor_id=None,
        )
        co = writes.create(s, Company(name="Zuurkool BV"), actor_id=None)
        c = writes.create(s, Contact(first_name="Zelda", last_name="Zuur"), actor_id=None)
        s.commit()
        token, _ = auth.login(s, u.email, "a-long-password-1")
        s.commit()
    f = state_instance(DealFormState)
    _call(f, "find_contact", "zeld")  # no session: nothing happens
    assert f.contact_name == "" and f.contact_hits == []
    f.session_token = token
    _call(f, "find_contact", "  zeld ")
    assert f.contact_name == "zeld"
    assert [h[:2] for h in f.contact_hits] == [[str(c.id), "Zelda Zuur"]]
    _call(f, "pick_contact", str(c.id), "Zelda Zuur")
    assert (f.contact_id, f.contact_name, f.contact_hits) == (str(c.id), "Zelda Zuur", [])
    _call(f, "find_contact", "")
    assert (f.contact_id, f.contact_hits) == ("", [])
    _call(f, "find_company", "zuurk")
    assert f.company_hits == [[str(co.id), "Zuurkool BV"]] and f.company_name == "zuurk"
    _call(f, "pick_company", str(co.id), "Zuurkool BV")
    assert (f.company_id, f.company_name, f.company_hits) == (str(co.id), "Zuurkool BV", [])
    # the form opening clears hits and ids (open_new in DealFormState sets the mixin's vars)
    _call(f, "find_company", "zuurk")
    _call(f, "open_new", "", "")
    assert (f.company_id, f.company_name, f.company_hits, f.contact_id) == ("", "", [], "")
