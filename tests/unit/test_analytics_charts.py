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


def test_deals_behind_a_bar(session, book) -> None:  # noqa: F811
    ctx = context(session)
    bob = book["bob"].id
    assert [r["name"] for r in drill.closed_deals_matching(ctx, owner_id=bob)] == ["W2", "L2"]
    assert [r["name"] for r in drill.closed_deals_matching(ctx, source="")] == ["R1", "L3"]
    jan = drill.closed_deals_matching(ctx, month="2026-01", won=True)
    assert [(r["name"], r["value"], r["link"]) for r in jan] == [
        ("W1", 1000.0, f"/deals/{book['deals']['W1'].id}"),
        ("R1", 400.0, f"/deals/{book['deals']['R1'].id}"),
    ]
    lead = book["deals"]["O1"].stage_id
    assert [r["name"] for r in drill.open_deals_in_stage(ctx, lead)] == ["O1"]
    feb = context(session, AnalyticsFilter(date(2026, 2, 1), date(2026, 2, 28)))
    assert [r["name"] for r in drill.closed_deals_matching(feb, owner_id=bob)] == ["W2", "L2"]
    assert drill.closed_deals_matching(feb, month="2026-01") == []


def test_customers_behind_a_bar(session, buyers) -> None:  # noqa: F811
    ctx = context(session, now=NOW)
    assert [r["name"] for r in drill.customers_matching(ctx, country="EE")] == ["Alpha"]
    assert [r["link"] for r in drill.customers_matching(ctx, country="FI")] == [
        f"/contacts/{buyers['c2'].id}"
    ]
    assert [r["name"] for r in drill.customers_matching(ctx, first_month="2026-02")] == ["Beta"]
    assert [r["name"] for r in drill.customers_matching(ctx, low=500, high=1000)] == ["Alpha"]
    assert len(drill.customers_matching(ctx, segment="Need attention")) == 3


def test_tickets_behind_a_bar(session, desk) -> None:  # noqa: F811
    ctx = context(session, MARCH)
    phone = drill.tickets_matching(ctx, month="2026-03", channel="phone")
    assert [r["name"] for r in phone] == ["T2"] and phone[0]["link"].startswith("/tickets/")
    assert [r["name"] for r in drill.tickets_matching(ctx, category="billing")] == ["T4", "T1"]
