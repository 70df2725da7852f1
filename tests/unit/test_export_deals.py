"""Export of deals: CSV and XLSX columns and types, the base-currency value, neutralised cells,
a pipeline / filters / selection, the round trip back through ``rapport import deals``, the CLI."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm_app.models import Company, Contact, ContactEmail, Deal, ExchangeRate, Order, User
from crm_app.services import app_settings, deals, exporting, pipelines, writes
from crm_app.services.deal_board import BoardFilters
from crm_app.services.deals import DealInput
from crm_app.services.importing import read_path, run_import
from crm_app.services.pipelines import StageSpec

HEADERS = [
    "Title", "Value", "Currency", "Value in base currency (EUR)", "Pipeline", "Stage",
    "Probability", "Owner", "Contact", "Contact email", "Company", "Expected close", "Created",
    "Closed", "Lost reason", "Source", "External ID", "ID",
]  # fmt: skip
EVIL = '=HYPERLINK("http://evil.example","x")'


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def world(session):
    """Sales (default: New 10 %, Proposal 50 %, Won, Lost) and Partners; Tallinn time."""
    app_settings.put(session, "time_zone", "Europe/Tallinn", actor_id=None)
    ann = writes.create(
        session, User(email="ann@example.com", name="Ann", password_hash="x"), actor_id=None
    )
    bob = writes.create(
        session, User(email="bob@example.com", name="Bob", password_hash="x"), actor_id=None
    )
    session.add(ExchangeRate(currency="USD", rate=0.9))
    acme = writes.create(session, Company(name="Acme"), actor_id=None)
    ada = writes.create(
        session, Contact(first_name="Ada", last_name="Lovelace", company_id=acme.id), actor_id=None
    )
    for address, primary in (("ada@old.example", False), ("ada@acme.example", True)):
        writes.create(
            session,
            ContactEmail(contact_id=ada.id, email=address, is_primary=primary),
            actor_id=None,
        )
    sales = pipelines.create_pipeline(session, "Sales", actor_id=None)
    partners = pipelines.create_pipeline(
        session,
        "Partners",
        actor_id=None,
        stages=[StageSpec("Intro", 5), StageSpec("Signed", 100, is_won=True),
                StageSpec("Dropped", 0, is_lost=True)],
    )  # fmt: skip
    new, proposal, won, lost = pipelines.active_stages(session, sales.id)
    intro = pipelines.active_stages(session, partners.id)[0]

    def add(title, stage, at, **values):
        data = DealInput(title=title, stage_id=stage.id, **values)
        return deals.create_deal(session, data, actor_id=None, at=utc(at))

    made = {
        "espresso": add("Espresso machines", new, "2026-01-09T23:30:00", value="1000",
                        owner_id=ann.id, contact_id=ada.id, company_id=acme.id,
                        expected_close=date(2026, 12, 1), source="referral"),
        "evil": add(EVIL, proposal, "2026-02-01T10:00:00", value="50", currency="USD",
                    source="-5% promo", owner_id=bob.id),
        "won": add("Won order", won, "2026-07-01T09:00:00", value="200", currency="USD",
                   company_id=acme.id),
        "lost": add("Lost bid", lost, "2026-03-01T08:00:00", value="70", lost_reason="price",
                    lost_note="too dear"),
        "partner": add("Partner intro", intro, "2026-04-01T08:00:00", value="5"),
    }  # fmt: skip
    made["espresso"].external_id = "X-1"
    session.flush()
    return {"ann": ann, "bob": bob, "acme": acme, "ada": ada, "sales": sales,
            "partners": partners, **made}  # fmt: skip


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def read_xlsx(path) -> list[list]:
    sheet = load_workbook(path).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def by_title(rows: list[list]) -> dict[str, dict]:
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_csv_has_every_column_in_board_order(session, world, tmp_path):
    path = tmp_path / "deals.csv"
    assert exporting.export_deals(session, path) == 5
    rows = read_csv(path)
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == [
        "Espresso machines",
        "'" + EVIL,
        "Won order",
        "Lost bid",
        "Partner intro",
    ]  # fmt: skip  (pipeline, then stage, then card order)
    got = by_title(rows)
    assert got["Espresso machines"] == {
        "Title": "Espresso machines", "Value": "1000.0", "Currency": "EUR",
        "Value in base currency (EUR)": "1000.0", "Pipeline": "Sales", "Stage": "New",
        "Probability": "10", "Owner": "Ann", "Contact": "Ada Lovelace",
        "Contact email": "ada@acme.example", "Company": "Acme", "Expected close": "2026-12-01",
        "Created": "2026-01-10 01:30:00", "Closed": "", "Lost reason": "", "Source": "referral",
        "External ID": "X-1", "ID": str(world["espresso"].id),
    }  # fmt: skip
    won = got["Won order"]
    # closed in July (Tallinn summer time), converted at the rate it closed at
    assert (won["Closed"], won["Value in base currency (EUR)"], won["Stage"]) == (
        "2026-07-01 12:00:00",
        "180.0",
        "Won",
    )
    assert got["Lost bid"]["Lost reason"] == "Price: too dear"
    evil = got["'" + EVIL]
    assert (evil["Source"], evil["Currency"], evil["Owner"]) == ("'-5% promo", "USD", "Bob")
    assert evil["Value in base currency (EUR)"] == "45.0"  # open: today's rate


def test_xlsx_keeps_numbers_and_dates_typed_and_nothing_runs(session, world, tmp_path):
    path = tmp_path / "deals.xlsx"
    assert exporting.export_deals(session, path) == 5
    rows = read_xlsx(path)
    assert rows[0] == HEADERS
    got = by_title(rows)
    espresso = got["Espresso machines"]
    assert (espresso["Value"], espresso["Probability"], espresso["ID"]) == (
        1000,
        10,
        world["espresso"].id,
    )
    assert espresso["Expected close"] == datetime(2026, 12, 1)
    assert espresso["Created"] == datetime(2026, 1, 10, 1, 30)
    assert got["Won order"]["Value in base currency (EUR)"] == 180
    assert got["'" + EVIL]["Source"] == "'-5% promo"
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Deals"
    assert "f" not in {c.data_type for row in sheet.iter_rows() for c in row}


def test_a_pipeline_the_board_filters_or_a_selection(session, world, tmp_path):
    path = tmp_path / "d.csv"
    assert exporting.export_deals(session, path, pipeline_id=world["partners"].id) == 1
    assert read_csv(path)[1][0] == "Partner intro"
    owner = BoardFilters(owner_id=world["ann"].id)
    assert exporting.export_deals(session, path, pipeline_id=world["sales"].id, filters=owner) == 1
    assert read_csv(path)[1][0] == "Espresso machines"
    chosen = [world["lost"].id, 99999, world["espresso"].id]
    assert exporting.export_deals(session, path, ids=chosen) == 2
    assert [r[0] for r in read_csv(path)[1:]] == ["Lost bid", "Espresso machines"]
    with pytest.raises(ValueError):
        exporting.export_deals(session, path, ids=chosen, pipeline_id=world["sales"].id)
    assert exporting.export_records(session, "deals", tmp_path / "all.xlsx") == 5
    day = date(2026, 11, 25)
    made = exporting.export_to_directory(session, tmp_path, "deals", "csv", today=day)
    assert made.name == "deals-2026-11-25.csv" and len(read_csv(made)) == 6


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_as_the_same_deals(session, world, tmp_path, fmt):
    def snapshot() -> list[tuple]:
        session.expire_all()
        q = (
            sa.select(
                Deal.title, Deal.value, Deal.currency, Deal.pipeline_id, Deal.stage_id,
                Deal.owner_id, Deal.contact_id, Deal.company_id, Deal.expected_close,
                Deal.closed_at, Deal.lost_reason, Deal.lost_note, Deal.source, Deal.external_id,
                Deal.created_at,
            ).order_by(Deal.title)
        )  # fmt: skip
        return [tuple(r) for r in session.execute(q)]

    path = tmp_path / f"deals.{fmt}"
    exporting.export_deals(session, path)
    before = snapshot()
    session.execute(sa.delete(Order))
    session.execute(sa.delete(Deal))
    session.commit()
    table = read_path(path)
    result = run_import(session, "deals", table)
    session.commit()
    assert (result.created, result.rejected, result.warnings) == (5, [], [])
    assert result.mapping["ID"] == "" and result.mapping["External ID"] == "external_id"
    assert (result.companies_created, result.extra["contacts_created"]) == (0, 0)
    after = snapshot()
    assert [r for r in after if r[0] != "'" + EVIL] == [r for r in before if r[0] != EVIL]
    # cells the export neutralised come back as the text a spreadsheet showed, apostrophe and all
    (evil,) = [r for r in after if r[0] == "'" + EVIL]
    (was,) = [r for r in before if r[0] == EVIL]
    assert evil[12] == "'-5% promo" and evil[1:12] == was[1:12] and evil[13:] == was[13:]
    won = session.execute(sa.select(Deal).where(Deal.title == "Won order")).scalar_one()
    assert session.execute(sa.select(Order.total).where(Order.deal_id == won.id)).scalar() == 200


# -- the command line -----------------------------------------------------------------------------
def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="rapport")
    exporting.add_export_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def cli_world(session, world, db_url, monkeypatch):
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    session.commit()
    return world


def test_cli_exports_deals_of_a_pipeline(cli_world, tmp_path, capsys):
    path = tmp_path / "deals.xlsx"
    assert run_cli(["export", "deals", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"Exported 5 deals to {path}."
    assert run_cli(["export", "deals", str(path), "--pipeline", "partners"]) == 0
    assert [r[0] for r in read_xlsx(path)[1:]] == ["Partner intro"]
    capsys.readouterr()
    assert run_cli(["export", "deals", str(path), "--pipeline", "Nope"]) == 2
    assert 'No pipeline is called "Nope". Pipelines: Sales, Partners' in capsys.readouterr().err
    assert run_cli(["export", "deals", str(path), "--segment", "Estonia"]) == 2
    assert "Deals have no segments" in capsys.readouterr().err
    assert run_cli(["export", "contacts", str(path), "--pipeline", "Sales"]) == 2
    assert "--pipeline is for deals" in capsys.readouterr().err
