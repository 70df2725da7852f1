"""The pipeline board and deal form states, called as a browser would: the board's columns and
totals, drops (between and within columns), the lost-reason dialog, paging, quick-add, and who
may move what; the form keeps typed values and follows its line items."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Deal, Stage, utcnow
from crm_app.services import auth, deals, pipelines, users
from crm_app.services.deals import DealInput
from crm_app.state.deal_form import DealFormState
from crm_app.state.pipeline import PipelineState

from .state_calls import state_instance

PASSWORD = "a-long-password-1"


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    """A manager and two sales reps, a pipeline (New, Proposal, Won, Lost) with deals."""
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        people = {
            role: users.create_user(
                s,
                name=f"{name} {role.title()}",
                email=f"{name.lower()}@example.com",
                role=role,
                password=PASSWORD,
                actor_id=None,
            )
            for name, role in (("Mia", "manager"), ("Sam", "sales"), ("Rex", "read_only"))
        }
        other = users.create_user(
            s,
            name="Ola Sales",
            email="ola@example.com",
            role="sales",
            password=PASSWORD,
            actor_id=None,
        )
        pipeline = pipelines.create_pipeline(s, "Sales", actor_id=None)
        stages = {st.name: st for st in pipelines.active_stages(s, pipeline.id)}
        sam, ola = people["sales"].id, other.id
        made = {}
        for i in range(25):  # 25 in New: two pages of cards
            made[f"new{i}"] = deals.create_deal(
                s,
                DealInput(title=f"New {i}", value=100, stage_id=stages["New"].id, owner_id=sam),
                actor_id=None,
            )
        made["ola"] = deals.create_deal(
            s,
            DealInput(title="Ola's", value=500, stage_id=stages["Proposal"].id, owner_id=ola),
            actor_id=None,
        )
        old_won = deals.create_deal(
            s,
            DealInput(title="Won long ago", value=900, stage_id=stages["Won"].id),
            actor_id=None,
            at=utcnow() - timedelta(days=400),
        )
        made["old_won"] = old_won
        s.commit()
        tokens = {}
        for role, user in people.items():
            tokens[role], _ = auth.login(s, user.email, PASSWORD)
        s.commit()
    return {
        "url": db_url,
        "tokens": tokens,
        "stages": {k: str(v.id) for k, v in stages.items()},
        "pipeline": str(pipeline.id),
        "deals": {k: str(v.id) for k, v in made.items()},
    }


def _board(world: dict, role: str = "manager") -> PipelineState:
    state = state_instance(PipelineState)
    state.session_token = world["tokens"][role]
    PipelineState.event_handlers["load"].fn(state)
    return state


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def _col(state: PipelineState, name: str):
    return next(c for c in state.columns if c.name == name)


def _plain(text: str) -> str:
    """Without the direction isolates that wrap values inside translated sentences."""
    return text.replace("\u2068", "").replace("\u2069", "")


def _stage_of(world: dict, deal_id: str) -> str:
    with Session(get_engine(world["url"])) as s:
        deal = s.get(Deal, int(deal_id))
        return s.get(Stage, deal.stage_id).name if deal else ""


def _drop(deal_id: str, stage_id: str, over: str | None = None, edge: str = "top") -> dict:
    targets = []
    if over:
        targets.append({"kind": "card", "dealId": over, "stageId": stage_id, "closestEdge": edge})
    targets += [{}, {"kind": "column", "stageId": stage_id}]
    return {"source": {"dealId": deal_id, "stageId": ""}, "dropTargets": targets}


def test_the_board_shows_columns_with_counts_totals_and_recent_closed_deals_only(world):
    state = _board(world)
    assert [c.name for c in state.columns] == ["New", "Proposal", "Won", "Lost"]
    new = _col(state, "New")
    assert new.count == 25 and len(new.cards) == 20 and new.has_more
    assert new.total == "€2,500" and _plain(new.weighted) == "€250.00 weighted"
    assert _plain(new.more_label) == "20 of 25"
    assert _col(state, "Won").count == 0  # closed 400 days ago: not in the last 30 days
    _call(state, "set_filter", "closed_days", "all")
    assert _col(state, "Won").count == 1
    assert _plain(state.summary) == "26 open deals · €500.00 weighted"


def test_show_more_loads_the_next_cards_of_one_column(world):
    state = _board(world)
    _call(state, "show_more", world["stages"]["New"])
    new = _col(state, "New")
    assert len(new.cards) == 25 and not new.has_more


def test_a_drop_moves_the_deal_and_the_totals_follow(world):
    state = _board(world)
    deal = world["deals"]["new3"]
    _call(state, "drop", _drop(deal, world["stages"]["Proposal"]))
    assert _stage_of(world, deal) == "Proposal"
    assert _col(state, "New").count == 24 and _col(state, "Proposal").count == 2
    assert deal in [c.id for c in _col(state, "Proposal").cards]


def test_a_drop_on_a_card_puts_the_deal_beside_it_in_the_same_column(world):
    state = _board(world)
    ids = [c.id for c in _col(state, "New").cards]
    _call(state, "drop", _drop(ids[0], world["stages"]["New"], over=ids[2], edge="bottom"))
    assert [c.id for c in _col(state, "New").cards][:4] == [ids[1], ids[2], ids[0], ids[3]]


def test_a_drop_into_a_lost_stage_waits_for_the_reason(world):
    state = _board(world)
    deal = world["deals"]["new1"]
    _call(state, "drop", _drop(deal, world["stages"]["Lost"]))
    assert state.lost_open and _stage_of(world, deal) == "New"
    _call(state, "set_lost_open", False)  # Cancel: the deal stays where it was
    assert _stage_of(world, deal) == "New"

    _call(state, "drop", _drop(deal, world["stages"]["Lost"]))
    _call(state, "confirm_lost", {"lost_reason": "", "lost_note": ""})
    assert state.lost_open and state.lost_error and _stage_of(world, deal) == "New"
    _call(state, "confirm_lost", {"lost_reason": "price", "lost_note": "Too dear"})
    assert not state.lost_open and _stage_of(world, deal) == "Lost"
    with Session(get_engine(world["url"])) as s:
        stored = s.get(Deal, int(deal))
        assert stored.lost_reason == "price" and stored.lost_note == "Too dear"
    assert _col(state, "Lost").count == 1


def test_the_move_dialog_moves_to_the_top_of_the_chosen_stage(world):
    state = _board(world)
    deal = world["deals"]["new5"]
    _call(state, "open_move", deal)
    assert state.move_open and state.move_stage_id == world["stages"]["New"]
    _call(state, "move_to", world["stages"]["Proposal"])
    assert _col(state, "Proposal").cards[0].id == deal


def test_sales_move_their_own_deals_but_not_a_colleagues(world):
    state = _board(world, "sales")
    cards = {c.id: c for col in state.columns for c in col.cards}
    assert cards[world["deals"]["new24"]].editable
    assert not cards[world["deals"]["ola"]].editable
    _call(state, "drop", _drop(world["deals"]["ola"], world["stages"]["New"]))
    assert _stage_of(world, world["deals"]["ola"]) == "Proposal"
    _call(state, "drop", _drop(world["deals"]["new24"], world["stages"]["Proposal"]))
    assert _stage_of(world, world["deals"]["new24"]) == "Proposal"


def test_read_only_users_see_the_board_and_move_nothing(world):
    state = _board(world, "read_only")
    assert not state.can_write and _col(state, "New").count == 25
    assert not any(c.editable for col in state.columns for c in col.cards)


def test_quick_add_creates_a_deal_on_top_of_its_column(world):
    state = _board(world)
    _call(state, "open_quick_add", world["stages"]["Proposal"])
    _call(state, "quick_add", {"title": "", "value": "12"})
    assert "title" in state.quick_errors
    _call(state, "quick_add", {"title": "Fresh one", "value": "1200"})
    top = _col(state, "Proposal").cards[0]
    assert top.title == "Fresh one" and top.value == "€1,200" and state.quick_stage_id == ""


def _form(world: dict, role: str = "manager") -> DealFormState:
    state = state_instance(DealFormState)
    state.session_token = world["tokens"][role]
    return state


def test_the_form_keeps_typed_values_and_reports_line_errors_by_line(world):
    form = _form(world)
    _call(form, "open_new", world["pipeline"], "")
    assert form.open and form.stage_id == world["stages"]["New"]
    _call(form, "add_line")
    _call(form, "set_line", 0, 1, "Setup")
    _call(form, "set_line", 0, 2, "3")
    _call(form, "set_line", 0, 3, "20")
    _call(form, "set_line", 0, 4, "10")
    assert form.lines_total == "€54.00"
    _call(form, "add_line")
    _call(form, "set_line", 1, 1, "Broken")
    _call(form, "set_line", 1, 2, "0")
    _call(form, "set_line", 1, 3, "5")
    _call(form, "submit", {"title": "Typed title", "owner_id": "__none__"})
    assert form.errors.get("lines.1.quantity") and form.values["title"] == "Typed title"
    _call(form, "remove_line", 1)
    _call(form, "submit", {"title": "Typed title", "owner_id": "__none__"})
    assert not form.open and form.errors == {}
    with Session(get_engine(world["url"])) as s:
        deal = s.execute(sa.select(Deal).where(Deal.title == "Typed title")).scalar_one()
        assert deal.value == 54.0


def test_the_edit_form_shows_the_stage_history(world):
    board = _board(world)
    deal = world["deals"]["new7"]
    _call(board, "drop", _drop(deal, world["stages"]["Proposal"]))
    form = _form(world)
    _call(form, "open_edit", deal)
    assert [v["stage"] for v in form.history] == ["Proposal", "New"]
    assert _plain(form.history[0]["move"]) == "Moved from New"
    assert form.history[0]["who"] == "Mia Manager"
    assert [t[0] for t in form.stage_times] == ["New", "Proposal"]


def test_sales_cannot_edit_a_colleagues_deal_or_give_a_deal_away(world):
    form = _form(world, "sales")
    _call(form, "open_edit", world["deals"]["ola"])
    assert form.open and not form.can_edit
    _call(form, "submit", {"title": "Taken over", "owner_id": ""})
    assert form.errors.get("owner_id")
    assert _stage_of(world, world["deals"]["ola"]) == "Proposal"
    _call(form, "open_new", world["pipeline"], "")
    with Session(get_engine(world["url"])) as s:
        mia = s.execute(sa.text("select id from users where email='mia@example.com'")).scalar()
    _call(form, "submit", {"title": "For Mia", "owner_id": str(mia)})
    assert form.errors.get("owner_id") and form.open
