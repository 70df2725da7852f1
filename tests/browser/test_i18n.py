"""Languages in the browser: switching, right-to-left layout, local formatting, no English left."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from crm_app.db import session_scope
from crm_app.models import User
from crm_app.services import dashboard, formatting, i18n, users

from .test_app import log_in

pytestmark = pytest.mark.browser
PASSWORD = "language-test-1"


@pytest.fixture
def polyglot(running_app) -> str:
    """A manager of our own, so changing their language does not affect other tests."""
    email = f"poly.{secrets.token_hex(3)}@example.com"
    with session_scope(running_app.db_url) as session:
        users.create_user(
            session,
            name="Polly Glot",
            email=email,
            role="manager",
            password=PASSWORD,
            actor_id=None,
        )
    return email


def _set_locale(db_url: str, email: str, code: str) -> None:
    with session_scope(db_url) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        users.update_profile(session, user.id, locale=code)


def _choose_language(page: Page, name: str) -> None:
    page.get_by_test_id("my-language").click()
    page.get_by_role("option", name=name).click()


def test_switching_to_hebrew_mirrors_the_layout(page: Page, base_url: str, polyglot: str) -> None:
    log_in(page, base_url, polyglot, PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(f"{base_url}/settings")
    _choose_language(page, "עברית")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "he")
    heading = i18n.gettext("Settings", "he")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name=i18n.gettext("Main", "he"))
    box = nav.bounding_box()
    assert box is not None and box["x"] > page.viewport_size["width"] / 2, (
        "sidebar should be on the right"
    )
    # Still signed in after a reload, still Hebrew.
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_switching_to_estonian_translates_and_formats_the_dashboard(
    page: Page, base_url: str, running_app, polyglot: str
) -> None:
    log_in(page, base_url, polyglot, PASSWORD)
    page.goto(f"{base_url}/settings")
    _choose_language(page, "Eesti")
    expect(page.locator("html")).to_have_attribute("lang", "et")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.get_by_role("navigation", name=i18n.gettext("Main", "et")).get_by_role(
        "link", name=i18n.gettext("Dashboard", "et")
    ).click()
    expect(
        page.get_by_role("heading", name=i18n.gettext("Dashboard", "et"), exact=True)
    ).to_be_visible()
    with session_scope(running_app.db_url) as session:
        user = session.exec(select(User).where(User.email == polyglot)).one()
        figs = dashboard.figures(session, user_id=user.id, time_zone=user.time_zone)
    expected = formatting.money(figs.open_pipeline_value, figs.base_currency, "et")
    assert re.fullmatch(r"[\d\xa0]+\xa0€", expected), expected  # Estonian: 803 768 €
    expect(page.get_by_test_id("open-pipeline-value")).to_have_text(expected)
    expect(page.get_by_test_id("won-count")).to_have_text(
        i18n.ngettext("{n} deal won", "{n} deals won", figs.won_this_month_count, "et")
    )


@pytest.mark.parametrize("code", list(i18n.LANGUAGES))
def test_no_untranslated_text_on_the_dashboard(
    page: Page, base_url: str, running_app, polyglot: str, code: str
) -> None:
    _set_locale(running_app.db_url, polyglot, code)
    log_in(page, base_url, polyglot, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.get_by_test_id("open-pipeline-value")).not_to_have_text("")
    expect(
        page.get_by_role("heading", name=i18n.gettext("Newest activities", code))
    ).to_be_visible()
    lines = {
        line.strip() for line in page.locator("body").inner_text().splitlines() if line.strip()
    }
    english = {msgid for msgid, text in i18n.translations("et").items() if len(msgid) > 3}
    if code != "en":
        leftovers = {line for line in lines if line in english and i18n.gettext(line, code) != line}
        assert leftovers == set(), f"untranslated in {code}: {sorted(leftovers)}"
