"""The pipeline board in the browser: drag and drop, the lost-reason dialog, column totals,
the move-to-stage control, and the deal form."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect

from crm_app.db import session_scope
from crm_app.models import Deal, Stage

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def _open_board(page: Page, base_url: str) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/pipeline")
    expect(page.get_by_test_id("deal-card").first).to_be_visible()


def _column(page: Page, name: str) -> Locator:
    heading = page.get_by_role("heading", name=name, exact=True)
    return page.get_by_test_id("kanban-column").filter(has=heading)


def _count(column: Locator) -> int:
    return int(re.sub(r"\D", "", column.get_by_test_id("column-count").inner_text()) or 0)


def _card(page: Page, deal_id: str) -> Locator:
    return page.locator(f'[data-testid="deal-card"][data-deal-id="{deal_id}"]')


def _first_card(column: Locator) -> tuple[Locator, str]:
    card = column.get_by_test_id("deal-card").first
    expect(card).to_be_visible()
    return card, card.get_attribute("data-deal-id") or ""


def _drag(page: Page, card: Locator, target: Locator) -> None:
    """A real mouse drag (native HTML5 drag events), as a person does it."""
    card.scroll_into_view_if_needed()
    box, goal = card.bounding_box(), target.bounding_box()
    assert box and goal
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + 20, steps=4)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 40, steps=12)
    page.mouse.up()


def _stage_of(running_app, deal_id: str) -> Stage:
    with session_scope(running_app.db_url) as session:
        deal = session.get(Deal, int(deal_id))
        assert deal is not None
        stage = session.get(Stage, deal.stage_id)
        assert stage is not None
        session.expunge(stage)
        return stage


def test_drag_a_card_to_another_column_and_it_stays_after_a_reload(
    page: Page, base_url: str, running_app
) -> None:
    _open_board(page, base_url)
    source, target = _column(page, "New lead"), _column(page, "Qualified")
    before = (_count(source), _count(target))
    total_before = target.get_by_test_id("column-total").inner_text()
    card, deal_id = _first_card(source)
    _drag(page, card, target.locator("header"))
    expect(target.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    expect(source.locator(f'[data-deal-id="{deal_id}"]')).to_have_count(0)
    # the column totals follow the move
    expect(source.get_by_test_id("column-count")).to_have_text(str(before[0] - 1))
    expect(target.get_by_test_id("column-count")).to_have_text(str(before[1] + 1))
    expect(target.get_by_test_id("column-total")).not_to_have_text(total_before)
    assert _stage_of(running_app, deal_id).name == "Qualified"

    page.reload()
    expect(_column(page, "Qualified").locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()


def test_reorder_within_a_column(page: Page, base_url: str) -> None:
    _open_board(page, base_url)
    column = _column(page, "Proposal sent")
    cards = column.get_by_test_id("deal-card")
    first_id = cards.nth(0).get_attribute("data-deal-id")
    third = cards.nth(2)
    third_box = third.bounding_box()
    box = cards.nth(0).bounding_box()
    assert box and third_box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 30, steps=4)
    # the lower half of the third card: it goes below it
    page.mouse.move(
        third_box["x"] + third_box["width"] / 2, third_box["y"] + third_box["height"] - 8, steps=12
    )
    page.mouse.up()
    expect(cards.nth(2)).to_have_attribute("data-deal-id", first_id or "")
    page.reload()
    expect(_column(page, "Proposal sent").get_by_test_id("deal-card").nth(2)).to_have_attribute(
        "data-deal-id", first_id or ""
    )


def test_a_drop_into_a_lost_stage_asks_why(page: Page, base_url: str, running_app) -> None:
    _open_board(page, base_url)
    page.locator(".rp-kanban-scroll").evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    source, lost = _column(page, "Negotiation"), _column(page, "Lost")
    card, deal_id = _first_card(source)
    lost_before = _count(lost)

    _drag(page, card, lost.locator("header"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Why was this deal lost?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(source.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()  # left where it was
    assert _stage_of(running_app, deal_id).name == "Negotiation"

    _drag(page, source.locator(f'[data-deal-id="{deal_id}"]'), lost.locator("header"))
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("confirm-lost").click()  # no reason yet
    expect(dialog.get_by_test_id("error-lost_reason")).to_be_visible()
    dialog.get_by_role("combobox").click()
    page.get_by_role("option", name="Chose a competitor").click()
    dialog.get_by_label("Note (optional)").fill("Went with the cheaper offer")
    dialog.get_by_test_id("confirm-lost").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(lost.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    expect(lost.get_by_test_id("column-count")).to_have_text(str(lost_before + 1))
    with session_scope(running_app.db_url) as session:
        deal = session.get(Deal, int(deal_id))
        assert deal and deal.lost_reason == "competitor" and deal.closed_at is not None
        assert deal.lost_note == "Went with the cheaper offer"


def test_the_move_to_stage_control(page: Page, base_url: str, running_app) -> None:
    _open_board(page, base_url)
    source, target = _column(page, "Qualified"), _column(page, "Proposal sent")
    card, deal_id = _first_card(source)
    card.hover()
    card.get_by_test_id("move-to-stage").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name=re.compile("Qualified"))).to_be_disabled()
    dialog.get_by_role("button", name=re.compile("Proposal sent")).click()
    expect(target.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    assert _stage_of(running_app, deal_id).name == "Proposal sent"

    # with the keyboard: Tab to the card's control, Enter, choose, Enter
    moved = target.locator(f'[data-deal-id="{deal_id}"]')
    moved.get_by_test_id("move-to-stage").focus()
    page.keyboard.press("Enter")
    option = page.get_by_role("dialog").get_by_role("button", name=re.compile("Negotiation"))
    option.focus()
    page.keyboard.press("Enter")
    expect(_column(page, "Negotiation").locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()


def test_quick_add_in_a_column(page: Page, base_url: str) -> None:
    _open_board(page, base_url)
    column = _column(page, "New lead")
    count = _count(column)
    title = f"Quick deal {secrets.token_hex(2)}"
    column.get_by_test_id("quick-add").click()
    column.get_by_test_id("quick-add-title").fill(title)
    column.get_by_test_id("quick-add-value").fill("1250")
    page.keyboard.press("Enter")
    expect(column.get_by_test_id("deal-card").first).to_contain_text(title)
    expect(column.get_by_test_id("deal-card").first).to_contain_text("1,250")
    expect(column.get_by_test_id("column-count")).to_have_text(str(count + 1))


def test_the_deal_form_adds_with_errors_kept_then_edits(
    page: Page, base_url: str, running_app
) -> None:
    _open_board(page, base_url)
    title = f"Form deal {secrets.token_hex(2)}"
    page.get_by_test_id("new-deal").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title").fill(title)
    dialog.locator("input[name=value]").fill("not a number")
    dialog.get_by_test_id("save-deal").click()
    expect(dialog.get_by_test_id("error-value")).to_be_visible()
    expect(dialog.get_by_label("Title")).to_have_value(title)  # what was typed is kept

    dialog.get_by_test_id("add-line").click()
    line = dialog.get_by_test_id("deal-line").first
    line.get_by_label("Description").fill("Barista training day")
    line.get_by_label("Quantity").fill("2")
    line.get_by_label("Unit price").fill("450")
    expect(dialog.get_by_test_id("lines-total")).to_have_text("€900.00")
    dialog.get_by_test_id("save-deal").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    card = _column(page, "New lead").get_by_test_id("deal-card").filter(has_text=title)
    expect(card).to_contain_text("€900")
    deal_id = card.get_attribute("data-deal-id")
    card.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Title")).to_have_value(title)
    expect(dialog.get_by_test_id("stage-history")).to_contain_text("New lead")
    expect(dialog.get_by_test_id("deal-line")).to_have_count(1)

    # /deals/<id> opens the same form directly, and so does a global search hit's address
    page.goto(f"{base_url}/deals/{deal_id}")
    expect(page.get_by_role("dialog").get_by_label("Title")).to_have_value(title)
    page.goto(f"{base_url}/pipeline?deal={deal_id}")
    expect(page.get_by_role("dialog").get_by_label("Title")).to_have_value(title)


def test_the_owner_filter_and_the_won_lost_window(page: Page, base_url: str) -> None:
    _open_board(page, base_url)
    summary = page.get_by_test_id("board-summary").inner_text()
    page.get_by_label("Owner", exact=True).select_option(label="Anna Virtanen")
    expect(page.get_by_test_id("board-summary")).not_to_have_text(summary)
    owners = page.locator('[data-testid="deal-card"] .rp-avatar').evaluate_all(
        "els => [...new Set(els.map((e) => e.title))]"
    )
    assert owners == ["Anna Virtanen"]
    won = _column(page, "Won")
    recent = _count(won)
    page.get_by_label("Won and lost deals closed in").select_option("all")
    expect(won.get_by_test_id("column-count")).not_to_have_text(str(recent))
    assert _count(won) > recent
    page.get_by_role("button", name="Reset filters").click()
    expect(page.get_by_test_id("board-summary")).to_have_text(summary)
