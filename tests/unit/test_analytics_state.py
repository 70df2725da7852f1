"""The analytics page's state, called as a browser would: the figures follow the filter bar,
a click opens the list of the records behind a bar, a chart's CSV, one-click tasks, and who may do what."""

from __future__ import annotations

import csv
import inspect
from pathlib import Path

import pytest
import sqlalchemy as sa
from reflex.istate.data import RouterData
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Task
from crm_app.services import auth, downloads, users
from crm_app.state.analytics import AnalyticsState

from .state_calls import state_instance
from .test_analytics_sales import book  # noqa: F401 (fixture)

PASSWORD = "a-long-password-1"


@pytest.fixture
def page(db_url, session, book, monkeypatch, fast_hashing, tmp_path):  # noqa: F811
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(downloads.settings, "DATA_DIR", tmp_path)
    tokens = {}
    for role in ("sales", "read_only"):
        user = users.create_user(
            session,
            name=role,
            email=f"{role}@example.com",
            role=role,
            password=PASSWORD,
            actor_id=None,
        )
        session.commit()
        tokens[role] = auth.login(session, user.email, PASSWORD)[0]
    session.commit()

    def open_as(role: str = "sales", query: str = "") -> AnalyticsState:
        state = state_instance(AnalyticsState)
        state.session_token = tokens[role]
        if query:
            path = f"/analytics?{query}"
            state.router = RouterData.from_router_data({"pathname": "/analytics", "asPath": path})
        _call(state, "load")
        return state

    return open_as


def _call(state, name: str, *args):
    result = type(state).event_handlers[name].fn(state, *args)
    if inspect.isgenerator(result):
        return list(result)
    return result


def _kpi(state, label: str) -> str:
    return next(k.value for k in state.kpis if k.label == label)


def _bars(figure) -> list:
    return [list(trace.x) for trace in figure.data]


def test_loading_shows_the_sales_tab(page) -> None:
    state = page()
    assert state.loaded and state.tab == "sales"
    assert _kpi(state, "Win rate") == "50.0%" and _kpi(state, "Won value") == "€3,000"
    assert list(state.fig_pipeline_by_stage.data[0].y) == [
        "Sales · Lead",
        "Sales · Offer",
        "Renewals · Due",
    ]
    assert [r.cells[0] for r in state.leaderboard] == ["Bob", "Ann"]
    assert [a.name for a in state.deal_actions] == []


def test_changing_the_date_filter_changes_every_chart(page) -> None:
    state = page()
    before = {
        key: getattr(state, f"fig_{key}").to_json()
        for key in ("win_rate_by_month", "win_rate_trend", "win_rate_by_owner", "lost_reasons")
    }
    _call(state, "set_date_from", "2026-02-01")
    _call(state, "set_date_to", "2026-02-28")
    assert _kpi(state, "Deals won") == "1" and _kpi(state, "Win rate") == "50.0%"
    for key, json in before.items():
        assert getattr(state, f"fig_{key}").to_json() != json, key
    assert _bars(state.fig_win_rate_by_month) == [["Feb 2026"], ["Feb 2026"]]
    _call(state, "set_date_to", "2026-01-01")
    assert state.filter_error == "The end date is before the start date."
    _call(state, "reset_filters")
    assert state.filter_error == "" and _kpi(state, "Deals won") == "3"


def _path(event) -> str:
    return {str(k): v._var_value for k, v in event.args}["path"]


def test_clicking_a_bar_opens_the_list_of_its_records(page) -> None:
    state = page()
    event = _call(state, "open_drill", "lost_reasons", [{"curveNumber": 0, "pointNumber": 0}])
    assert _path(event) == "/analytics/records?chart=lost_reasons&lost_reason=Price&won=0"
    stage = _call(state, "open_drill", "pipeline_by_stage", [{"curveNumber": 1, "pointNumber": 1}])
    assert _path(stage).startswith("/analytics/records?chart=pipeline_by_stage&stage_id=")
    _call(state, "set_owner_filter", state.owner_options[1][0])
    owned = _call(state, "open_drill", "lost_reasons", [{"curveNumber": 0, "pointNumber": 0}])
    assert _path(owned).endswith(f"&owner={state.owner_options[1][0]}")
    # indexes the chart does not have, or a chart without drill-down: nothing happens
    _call(state, "set_owner_filter", "all")
    assert (
        _call(state, "open_drill", "lost_reasons", [{"curveNumber": 0, "pointNumber": 99}]) is None
    )
    assert _call(state, "open_drill", "funnel", [{"curveNumber": 0, "pointNumber": 0}]) is None
    assert _call(state, "open_drill", "lost_reasons", "not points") is None
    # a filter bar that does not hold a valid range opens nothing
    _call(state, "set_date_from", "2026-03-01")
    _call(state, "set_date_to", "2026-01-01")
    assert (
        _call(state, "open_drill", "lost_reasons", [{"curveNumber": 0, "pointNumber": 0}]) is None
    )


def test_the_customers_and_service_tabs(page) -> None:
    state = page()
    _call(state, "set_tab", "customers")
    assert [k.label for k in state.kpis][:2] == ["Customers", "New customers"]
    _call(state, "set_tab", "service")
    assert _kpi(state, "Tickets") == "0"
    _call(state, "set_tab", "nonsense")
    assert state.tab == "service"


def test_no_chart_carries_plotlys_default_template(page) -> None:
    """Each chart sets its own colours, fonts and axes; plotly's template (6.5 KB) would only
    travel in every reply, once per chart."""
    from crm_app.state.analytics import FIGURES

    state = page()
    for tab in ("sales", "customers", "service"):
        _call(state, "set_tab", tab)
        for key in FIGURES:
            template = getattr(state, f"fig_{key}").to_plotly_json()["layout"].get("template")
            assert "colorway" not in str(template), (tab, key)


def test_a_charts_data_downloads_as_csv(page, tmp_path: Path) -> None:
    state = page()
    event = _call(state, "download_csv", "lost_reasons")
    assert event is not None  # rx.download of the file
    files = list((tmp_path / "downloads").glob("*.csv"))
    assert len(files) == 1
    with files[0].open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["reason", "deals", "value"], ["Price", "2", "800.0"], ["", "1", "100.0"]]
    assert _call(state, "download_csv", "no-such-chart") is None


def test_one_click_creates_a_task_but_not_for_a_read_only_user(page, book, db_url) -> None:  # noqa: F811
    deal_id = book["deals"]["O1"].id
    _call(page("read_only"), "create_task", "deal", deal_id, False)
    _call(page(), "create_task", "deal", deal_id, False)
    with Session(get_engine(db_url)) as s:
        tasks = s.execute(sa.select(Task)).scalars().all()
    assert [(t.title, t.deal_id) for t in tasks] == [("Move O1 forward", deal_id)]


def test_charts_mirror_for_right_to_left_languages() -> None:
    from crm_app.state import analytics_figures as figs

    ltr = figs.bars("en", ["a", "b"], [("n", [1, 2], ["1", "2"])])
    rtl = figs.bars("he", ["a", "b"], [("n", [1, 2], ["1", "2"])])
    assert ltr.layout.xaxis.autorange is True and ltr.layout.yaxis.side == "left"
    assert rtl.layout.xaxis.autorange == "reversed" and rtl.layout.yaxis.side == "right"
    assert rtl.layout.separators == ".,"  # Hebrew: decimal point, thousands comma
    assert figs.bars("et", ["a"], [("n", [1], ["1"])]).layout.separators == ", "


def test_an_address_with_a_filter_opens_the_dashboard_under_it(page) -> None:
    state = page()
    owner = state.owner_options[1][0]
    there = page(query=f"from=2026-02-01&to=2026-02-28&owner={owner}")
    assert (there.date_from, there.date_to, there.owner_filter) == (
        "2026-02-01",
        "2026-02-28",
        owner,
    )
    assert there.kpis != state.kpis  # February's deals of that owner only
    # what this user may not choose, and a reversed range, fall back to all
    odd = page(query="from=2026-03-01&to=2026-01-01&owner=999999&pipeline=abc")
    assert (odd.date_from, odd.date_to, odd.owner_filter, odd.pipeline_filter) == (
        "",
        "",
        "all",
        "all",
    )
