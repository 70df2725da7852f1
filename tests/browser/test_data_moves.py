"""Data in and out in the browser: export a segment, merge two duplicates (import: its own file)."""

from __future__ import annotations

import csv
import io
import re
import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Contact, ContactEmail
from crm_app.services import segments
from crm_app.services.contact_query import ContactFilters

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def test_export_a_segment_as_csv(page: Page, base_url: str, running_app) -> None:
    name = f"Churned {secrets.token_hex(2)}"
    with session_scope(running_app.db_url) as session:
        churned = session.scalar(
            sa.select(sa.func.count())
            .select_from(Contact)
            .where(Contact.lifecycle_stage == "churned")
        )
        filters = ContactFilters(stages=["churned"]).to_dict()
        segments.create_segment(
            session, name=name, entity="contact", filters=filters, owner_id=None, shared=True
        )
    assert churned and churned > 0

    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts")
    expect(page.get_by_test_id("contacts-table-row").first).to_be_visible()
    page.get_by_role("combobox", name="Saved segments").click()
    page.get_by_role("option", name=re.compile(name)).click()
    expect(page.get_by_test_id("result-count")).to_contain_text(f"of {churned:,}")

    page.get_by_test_id("export-menu").click()
    with page.expect_download() as info:
        page.get_by_role("menuitem", name="Whole list as CSV").click()
    download = info.value
    assert download.suggested_filename.startswith(name) and download.suggested_filename.endswith(
        ".csv"
    )
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == churned
    stage_column = next(k for k in rows[0] if "stage" in k.lower())
    assert {r[stage_column].lower() for r in rows} == {"churned"}

    # the file is the signed-in user's only: another browser without the session gets nothing
    url = download.url
    assert page.context.browser is not None
    other = page.context.browser.new_context()
    try:
        response = other.request.get(url)
        assert response.status == 404
    finally:
        other.close()


def test_merge_two_duplicates(page: Page, base_url: str, running_app) -> None:
    last = f"Dupli{secrets.token_hex(3)}"
    email = f"{last.lower()}@example.com"
    with session_scope(running_app.db_url) as session:
        first = Contact(first_name="Kadri", last_name=last, title="Owner")
        second = Contact(first_name="Kadri", last_name=last, title="Head roaster", city="Tartu")
        session.add_all([first, second])
        session.flush()
        session.add_all(
            [
                ContactEmail(contact_id=first.id, email=email, is_primary=True),
                ContactEmail(contact_id=second.id, email=email.upper().lower(), is_primary=True),
                ContactEmail(contact_id=second.id, email=f"home.{email}"),
            ]
        )
        ids = sorted([first.id, second.id])

    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts/duplicates")
    card = page.get_by_test_id("duplicate-pair").filter(has_text=last)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Same e-mail address")
    card.get_by_role("button", name="Merge…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Head roaster")
    dialog.get_by_text("Head roaster", exact=True).click()  # take the job title of the other
    dialog.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("duplicate-pair").filter(has_text=last)).to_have_count(0)

    with session_scope(running_app.db_url) as session:
        left = session.scalars(sa.select(Contact).where(Contact.last_name == last)).all()
        assert [c.id for c in left] == [ids[0]]
        assert left[0].title == "Head roaster" and left[0].city == "Tartu"
        emails = session.scalars(
            sa.select(ContactEmail.email).where(ContactEmail.contact_id == ids[0])
        ).all()
        assert sorted(emails) == sorted([email, f"home.{email}"])
