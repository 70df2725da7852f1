"""The deal page's Tasks card: add a task on the deal, see it listed, complete it; the deal form
around it still saves."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Deal, Stage, Task

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def _open_deal(db_url: str) -> tuple[int, str]:
    with session_scope(db_url) as session:
        deal = session.execute(
            sa.select(Deal)
            .join(Stage, Stage.id == Deal.stage_id)
            .where(~Stage.is_won, ~Stage.is_lost, ~Stage.archived)
            .order_by(Deal.id)
            .limit(1)
        ).scalar_one()
        return deal.id or 0, deal.title


def test_add_a_task_on_a_deal_then_complete_it(page: Page, base_url: str, running_app) -> None:
    deal_id, title = _open_deal(running_app.db_url)
    task = f"Send the revised offer {secrets.token_hex(2)}"
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/deals/{deal_id}")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Title")).to_have_value(title)
    card = dialog.get_by_test_id("deal-tasks")
    card.get_by_test_id("new-task-title").fill(task)
    card.get_by_test_id("new-task-date").fill("2031-03-04")
    card.get_by_test_id("new-task-time").fill("14:30")
    card.get_by_role("combobox", name="Priority").click()
    page.get_by_role("option", name="High").click()
    card.get_by_role("button", name="Add").click()

    row = card.get_by_test_id("task-row").filter(has_text=task)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("task-priority")).to_have_text("High")
    expect(card.get_by_test_id("new-task-title")).to_have_value("")  # a fresh form
    with session_scope(running_app.db_url) as session:
        saved = session.execute(sa.select(Task).where(Task.title == task)).scalar_one()
        assert saved.deal_id == deal_id and saved.priority == "high" and not saved.done

    # the deal form around the card still saves what was typed
    renamed = f"{title} ({secrets.token_hex(2)})"
    dialog.get_by_label("Title").fill(renamed)
    dialog.get_by_test_id("save-deal").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    with session_scope(running_app.db_url) as session:
        assert session.get(Deal, deal_id).title == renamed

    page.goto(f"{base_url}/deals/{deal_id}")
    card = page.get_by_role("dialog").get_by_test_id("deal-tasks")
    row = card.get_by_test_id("task-row").filter(has_text=task)
    row.get_by_test_id("task-complete").click()
    expect(row).to_have_count(0)
    with session_scope(running_app.db_url) as session:
        assert session.execute(sa.select(Task.done).where(Task.title == task)).scalar_one()
