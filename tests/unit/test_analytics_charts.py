"""Every chart's data (the CSV behind it) and the drill-down lists behind a bar."""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest

from crm_app.services.analytics import AnalyticsFilter, charts, context, drill

from .test_analytics_customers import NOW, buyers  # noqa: F401 (fixture)
from .test_analytics_sales import book  # noqa: F401 (fixture)
from .test_analytics_service import MARCH, desk  # noqa: F401 (fixture)


@pytest.mark.parametrize("key", sorted(charts.CHARTS))
def test_every_chart_has_its_frame_on_an_empty_database(session, key) -> None:
    assert isinstance(charts.chart_frame(context(session), key), pd.DataFrame)


def test_an_unknown_chart_is_refused(session) -> None:
    with pytest.raises(KeyError):
        charts.chart_frame(context(session), "nope")


def test_the_csv_is_what_the_chart_shows_and_cannot_run(session, book, tmp_path) -> None:  # noqa: F811
    book["deals"]["L2"].lost_reason = "=HYPERLINK(1)"
    session.commit()
    path = tmp_path / "lost.csv"
    n = charts.write_csv(charts.chart_frame(context(session), "lost_reasons"), path)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert n == 3 and rows[0] == ["reason", "deals", "value"]
    assert ["'=HYPERLINK(1)", "1", "300.0"] in rows


def _names(found: drill.DrillPage) -> list[str]:
    return [r["name"] for r in found.rows]


def test_deals_behind_a_bar(session, book) -> None:  # noqa: F811
    ctx = context(session)
    bob = book["bob"].id
    assert _names(drill.closed_deals_matching(ctx, owner_id=bob)) == ["W2", "L2"]
    assert _names(drill.closed_deals_matching(ctx, source="")) == ["R1", "L3"]
    jan = drill.closed_deals_matching(ctx, month="2026-01", won=True)
    assert jan.total == 2 and jan.page == 1 and jan.pages == 1
    assert [(r["name"], r["value"], r["link"]) for r in jan.rows] == [
        ("W1", 1000.0, f"/deals/{book['deals']['W1'].id}"),
        ("R1", 400.0, f"/deals/{book['deals']['R1'].id}"),
    ]
    lead = book["deals"]["O1"].stage_id
    assert _names(drill.open_deals_in_stage(ctx, lead)) == ["O1"]
    feb = context(session, AnalyticsFilter(date(2026, 2, 1), date(2026, 2, 28)))
    assert _names(drill.closed_deals_matching(feb, owner_id=bob)) == ["W2", "L2"]
    empty = drill.closed_deals_matching(feb, month="2026-01")
    assert empty.rows == [] and empty.total == 0 and empty.pages == 1


def test_a_drill_list_comes_a_page_at_a_time(session, book) -> None:  # noqa: F811
    ctx = context(session)
    every = drill.closed_deals_matching(ctx)
    assert every.total == 6 and len(every.rows) == 6
    ordered = _names(every)
    pages = [drill.closed_deals_matching(ctx, page=p, page_size=4) for p in (1, 2)]
    assert [p.total for p in pages] == [6, 6] and [p.pages for p in pages] == [2, 2]
    assert _names(pages[0]) + _names(pages[1]) == ordered
    # a page past the end shows the last one; a page before the first, the first
    assert _names(drill.closed_deals_matching(ctx, page=9, page_size=4)) == ordered[4:]
    assert drill.closed_deals_matching(ctx, page=9, page_size=4).page == 2
    assert _names(drill.closed_deals_matching(ctx, page=-3, page_size=4)) == ordered[:4]
    # the whole list for the CSV
    assert _names(drill.closed_deals_matching(ctx, page_size=None)) == ordered
    lead = book["deals"]["O1"].stage_id
    stage = drill.open_deals_in_stage(ctx, lead, page=2, page_size=1)
    assert stage.total == 1 and stage.page == 1 and _names(stage) == ["O1"]


def test_the_list_behind_each_kind_of_chart(session, book) -> None:  # noqa: F811
    ctx = context(session)
    lead = book["deals"]["O1"].stage_id
    assert _names(drill.records(ctx, "pipeline_by_stage", {"stage_id": lead})) == ["O1"]
    lost = drill.records(ctx, "lost_reasons", {"lost_reason": "Price", "won": False})
    assert _names(lost) == ["L1", "L2"]
    # a key another kind of chart uses is ignored, not applied
    assert drill.records(ctx, "lost_reasons", {"country": "EE"}).total == 6


def test_the_whole_list_downloads_as_csv_that_cannot_run(session, book, tmp_path) -> None:  # noqa: F811
    book["deals"]["L2"].title = "=HYPERLINK(1)"
    session.commit()
    found = drill.records(context(session), "lost_reasons", {"won": False}, page_size=None)
    path = tmp_path / "lost.csv"
    assert drill.write_csv(found.rows, "deal", path) == found.total == 3
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id", "deal", "stage", "value", "link"]
    assert [r[1] for r in rows[1:]] == ["L1", "'=HYPERLINK(1)", "L3"]
    assert rows[1][4] == f"/deals/{book['deals']['L1'].id}"


def test_customers_behind_a_bar(session, buyers) -> None:  # noqa: F811
    ctx = context(session, now=NOW)
    assert _names(drill.customers_matching(ctx, country="EE")) == ["Alpha"]
    assert [r["link"] for r in drill.customers_matching(ctx, country="FI").rows] == [
        f"/contacts/{buyers['c2'].id}"
    ]
    assert _names(drill.customers_matching(ctx, first_month="2026-02")) == ["Beta"]
    assert _names(drill.customers_matching(ctx, low=500, high=1000)) == ["Alpha"]
    attention = drill.customers_matching(ctx, segment="Need attention")
    assert attention.total == 3 and len(attention.rows) == 3
    second = drill.customers_matching(ctx, segment="Need attention", page=2, page_size=2)
    assert len(second.rows) == 1 and second.rows[0] == attention.rows[2]


def test_tickets_behind_a_bar(session, desk) -> None:  # noqa: F811
    ctx = context(session, MARCH)
    phone = drill.tickets_matching(ctx, month="2026-03", channel="phone")
    assert _names(phone) == ["T2"] and phone.rows[0]["link"].startswith("/tickets/")
    assert phone.rows[0]["created"].year == 2026
    assert _names(drill.tickets_matching(ctx, category="billing")) == ["T4", "T1"]
