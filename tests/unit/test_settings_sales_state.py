"""Settings → Pipelines and Currencies, and the forecast page, called the way the browser does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from crm_app.db import get_engine, session_scope
from crm_app.models import Deal, ExchangeRate, Stage
from crm_app.services import auth, currencies, forecast, pipelines, users
from crm_app.state.currencies_admin import CurrenciesAdminState, RateFormState
from crm_app.state.forecast import ForecastState
from crm_app.state.pipelines_admin import PipelineFormState, PipelinesAdminState, StageFormState

from .state_calls import state_instance


def _login(s: Session, email: str, role: str, locale: str = "en") -> str:
    users.create_user(
        s,
        name=email.split("@")[0].title(),
        email=email,
        role=role,
        password="a-long-password-1",
        actor_id=None,
        locale=locale,
    )
    s.commit()
    token, _ = auth.login(s, email, "a-long-password-1")
    s.commit()
    return token


@pytest.fixture
def book(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    """A Sales pipeline (New, Proposal, Won, Lost) with two open deals in New and a won one."""
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        admin = _login(s, "ada@example.com", "admin")
        admin_et = _login(s, "eva@example.com", "admin", locale="et")
        sales = _login(s, "sam@example.com", "sales")
        sales_pipeline = pipelines.create_pipeline(s, "Sales", actor_id=None)
        stages = {st.name: st for st in pipelines.active_stages(s, sales_pipeline.id)}
        this_month = forecast.this_month_start(s)
        for title, stage, value, closed in [
            ("Alpha", "New", 1000, None),
            ("Beta", "New", 500, None),
            ("Gamma", "Won", 2000, datetime.now(UTC)),
        ]:
            st = stages[stage]
            s.add(
                Deal(
                    title=title,
                    value=value,
                    currency="EUR",
                    exchange_rate=1.0 if closed else None,
                    pipeline_id=st.pipeline_id,
                    stage_id=st.id,
                    expected_close=this_month,
                    closed_at=closed,
                )
            )
        s.commit()
        ids = {name: st.id for name, st in stages.items()}
    return {"admin": admin, "admin_et": admin_et, "sales": sales, "stages": ids, "url": db_url}


def _state(cls, token: str):
    state = state_instance(cls)
    state.session_token = token
    return state


def _call(state, cls, name: str, *args):
    return cls.event_handlers[name].fn(state, *args)


def _stage_names(state) -> list[str]:
    return [s.name for s in state.stages if not s.archived]


def test_the_pipelines_tab_lists_pipelines_and_the_defaults_stages(book) -> None:
    state = _state(PipelinesAdminState, book["admin"])
    _call(state, PipelinesAdminState, "load_pipelines")
    assert [(p.name, p.is_default, p.deals_label) for p in state.pipelines] == [
        ("Sales", True, "3 deals")
    ]
    assert state.selected_name == "Sales"
    assert _stage_names(state) == ["New", "Proposal", "Won", "Lost"]
    new = state.stages[0]
    assert (new.number, new.probability, new.kind, new.deals_label) == (
        "1",
        "10%",
        "open",
        "2 deals",
    )
    assert new.first and not new.last and state.stages[-1].last


def test_a_sales_user_sees_nothing_and_cannot_add_a_stage(book) -> None:
    state = _state(StageFormState, book["sales"])
    _call(state, PipelinesAdminState, "load_pipelines")
    assert state.pipelines == [] and state.stages == []
    state.selected_id = 1
    _call(state, StageFormState, "submit", {"name": "Sneaky", "probability": "5", "kind": "open"})
    with session_scope(book["url"]) as s:
        assert "Sneaky" not in [st.name for st in pipelines.active_stages(s, 1)]


def test_add_rename_and_reorder_a_stage(book) -> None:
    form = _state(StageFormState, book["admin"])
    _call(form, PipelinesAdminState, "load_pipelines")
    _call(form, StageFormState, "open_new")
    assert form.open and form.values["kind"] == "open" and form.kinds[1] == ["won", "Won"]
    # errors beside the field, nothing written
    _call(form, StageFormState, "submit", {"name": "", "probability": "120", "kind": "open"})
    assert form.open and set(form.errors) == {"name", "probability"}
    assert form.errors["probability"] == "Enter a probability from 0 to 100."
    _call(form, StageFormState, "submit", {"name": "Demo", "probability": "30 %", "kind": "open"})
    assert not form.open and form.errors == {}
    assert _stage_names(form) == ["New", "Proposal", "Demo", "Won", "Lost"]
    demo = next(s for s in form.stages if s.name == "Demo")
    assert demo.probability == "30%"

    _call(form, StageFormState, "open_edit", demo.id)
    assert form.values == {"name": "Demo", "probability": "30", "kind": "open"}
    _call(
        form,
        StageFormState,
        "submit",
        {"name": "Product demo", "probability": "35", "kind": "open"},
    )
    assert _stage_names(form) == ["New", "Proposal", "Product demo", "Won", "Lost"]

    result = _call(form, PipelinesAdminState, "move_stage", demo.id, -1)
    assert _stage_names(form) == ["New", "Product demo", "Proposal", "Won", "Lost"]
    assert result is not None  # the focus follows the moved stage
    assert form.announcement == "\u2068Product demo\u2069 is now at position \u20682\u2069."
    _call(form, PipelinesAdminState, "move_stage", form.stages[0].id, -1)  # already first
    assert _stage_names(form)[0] == "New"


def test_archiving_a_stage_with_deals_says_how_many_to_move_first(book) -> None:
    state = _state(PipelinesAdminState, book["admin_et"])
    _call(state, PipelinesAdminState, "load_pipelines")
    new_id = book["stages"]["New"]
    _call(state, PipelinesAdminState, "set_stage_archived", new_id, True)
    note = state.notes[f"stage-{new_id}"]
    assert note.startswith("2 ") and note != (
        "2 deals are still in this stage. Move them to another stage first."
    )  # in the admin's language (et)
    assert not next(s for s in state.stages if s.id == new_id).archived
    proposal = book["stages"]["Proposal"]
    _call(state, PipelinesAdminState, "set_stage_archived", proposal, True)
    assert state.notes == {}
    assert [s.name for s in state.stages if s.archived] == ["Proposal"]
    _call(state, PipelinesAdminState, "set_stage_archived", proposal, False)
    assert _stage_names(state) == ["New", "Proposal", "Won", "Lost"]


def test_turning_a_stage_with_deals_into_a_won_stage_is_refused_beside_the_type(book) -> None:
    form = _state(StageFormState, book["admin"])
    _call(form, PipelinesAdminState, "load_pipelines")
    _call(form, StageFormState, "open_edit", book["stages"]["New"])
    _call(form, StageFormState, "submit", {"name": "New", "probability": "10", "kind": "won"})
    assert form.errors == {
        "kind": "2 deals are still in this stage. Move them to another stage first."
    }


def test_pipelines_are_added_renamed_made_default_and_archived(book) -> None:
    form = _state(PipelineFormState, book["admin"])
    _call(form, PipelinesAdminState, "load_pipelines")
    _call(form, PipelineFormState, "open_new")
    _call(form, PipelineFormState, "submit", {"name": "sales"})
    assert form.errors == {"name": "A pipeline with this name already exists."}
    _call(form, PipelineFormState, "submit", {"name": "Renewals", "is_default": "on"})
    assert not form.open and form.selected_name == "Renewals"
    assert [(p.name, p.is_default) for p in form.pipelines] == [
        ("Sales", False),
        ("Renewals", True),
    ]
    renewals = form.selected_id
    _call(form, PipelineFormState, "open_rename", renewals)
    assert form.values == {"name": "Renewals"}
    _call(form, PipelineFormState, "submit", {"name": "Renewals 2026"})
    _call(form, PipelinesAdminState, "make_default", form.pipelines[0].id)
    _call(form, PipelinesAdminState, "set_pipeline_archived", renewals, True)
    assert [(p.name, p.is_default, p.archived) for p in form.pipelines] == [
        ("Sales", True, False),
        ("Renewals 2026", False, True),
    ]
    assert form.selected_archived
    sales_id = form.pipelines[0].id
    _call(form, PipelinesAdminState, "set_pipeline_archived", sales_id, True)
    assert form.notes == {f"pipeline-{sales_id}": "Keep at least one active pipeline."}


def test_exchange_rates_are_added_edited_and_deleted_from_the_tab(book) -> None:
    form = _state(RateFormState, book["admin"])
    _call(form, CurrenciesAdminState, "load_currencies")
    assert form.base == "EUR" and form.base_name == "Euro" and form.rates == []
    assert ["USD", "US Dollar (USD)"] in form.choices
    _call(form, RateFormState, "open_new")
    assert "EUR" not in [c[0] for c in form.options]
    _call(form, RateFormState, "submit", {"currency": "USD", "rate": "0"})
    assert form.errors == {"rate": "Enter a rate above 0, like 0.92."} and form.open
    _call(form, RateFormState, "submit", {"currency": "USD", "rate": "0,9"})
    assert not form.open
    assert [(r.currency, r.rate, r.open_deals) for r in form.rates] == [
        ("USD", "1 \u2068USD\u2069 = \u20680.9\u2069 \u2068EUR\u2069", "0 open deals")
    ]
    _call(form, RateFormState, "open_edit", "USD")
    assert form.editing == "USD" and form.values["rate"] == "0.9"
    _call(form, RateFormState, "submit", {"rate": "0.925"})
    with session_scope(book["url"]) as s:
        assert s.get(ExchangeRate, "USD").rate == 0.925
    _call(form, CurrenciesAdminState, "ask_delete", "USD")
    assert form.delete_code == "USD"
    _call(form, CurrenciesAdminState, "confirm_delete")
    assert form.delete_code == "" and form.rates == []


def test_a_rate_open_deals_use_cannot_be_deleted(book) -> None:
    with session_scope(book["url"]) as s:
        currencies.add_rate(s, "USD", "0.9", actor_id=None)
        deal = s.get(Deal, 1)
        deal.currency = "USD"
    state = _state(CurrenciesAdminState, book["admin"])
    _call(state, CurrenciesAdminState, "load_currencies")
    _call(state, CurrenciesAdminState, "ask_delete", "USD")
    _call(state, CurrenciesAdminState, "confirm_delete")
    assert state.delete_error.startswith("1 open deal is in this currency.")
    assert state.delete_code == "USD" and len(state.rates) == 1


def test_the_base_currency_changes_only_after_confirming(book) -> None:
    state = _state(CurrenciesAdminState, book["admin"])
    _call(state, CurrenciesAdminState, "load_currencies")
    _call(state, CurrenciesAdminState, "choose_base", "USD")
    assert state.pending_base == "USD" and "US Dollar" in state.pending_text
    _call(state, CurrenciesAdminState, "confirm_base")
    assert state.base == "EUR"
    assert state.base_error == "Add an exchange rate for this currency first."
    with session_scope(book["url"]) as s:
        currencies.add_rate(s, "USD", "0.8", actor_id=None)
    _call(state, CurrenciesAdminState, "choose_base", "USD")
    _call(state, CurrenciesAdminState, "cancel_base")
    assert state.pending_base == "" and state.base == "EUR"
    _call(state, CurrenciesAdminState, "choose_base", "USD")
    _call(state, CurrenciesAdminState, "confirm_base")
    assert state.base == "USD" and [r.currency for r in state.rates] == ["EUR"]


def test_the_forecast_shows_expected_next_to_won_in_the_base_currency(book) -> None:
    state = _state(ForecastState, book["sales"])
    _call(state, ForecastState, "load")
    assert state.loaded and state.has_deals and state.has_values
    assert len(state.rows) == 18 and state.range_key == "around"
    current = [r for r in state.rows if r.current]
    assert len(current) == 1
    # New is 10 %: (1000 + 500) × 10 % = 150 expected; 2000 won this month
    assert (current[0].expected, current[0].won, current[0].open_deals) == (
        "€150",
        "€2,000",
        "2",
    )
    assert (state.total_expected, state.total_won) == ("€150", "€2,000")
    assert state.expected_detail == "2 open deals" and state.won_detail == "1 deal won"
    bars = state.figure.data
    assert [b.name for b in bars] == ["Expected (weighted)", "Won"]
    assert len(bars[0].x) == 18 and sum(bars[0].y) == 150 and sum(bars[1].y) == 2000
    assert state.figure.layout.yaxis.title.text == "Revenue (EUR)"
    assert len(state.figure.to_json()) < 4000  # without plotly's 6.5 KB default template

    _call(state, ForecastState, "set_group_by", "owner")
    assert state.group_header == "Owner" and [r.group for r in state.rows] == ["No owner"]
    assert list(state.figure.data[0].x) == ["No owner"]
    _call(state, ForecastState, "set_range_key", "next")
    assert len(state.figure.data[0].x) == 1 and state.range_key == "next"
    start = date.fromisoformat(state.start + "-01")
    _call(state, ForecastState, "set_end", f"{start.year - 1}-01")
    assert state.range_error == "The last month comes before the first."
    _call(state, ForecastState, "reset_filters")
    assert state.range_error == "" and state.group_by == "none" and len(state.rows) == 18


def test_the_forecast_filters_by_pipeline_and_says_when_nothing_is_left(book) -> None:
    with session_scope(book["url"]) as s:
        other = pipelines.create_pipeline(s, "Empty", actor_id=None)
        other_id = other.id
    state = _state(ForecastState, book["admin"])
    _call(state, ForecastState, "load")
    assert ["all", "All pipelines"] in state.pipeline_options
    _call(state, ForecastState, "set_pipeline_filter", str(other_id))
    assert state.has_deals and not state.has_values
    _call(state, ForecastState, "set_pipeline_filter", "DROP TABLE")
    assert state.pipeline_filter == "all" and state.has_values


def test_the_forecast_is_in_the_users_language_and_right_to_left(book, db_url) -> None:
    with Session(get_engine(db_url)) as s:
        token = _login(s, "dana@example.com", "read_only", locale="he")
        stage = s.get(Stage, book["stages"]["New"])
        assert stage is not None
    state = _state(ForecastState, token)
    _call(state, ForecastState, "load")
    assert state.figure.layout.xaxis.autorange == "reversed"
    assert state.figure.layout.yaxis.side == "right"
    assert "€" in state.total_won and state.rows[0].month != ""
