"""Right-to-left in Chromium for marketing and automation: /marketing (campaign list and the
template editor), /automations (the rule builder) and the public lead form /f/<slug>.

Each page is checked for the document direction, a translated heading or label, and real
layout: the sidebar on the right, labels and fields starting at the right edge, rows laid out
right to left, and nothing wider than the window. Set RAPPORT_SHOTS=<folder> to keep a
screenshot of each page."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from crm_app.db import session_scope
from crm_app.models import User
from crm_app.services import app_settings, i18n, users

from .test_app import log_in

pytestmark = pytest.mark.browser
PASSWORD = "rtl-marketing-1"
HE = "he"


def he(message: str) -> str:
    return i18n.gettext(message, HE)


@pytest.fixture
def hebrew_manager(running_app) -> str:
    """A manager of our own who reads Hebrew (other tests keep their languages)."""
    email = f"rtl.{secrets.token_hex(3)}@example.com"
    with session_scope(running_app.db_url) as session:
        users.create_user(
            session, name="Dana Levi", email=email, role="manager", password=PASSWORD, actor_id=None
        )
        session.flush()
        user = session.exec(select(User).where(User.email == email)).one()
        users.update_profile(session, user.id, locale=HE)
    return email


@pytest.fixture
def hebrew_installation(running_app):
    """The installation's language is Hebrew (what visitors of public pages get)."""
    with session_scope(running_app.db_url) as session:
        before = app_settings.get(session, "default_locale")
        app_settings.put(session, "default_locale", HE, actor_id=None)
    yield
    with session_scope(running_app.db_url) as session:
        app_settings.put(session, "default_locale", before, actor_id=None)


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("RAPPORT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _box(locator: Locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def _text_box(locator: Locator) -> dict:
    """Where the text of an element is drawn (not the element's box, which may be wider)."""
    return locator.evaluate(
        """el => { const r = document.createRange(); r.selectNodeContents(el);
        const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; }"""
    )


def _settled(dialog: Locator) -> None:
    """Wait for the dialog's opening animation (it scales in: boxes move until it ends)."""
    expect(dialog).to_be_visible()
    dialog.evaluate(
        "el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished.catch(() => 0)))"
    )


def _assert_rtl_document(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", HE)


def _assert_sidebar_on_the_right(page: Page) -> None:
    nav = page.get_by_role("navigation", name=he("Main"))
    assert _box(nav)["x"] > page.viewport_size["width"] / 2, "the sidebar should be on the right"


def _assert_no_horizontal_overflow(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page is wider than the window: {widths}"


def _assert_label_starts_at_the_right(label: Locator, field: Locator) -> None:
    """The label's text and its field both start at the right edge (the inline start)."""
    text, box = _text_box(label), _box(field)
    field_right = box["x"] + box["width"]
    assert abs(text["right"] - field_right) <= 4, (text, box)
    assert text["left"] > box["x"] + box["width"] / 3, f"label text is not on the right: {text}"


def _assert_inside_horizontally(inner: Locator, outer: Locator) -> None:
    a, b = _box(inner), _box(outer)
    assert a["x"] >= b["x"] - 1 and a["x"] + a["width"] <= b["x"] + b["width"] + 1, (a, b)


def test_marketing_campaigns_and_template_editor_are_right_to_left(
    page: Page, base_url: str, hebrew_manager: str
) -> None:
    log_in(page, base_url, hebrew_manager, PASSWORD)
    page.goto(f"{base_url}/marketing")
    _assert_rtl_document(page)
    expect(page.get_by_role("heading", name=he("Marketing"), exact=True)).to_be_visible()
    _assert_sidebar_on_the_right(page)
    tabs = page.get_by_test_id("tab-campaigns"), page.get_by_test_id("tab-templates")
    expect(page.get_by_role("tab", name=he("Campaigns"))).to_be_visible()
    assert _box(tabs[0])["x"] > _box(tabs[1])["x"], "the first tab should be the rightmost"
    new_campaign = page.get_by_test_id("new-campaign")
    expect(new_campaign).to_be_visible()
    assert _box(new_campaign)["x"] < page.viewport_size["width"] / 2, "actions end on the left"
    _assert_no_horizontal_overflow(page)
    _shot(page, "rtl-marketing-campaigns")

    tabs[1].click()
    page.get_by_test_id("new-template").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=he("New template"))).to_be_visible()
    _settled(dialog)
    name_field = page.locator("#field-name")
    page.locator("#field-subject").fill("שלום {{first_name}}")
    page.locator("#field-body").fill("שלום {{full_name}}, מה שלומך?")
    # Hebrew is the editor's language, so the preview is right-to-left too.
    preview = page.get_by_test_id("preview-body")
    expect(preview).to_contain_text("שלום ")
    expect(preview).to_have_attribute("dir", "rtl")
    _assert_label_starts_at_the_right(page.locator("label[for=field-name]"), name_field)
    _assert_label_starts_at_the_right(
        page.locator("label[for=field-body]"), page.locator("#field-body")
    )
    # The fields column is at the right, the preview to its left.
    assert _box(name_field)["x"] > _box(preview)["x"] + _box(preview)["width"] - 1
    preview_text = _text_box(preview)
    assert abs(preview_text["right"] - (_box(preview)["x"] + _box(preview)["width"])) <= 4
    _assert_inside_horizontally(page.get_by_test_id("save-template"), dialog)
    assert dialog.evaluate("el => el.scrollWidth <= el.clientWidth"), "the editor scrolls sideways"
    _assert_no_horizontal_overflow(page)
    _shot(page, "rtl-marketing-template-editor")

    # The preview's contact search: its hits open under the box, names at the right.
    picker = page.locator("#preview-contact")
    shown = picker.input_value()
    picker.fill(shown.lower())  # a new value (the same one would not be a change)
    hit = page.get_by_test_id("preview-contact-hit").filter(has_text=shown).first
    expect(hit).to_be_visible()
    _assert_inside_horizontally(hit, dialog)
    name, box = _text_box(hit.locator("span")), _box(hit)
    assert name["left"] > box["x"] + box["width"] / 2, "the hit's name should be at the right"
    _shot(page, "rtl-marketing-preview-picker")
    hit.click()
    expect(picker).to_have_value(shown)


def test_the_rule_builder_is_right_to_left(page: Page, base_url: str, hebrew_manager: str) -> None:
    log_in(page, base_url, hebrew_manager, PASSWORD)
    page.goto(f"{base_url}/automations")
    _assert_rtl_document(page)
    expect(page.get_by_role("heading", name=he("Automations"), exact=True)).to_be_visible()
    _assert_sidebar_on_the_right(page)
    expect(page.get_by_test_id("rule-row").first).to_be_visible()
    _assert_no_horizontal_overflow(page)
    _shot(page, "rtl-automations-rules")

    page.locator("#new-rule").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=he("New rule"))).to_be_visible()
    _settled(dialog)
    _assert_label_starts_at_the_right(
        page.locator("label[for=rule-name]"), page.locator("#rule-name")
    )
    page.get_by_role("button", name=he("Add condition")).click()
    field, op = page.locator("#rule-field-0"), page.locator("#rule-field-0 + select")
    expect(field).to_be_visible()
    # A condition reads right to left: field, then operator to its left.
    assert _box(field)["x"] > _box(op)["x"] + _box(op)["width"] - 1
    trigger, name = _box(page.locator("#rule-trigger")), _box(page.locator("#rule-name"))
    assert abs((trigger["x"] + trigger["width"]) - (name["x"] + name["width"])) <= 4, (
        "the trigger should start at the right edge"
    )
    _assert_inside_horizontally(page.locator("#rule-save"), dialog)
    assert dialog.evaluate("el => el.scrollWidth <= el.clientWidth"), "the builder scrolls sideways"
    _assert_no_horizontal_overflow(page)
    _shot(page, "rtl-automations-rule-builder")


def test_the_public_lead_form_follows_the_installation_language(
    page: Page, base_url: str, hebrew_installation
) -> None:
    """No login: the visitor gets the installation's language (Settings → Installation)."""
    page.goto(f"{base_url}/f/contact-us")
    _assert_rtl_document(page)
    first = page.locator("#lead-first_name")
    expect(first).to_be_visible()
    label = page.locator("label[for=lead-first_name]")
    expect(label).to_contain_text(he("First name"))
    expect(page.get_by_role("button", name=he("Send"))).to_be_visible()
    _assert_label_starts_at_the_right(label, first)
    _assert_label_starts_at_the_right(
        page.locator("label[for=lead-message]"), page.locator("#lead-message")
    )
    _assert_no_horizontal_overflow(page)
    _shot(page, "rtl-lead-form")
