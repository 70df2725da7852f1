"""Settings → Pipelines and Currencies, and the forecast page, in real Chromium."""

from __future__ import annotations

import re
import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Deal, ExchangeRate, Pipeline, Stage, User
from crm_app.services import clock, forecast, i18n, money, pipelines
from crm_app.state.forecast import whole_money

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def _settings_tab(page: Page, base_url: str, tab: str) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/settings")
    page.get_by_role("tab", name=tab).click()


def _stage_names(page: Page) -> list[str]:
    return page.get_by_test_id("stage-name").all_inner_texts()


def _stage_row(page: Page, name: str):
    return page.get_by_test_id("stage-row").filter(
        has=page.get_by_test_id("stage-name").get_by_text(name, exact=True)
    )


def test_add_rename_reorder_stages_and_archiving_a_full_stage_is_refused(
    page: Page, base_url: str, running_app
) -> None:
    _settings_tab(page, base_url, "Pipelines")
    expect(page.get_by_test_id("pipeline-row").first).to_be_visible()

    # A pipeline of its own, so the demo board keeps its stages.
    name = f"Test pipeline {secrets.token_hex(2)}"
    page.get_by_test_id("new-pipeline").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_test_id("save-pipeline").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("heading", name=f"Stages · {name}")).to_be_visible()
    assert _stage_names(page) == ["New", "Proposal", "Won", "Lost"]

    # Add a stage: a wrong probability is refused beside the field, the name is kept.
    page.get_by_test_id("new-stage").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Discovery")
    dialog.get_by_label("Win probability").fill("150")
    dialog.get_by_test_id("save-stage").click()
    expect(dialog.get_by_test_id("error-probability")).to_have_text(
        "Enter a probability from 0 to 100."
    )
    expect(dialog.get_by_label("Name")).to_have_value("Discovery")
    dialog.get_by_label("Win probability").fill("30")
    dialog.get_by_test_id("save-stage").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stage-name")).to_have_text(
        ["New", "Proposal", "Discovery", "Won", "Lost"]
    )
    expect(_stage_row(page, "Discovery").get_by_test_id("stage-probability")).to_have_text("30%")

    # Rename it.
    _stage_row(page, "Discovery").get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Name")).to_have_value("Discovery")
    dialog.get_by_label("Name").fill("Discovery call")
    dialog.get_by_test_id("save-stage").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stage-name")).to_have_text(
        ["New", "Proposal", "Discovery call", "Won", "Lost"]
    )

    # Reorder it with the keyboard: the focus stays on the stage that moved.
    up = _stage_row(page, "Discovery call").get_by_role("button", name="Move up")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stage-name")).to_have_text(
        ["New", "Discovery call", "Proposal", "Won", "Lost"]
    )
    expect(_stage_row(page, "Discovery call").get_by_role("button", name="Move up")).to_be_focused()
    with session_scope(running_app.db_url) as s:
        pid = s.execute(sa.select(Pipeline.id).where(Pipeline.name == name)).scalar_one()
        assert [st.name for st in pipelines.active_stages(s, pid)][:3] == [
            "New",
            "Discovery call",
            "Proposal",
        ]

    # Archive the test pipeline again; then try to archive a demo stage that holds deals.
    own = page.get_by_test_id("pipeline-row").filter(has_text=name)
    own.get_by_role("button", name="Archive").click()
    expect(own.get_by_text("Archived")).to_be_visible()
    with session_scope(running_app.db_url) as s:
        stage, count = s.execute(
            sa.select(Stage.name, sa.func.count())
            .select_from(Stage)
            .join(Pipeline, Pipeline.id == Stage.pipeline_id)
            .join(Deal, Deal.stage_id == Stage.id)
            .where(Pipeline.is_default, ~Stage.archived)
            .group_by(Stage.id, Stage.name)
            .order_by(Stage.position)
            .limit(1)
        ).one()
        default = s.execute(sa.select(Pipeline.name).where(Pipeline.is_default)).scalar_one()
    page.get_by_test_id("pipeline-name").filter(has_text=default).click()
    expect(page.get_by_role("heading", name=f"Stages · {default}")).to_be_visible()
    row = _stage_row(page, stage)
    row.get_by_role("button", name="Archive").click()
    expect(row.get_by_test_id("row-note")).to_have_text(
        i18n.ngettext(*pipelines.StageHasDeals.plural, count, "en")
    )
    assert f"{count} deal" in i18n.ngettext(*pipelines.StageHasDeals.plural, count, "en")
    expect(row.get_by_text("Archived")).to_have_count(0)


def test_set_an_exchange_rate(page: Page, base_url: str, running_app) -> None:
    with session_scope(running_app.db_url) as s:
        base = money.base_currency(s)
        have = set(s.execute(sa.select(ExchangeRate.currency)).scalars())
    code, label = next(
        (c, n)
        for c, n in [("CHF", "Swiss Franc"), ("NOK", "Norwegian Krone"), ("JPY", "Japanese Yen")]
        if c not in have and c != base
    )
    _settings_tab(page, base_url, "Currencies")
    expect(page.get_by_text("keeps the rate of the day it was won or lost")).to_be_visible()
    page.get_by_test_id("new-rate").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox", name="Currency").click()
    page.get_by_role("option", name=f"{label} ({code})").click()
    dialog.get_by_label("Rate").fill("0")
    dialog.get_by_test_id("save-rate").click()
    expect(dialog.get_by_test_id("error-rate")).to_have_text("Enter a rate above 0, like 0.92.")
    dialog.get_by_label("Rate").fill("0,95")
    dialog.get_by_test_id("save-rate").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.get_by_test_id("rate-row").filter(has_text=label)
    # (the codes and the number are direction-isolated for right-to-left languages)
    expect(row.get_by_test_id("rate")).to_have_text(
        re.compile(rf"^1\W+{code}\W+=\W+0\.95\W+{base}\W*$")
    )
    with session_scope(running_app.db_url) as s:
        assert s.get(ExchangeRate, code).rate == 0.95

    # Deleting asks first; then the row is gone.
    row.get_by_role("button", name="Delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete rate").click()
    expect(page.get_by_test_id("rate-row").filter(has_text=label)).to_have_count(0)


def test_the_forecast_shows_a_chart_and_a_table(page: Page, base_url: str, running_app) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/pipeline/forecast")
    expect(page.get_by_role("heading", name="Forecast")).to_be_visible()
    chart = page.get_by_test_id("forecast-chart")
    expect(chart.locator(".main-svg").first).to_be_attached(timeout=15_000)
    expect(chart.locator(".legend")).to_contain_text("Expected (weighted)")
    expect(page.get_by_test_id("forecast-row")).to_have_count(18)
    with session_scope(running_app.db_url) as s:
        user = s.execute(sa.select(User).where(User.email == ADMIN[0])).scalar_one()
        this_month = clock.local_today(user.time_zone).replace(day=1)
        first = forecast.add_months(this_month, -6)
        rows = forecast.forecast(s, start=first, months=18, time_zone=user.time_zone)
        sums = forecast.totals(rows)
        base = money.base_currency(s)
    assert sums["expected"] > 0 and sums["won"] > 0, "the demo business should forecast"
    expect(page.get_by_test_id("forecast-total-expected")).to_have_text(
        whole_money(sums["expected"], base, user.locale)
    )
    expect(page.get_by_test_id("forecast-total-won")).to_have_text(
        whole_money(sums["won"], base, user.locale)
    )

    page.get_by_role("radio", name="By owner").click()
    expect(page.get_by_role("columnheader", name="Owner")).to_be_visible()
    page.get_by_role("link", name="Back to the board").click()
    expect(page).to_have_url(re.compile(r"/pipeline/?$"))
