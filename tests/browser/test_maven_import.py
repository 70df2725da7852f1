"""Importing a Maven CRM dataset from the deals import page: upload the CSV files, import,
read the counts and the reconciled product names, open the Maven pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Deal, Pipeline

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")
DATA = Path(__file__).resolve().parents[1] / "data" / "maven-crm"
NAMES = ("accounts.csv", "products.csv", "sales_teams.csv", "sales_pipeline.csv")
ROWS = 40  # opportunities: enough for GTXPro (row 2) and every stage, quick to import


def _dataset(folder: Path, *, without: str = "") -> list[str]:
    folder.mkdir()
    for name in NAMES:
        if name == without:
            continue
        data = (DATA / name).read_bytes()
        if name == "sales_pipeline.csv":
            data = b"".join(data.splitlines(keepends=True)[: ROWS + 1])
        (folder / name).write_bytes(data)
    return [str(p) for p in sorted(folder.iterdir())]


def _maven_deals(db_url: str) -> int:
    with session_scope(db_url) as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Deal)
                .join(Pipeline, Pipeline.id == Deal.pipeline_id)
                .where(Pipeline.name == "Maven")
            )
            or 0
        )


def test_upload_a_maven_dataset_and_see_what_it_imported(
    page: Page, base_url: str, running_app, tmp_path: Path
) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/pipeline/import")
    page.get_by_test_id("maven-tab").click()
    upload = page.get_by_test_id("maven-upload")
    expect(upload).to_be_visible()

    # a file missing: named, nothing imported
    upload.locator("input[type=file]").set_input_files(
        _dataset(tmp_path / "partial", without="sales_teams.csv")
    )
    expect(page.get_by_test_id("maven-errors")).to_contain_text(
        "sales_teams.csv: This file is missing from the upload."
    )

    upload.locator("input[type=file]").set_input_files(_dataset(tmp_path / "full"))
    files = page.get_by_test_id("maven-files")
    for name in NAMES:
        expect(files).to_contain_text(name)
    expect(page.get_by_test_id("maven-errors")).to_have_count(0)
    page.get_by_test_id("maven-run").click()

    result = page.get_by_test_id("maven-result")
    expect(result).to_contain_text("Import finished", timeout=60_000)
    deals_row = page.get_by_test_id("maven-count").filter(has_text="Deals")
    expect(deals_row).to_contain_text(str(ROWS))
    expect(page.get_by_test_id("maven-reconciled").filter(has_text="GTXPro")).to_contain_text(
        "GTX Pro"
    )
    assert _maven_deals(running_app.db_url) == ROWS

    page.get_by_role("button", name="Open the Maven pipeline").click()
    expect(page.get_by_role("heading", name="Prospecting", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Engaging", exact=True)).to_be_visible()
