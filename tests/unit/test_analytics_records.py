"""The drill-down list page: its address written on a click and read back (checked key by key),
the page it shows (criteria in words, count, a page of rows, CSV of the whole list), and the
ticket queue link only where the queue shows exactly the same tickets."""

from __future__ import annotations

import csv
import inspect
from datetime import date

import pytest
from reflex.istate.data import RouterData

from crm_app.models import Segment
from crm_app.services import auth, downloads, users
from crm_app.services.analytics import AnalyticsFilter, drill, drill_address
from crm_app.services.analytics.drill_address import FilterForm, address, parse
from crm_app.services.errors import ValidationError
from crm_app.state import analytics_records_view as view
from crm_app.state.analytics import AnalyticsState
from crm_app.state.analytics_records import AnalyticsRecordsState

from .state_calls import state_instance
from .test_analytics_sales import book  # noqa: F401 (fixture)

PASSWORD = "a-long-password-1"


# -- the address ------------------------------------------------------------------------------
def _query(url: str) -> str:
    assert url.startswith("/analytics/records?"), url
    return url.split("?", 1)[1]


def test_an_address_reads_back_as_it_was_written() -> None:
    form = FilterForm("2026-01-01", "2026-03-31", "all", "3", "")
    url = address("lost_reasons", {"lost_reason": "Price", "won": False}, form)
    assert url == (
        "/analytics/records?chart=lost_reasons&lost_reason=Price&won=0"
        "&from=2026-01-01&to=2026-03-31&owner=3"
    )
    q = parse(_query(url))
    assert (q.chart, q.kind, q.criteria) == (
        "lost_reasons",
        "deal",
        {"lost_reason": "Price", "won": False},
    )
    assert q.form == FilterForm("2026-01-01", "2026-03-31", "", "3", "")
    # the chart's "None" bar (no reason given) keeps its empty value
    none = parse(_query(address("lost_reasons", {"lost_reason": None, "won": False}, FilterForm())))
    assert none.criteria == {"lost_reason": "", "won": False}
    band = parse(_query(address("lifetime_value", {"low": 0.1, "high": 1234.5}, FilterForm())))
    assert band.criteria == {"low": 0.1, "high": 1234.5}
    ticket = parse("chart=tickets_by_channel&month=2026-03&channel=email&assignee_id=-1")
    assert ticket.criteria == {"month": "2026-03", "channel": "email", "assignee_id": -1}
    assert parse("chart=pipeline_by_stage&stage_id=5").criteria == {"stage_id": 5}


@pytest.mark.parametrize(
    ("query", "key", "message"),
    [
        ("", "chart", drill_address.BAD_ADDRESS),
        ("owner_id=3", "chart", drill_address.BAD_ADDRESS),
        ("chart=funnel", "chart", drill_address.NO_CHART),
        ("chart=lost_reasons&country=EE", "country", drill_address.UNKNOWN_KEY),
        ("chart=lost_reasons&page=2", "page", drill_address.UNKNOWN_KEY),
        ("chart=lost_reasons&won=1&won=0", "won", drill_address.TWICE),
        ("chart=win_rate_by_month&month=2026-13", "month", drill_address.BAD_VALUE),
        ("chart=win_rate_by_owner&owner_id=bob", "owner_id", drill_address.BAD_VALUE),
        ("chart=win_rate_by_owner&owner_id=-2", "owner_id", drill_address.BAD_VALUE),
        ("chart=lost_reasons&won=yes", "won", drill_address.BAD_VALUE),
        ("chart=lifetime_value&low=5", "low", drill_address.BAD_BAND),
        ("chart=lifetime_value&low=9&high=5", "low", drill_address.BAD_BAND),
        ("chart=lifetime_value&low=nan&high=5", "low", drill_address.BAD_VALUE),
        ("chart=rfm&segment=Bogus", "segment", drill_address.BAD_VALUE),
        ("chart=pipeline_by_stage", "stage_id", drill_address.NO_STAGE),
        ("chart=pipeline_by_stage&stage_id=0", "stage_id", drill_address.BAD_VALUE),
        ("chart=lost_reasons&pipeline=sales", "pipeline", drill_address.BAD_VALUE),
        ("chart=lost_reasons&from=31.03.2026", "date", drill_address.BAD_DATE),
        ("chart=lost_reasons&from=2026-03-31&to=2026-01-01", "date", drill_address.DATES_REVERSED),
        ("chart=lost_reasons&source=" + "x" * 201, "source", drill_address.BAD_VALUE),
        ("chart=lost_reasons&" + "a" * 2100, "chart", drill_address.BAD_ADDRESS),
    ],
)
def test_a_bad_address_is_refused_with_its_reason(query: str, key: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse(query)
    assert caught.value.errors == {key: message}


def test_the_dashboard_and_the_list_build_the_same_filter() -> None:
    form = FilterForm("2026-01-01", "2026-03-31", "2", "all", "7")
    assert drill_address.analytics_filter(form) == AnalyticsFilter(
        date_from=date(2026, 1, 1),
        date_to=date(2026, 3, 31),
        pipeline_id=2,
        owner_id=None,
        segment_id=7,
    )


def test_the_ticket_queue_link_only_when_it_shows_the_same_tickets() -> None:
    def link(query: str) -> str:
        return view.queue_link(parse(query))

    assert link("chart=tickets_by_channel&channel=email") == "/tickets?view=all&channel=email"
    assert link("chart=tickets_by_category&category=billing&assignee_id=-1") == (
        "/tickets?view=all&category=billing&owner=none"
    )
    assert link("chart=tickets_by_channel&channel=chat&owner=4") == (
        "/tickets?view=all&channel=chat&owner=4"
    )
    # a month and the filter's dates become the queue's created days (intersected)
    assert link("chart=tickets_by_channel&month=2026-03&channel=email") == (
        "/tickets?view=all&channel=email&created_from=2026-03-01&created_to=2026-03-31"
    )
    assert link("chart=tickets_by_channel&month=2025-12&channel=email&from=2025-12-10") == (
        "/tickets?view=all&channel=email&created_from=2025-12-10&created_to=2025-12-31"
    )
    assert link("chart=tickets_by_channel&channel=email&from=2026-01-01") == (
        "/tickets?view=all&channel=email&created_from=2026-01-01"
    )
    assert link("chart=tickets_by_channel&month=2026-02&channel=email&to=2026-01-31") == ""
    # the queue reads days in the user's zone: with another zone than the installation's, none
    q = parse("chart=tickets_by_channel&month=2026-03&channel=email")
    assert view.queue_link(q, same_zone=False) == ""
    # a segment, "no category" or two different people: no exact match
    assert link("chart=tickets_by_channel&channel=email&segment=2") == ""
    assert link("chart=tickets_by_category&category=") == ""
    assert link("chart=tickets_by_channel&assignee_id=3&owner=4") == ""
    assert link("chart=lost_reasons&won=0") == ""


# -- the page ---------------------------------------------------------------------------------
@pytest.fixture
def open_page(db_url, session, book, monkeypatch, fast_hashing, tmp_path):  # noqa: F811
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(downloads.settings, "DATA_DIR", tmp_path)
    user = users.create_user(
        session, name="Sam", email="sam@example.com", role="sales", password=PASSWORD, actor_id=None
    )
    session.commit()
    token = auth.login(session, user.email, PASSWORD)[0]
    session.commit()

    def open_at(query: str) -> AnalyticsRecordsState:
        state = state_instance(AnalyticsRecordsState)
        state.session_token = token
        path = f"/analytics/records?{query}"
        state.router = RouterData.from_router_data(
            {"pathname": "/analytics/records", "asPath": path}
        )
        _call(state, "load")
        return state

    return open_at


def _call(state, name: str, *args):
    result = type(state).event_handlers[name].fn(state, *args)
    return list(result) if inspect.isgenerator(result) else result


def test_the_page_lists_the_records_with_their_criteria_in_words(open_page, book) -> None:  # noqa: F811
    bob = book["bob"].id
    sales = book["deals"]["W1"].pipeline_id
    state = open_page(
        f"chart=win_rate_by_owner&owner_id={bob}&from=2026-01-01&to=2026-03-31&pipeline={sales}"
    )
    assert state.error == "" and state.title == "Deals closed by this owner"
    assert state.chips == [
        "Owner: \u2068Bob\u2069",
        "Jan 1, 2026 – Mar 31, 2026",
        "Pipeline: \u2068Sales\u2069",
    ]
    assert state.total == 2 and state.total_label == "2 deals" and state.count_label == "1–2 of 2"
    assert [(r.name, r.detail) for r in state.rows] == [("W2", "Won"), ("L2", "Lost")]
    assert state.rows[0].link == f"/deals/{book['deals']['W2'].id}"
    assert state.headers == ["Deal", "Stage", "Value"] and state.queue_link == ""
    month = open_page("chart=win_rate_by_month&month=2026-03&won=1")
    assert month.chips == ["Closed in \u2068March 2026\u2069", "Won"]


def test_the_way_back_reopens_the_dashboard_under_the_same_filter(open_page, book) -> None:  # noqa: F811
    bob = book["bob"].id
    state = open_page(f"chart=win_rate_by_owner&owner_id={bob}&from=2026-01-01&owner={bob}")
    assert state.back_link == f"/analytics?from=2026-01-01&owner={bob}"
    assert open_page(f"chart=win_rate_by_owner&owner_id={bob}").back_link == "/analytics"


def test_a_bad_address_shows_why_instead_of_failing(open_page, session) -> None:
    state = open_page("chart=lost_reasons&country=EE")
    assert state.loaded and state.rows == [] and state.total == 0
    assert state.error == "“\u2068country\u2069” is not part of this list's address."
    # someone else's private segment is not available, even by its id
    other = Segment(name="Private", entity="contact", shared=False, owner_id=None, rules={})
    session.add(other)
    session.commit()
    hidden = open_page(f"chart=lost_reasons&segment={other.id}")
    assert "not available to you" in hidden.error and hidden.rows == []
    assert "not available" in open_page("chart=pipeline_by_stage&stage_id=999").error


def test_paging_and_the_csv_of_the_whole_list(open_page, book, tmp_path, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(drill, "PAGE_SIZE", 2)
    state = open_page("chart=lost_reasons&won=0")
    assert state.total == 3 and state.pages == 2 and state.count_label == "1–2 of 3"
    assert [r.name for r in state.rows] == ["L1", "L2"]
    _call(state, "next_page")
    assert state.page == 2 and [r.name for r in state.rows] == ["L3"]
    assert state.count_label == "3–3 of 3"
    _call(state, "next_page")  # there is no third page
    assert state.page == 2
    _call(state, "prev_page")
    assert state.page == 1 and [r.name for r in state.rows] == ["L1", "L2"]
    assert _call(state, "download_csv") is not None
    files = list((tmp_path / "downloads").glob("*.csv"))
    with files[0].open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert [r[1] for r in rows[1:]] == ["L1", "L2", "L3"]


def test_a_click_on_the_dashboard_opens_the_list_page(open_page, book, db_url, session) -> None:  # noqa: F811
    dashboard = state_instance(AnalyticsState)
    dashboard.session_token = open_page("chart=lost_reasons").session_token
    _call(dashboard, "load")
    _call(dashboard, "set_date_from", "2026-01-01")
    event = _call(dashboard, "open_drill", "lost_reasons", [{"curveNumber": 0, "pointNumber": 0}])
    path = dict((str(k), v._var_value) for k, v in event.args)["path"]
    assert path == "/analytics/records?chart=lost_reasons&lost_reason=Price&won=0&from=2026-01-01"
    listed = open_page(_query(path))
    assert [r.name for r in listed.rows] == ["L1", "L2"]
    # indexes the chart does not have, a chart without a list, or not points: nothing happens
    assert (
        _call(dashboard, "open_drill", "lost_reasons", [{"curveNumber": 0, "pointNumber": 99}])
        is None
    )
    assert _call(dashboard, "open_drill", "funnel", [{"curveNumber": 0, "pointNumber": 0}]) is None
    assert _call(dashboard, "open_drill", "lost_reasons", "not points") is None
