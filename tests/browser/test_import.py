"""Importing contacts through the UI: dry run, import with a rejected row, undo."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Contact, ContactEmail

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def _count(db_url: str, last: str) -> int:
    with session_scope(db_url) as session:
        return int(
            session.scalar(
                sa.select(sa.func.count()).select_from(Contact).where(Contact.last_name == last)
            )
            or 0
        )


def test_import_a_csv_with_one_bad_row_then_undo(
    page: Page, base_url: str, running_app, tmp_path: Path
) -> None:
    last = f"Imported{secrets.token_hex(3)}"
    csv_file = tmp_path / "from-pipedrive.csv"
    csv_file.write_text(
        "Person - Name,Person - Email,Person - Phone,Person - Organization\n"
        f"Kati {last},kati.{last.lower()}@example.com,+372 5123 4567,Kohvik Kuu OÜ\n"
        f"Mart {last},MART.{last.upper()}@EXAMPLE.COM,,Kohvik Kuu OÜ\n"
        f"Broken {last},broken@@example,,\n",
        encoding="utf-8",
    )
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_test_id("import-upload")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(csv_file))

    rows = page.get_by_test_id("mapping-row")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Person - Email")).to_contain_text("E-mail")
    expect(rows.filter(has_text="Person - Name")).to_contain_text("Full name")

    page.get_by_test_id("import-dry-run").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text("2")  # two new
    expect(page.get_by_test_id("rejected-row")).to_have_count(1)
    expect(page.get_by_test_id("rejected-row")).to_contain_text("4")  # the spreadsheet row
    assert _count(running_app.db_url, last) == 0  # a dry run writes nothing

    page.get_by_test_id("import-run").click()
    expect(page.get_by_text("Import finished")).to_be_visible()
    rejected = page.get_by_test_id("rejected-row")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("valid e-mail")
    assert _count(running_app.db_url, last) == 2
    with session_scope(running_app.db_url) as session:
        emails = session.scalars(
            sa.select(ContactEmail.email)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(Contact.last_name == last)
        ).all()
    assert sorted(emails) == sorted(
        [f"kati.{last.lower()}@example.com", f"mart.{last.lower()}@example.com"]
    )

    page.get_by_test_id("undo-import").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Undo import").click()
    expect(page.get_by_text("The last import was undone")).to_be_visible()
    assert _count(running_app.db_url, last) == 0
