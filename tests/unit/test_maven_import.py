"""The Maven CRM dataset import (tests/data/maven-crm, a copy of the public export).

Expected figures are computed here from the CSV files with the csv module, not taken from
the importer."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import (
    AuditEntry,
    Company,
    Deal,
    DealLine,
    DealStageChange,
    ExchangeRate,
    Order,
    OrderLine,
    Pipeline,
    Product,
    Stage,
    User,
)
from crm_app.services import auth, deal_board, deals
from crm_app.services.errors import ValidationError
from crm_app.services.maven import MavenSummary, configure_parser, import_maven

DATA = Path(__file__).resolve().parents[1] / "data" / "maven-crm"


def _csv(name: str, folder: Path = DATA) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


PIPELINE_ROWS = _csv("sales_pipeline.csv")


@pytest.fixture(scope="module")
def imported_file(migrated_template, tmp_path_factory) -> tuple[Path, MavenSummary]:
    """One import into a copy of the migrated template, shared (copied) by the tests that read."""
    path = tmp_path_factory.mktemp("maven") / "imported.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url)) as session:
        summary = import_maven(session, DATA)
        session.commit()
    get_engine(url).dispose()
    return path, summary


@pytest.fixture
def maven(imported_file, tmp_path) -> Iterator[tuple[Session, MavenSummary]]:
    """(a session on a fresh copy of the imported database, the first import's summary)."""
    path = tmp_path / "imported.db"
    shutil.copy(imported_file[0], path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session, imported_file[1]
    get_engine(url).dispose()


def _count(session, model) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _deal(session, opportunity_id: str) -> Deal:
    return session.execute(sa.select(Deal).where(Deal.external_id == opportunity_id)).scalar_one()


def test_every_opportunity_becomes_one_deal_with_the_csvs_stage_counts(maven):
    session, imported = maven
    assert len(PIPELINE_ROWS) == 8800
    expected = Counter(r["deal_stage"] for r in PIPELINE_ROWS)
    pipeline = session.execute(sa.select(Pipeline).where(Pipeline.name == "Maven")).scalar_one()
    stored = dict(
        session.execute(
            sa.select(Stage.name, sa.func.count(Deal.id))
            .join(Deal, Deal.stage_id == Stage.id)
            .where(Deal.pipeline_id == pipeline.id)
            .group_by(Stage.name)
        ).all()
    )
    assert stored == dict(expected)
    assert imported.deals.created == _count(session, Deal) == 8800
    assert imported.deals_by_stage == dict(expected)
    stages = {s.name: s for s in session.execute(sa.select(Stage)).scalars()}
    assert [
        (n, stages[n].is_won, stages[n].is_lost) for n in ("Prospecting", "Engaging", "Won", "Lost")
    ] == [
        ("Prospecting", False, False),
        ("Engaging", False, False),
        ("Won", True, False),
        ("Lost", False, True),
    ]
    board = deal_board.board(session, pipeline.id)
    assert {c.name: c.count for c in board.columns} == dict(expected)


def test_values_are_close_values_or_list_prices(maven):
    session, imported = maven
    prices = {r["product"].replace(" ", ""): float(r["sales_price"]) for r in _csv("products.csv")}
    won_total = sum(float(r["close_value"]) for r in PIPELINE_ROWS if r["deal_stage"] == "Won")
    open_total = sum(
        prices[r["product"].replace(" ", "")]
        for r in PIPELINE_ROWS
        if r["deal_stage"] in ("Prospecting", "Engaging")
    )
    by_stage = dict(
        session.execute(
            sa.select(Stage.name, sa.func.sum(Deal.value))
            .join(Deal, Deal.stage_id == Stage.id)
            .group_by(Stage.name)
        ).all()
    )
    assert by_stage["Won"] == pytest.approx(won_total)
    assert by_stage["Lost"] == 0
    assert by_stage["Prospecting"] + by_stage["Engaging"] == pytest.approx(open_total)
    assert {d.currency for d in session.execute(sa.select(Deal)).scalars()} == {"USD"}
    assert session.execute(sa.select(sa.func.sum(Order.total))).scalar() == pytest.approx(won_total)


def test_a_won_deal_has_its_dates_history_line_and_order(maven):
    session, imported = maven
    row = next(r for r in PIPELINE_ROWS if r["deal_stage"] == "Won" and r["product"] == "GTXPro")
    deal = _deal(session, row["opportunity_id"])
    engaged, closed = date.fromisoformat(row["engage_date"]), date.fromisoformat(row["close_date"])
    assert deal.closed_at.date() == closed and deal.stage_entered_at == deal.closed_at
    assert deal.created_at.date() < engaged
    assert deal.value == float(row["close_value"])
    assert deal.title == f"{row['account']}: GTX Pro"
    history = deals.stage_history(session, deal.id)
    assert [(v.from_stage_name, v.stage_name, v.entered_at.date()) for v in history.visits] == [
        (None, "Prospecting", deal.created_at.date()),
        ("Prospecting", "Engaging", engaged),
        ("Engaging", "Won", closed),
    ]
    owner = session.get(User, deal.owner_id)
    assert owner.name == row["sales_agent"]
    assert {v.changed_by_name for v in history.visits} == {row["sales_agent"]}
    company = session.get(Company, deal.company_id)
    assert company.name == row["account"]
    (line,) = session.execute(sa.select(DealLine).where(DealLine.deal_id == deal.id)).scalars()
    assert (line.description, line.quantity, line.unit_price) == ("GTX Pro", 1.0, deal.value)
    order = session.execute(sa.select(Order).where(Order.deal_id == deal.id)).scalar_one()
    assert (order.total, order.currency, order.company_id) == (deal.value, "USD", company.id)
    assert order.ordered_at == deal.closed_at and order.number.startswith(f"SO-{closed.year}-")


def test_open_deals_have_a_plausible_history_and_no_close(maven):
    session, imported = maven
    row = next(r for r in PIPELINE_ROWS if r["deal_stage"] == "Prospecting")
    deal = _deal(session, row["opportunity_id"])
    assert deal.closed_at is None and deal.expected_close is None
    visits = deals.stage_history(session, deal.id).visits
    assert [v.stage_name for v in visits] == ["Prospecting"]
    assert visits[0].entered_at == deal.created_at < datetime(2018, 1, 1, tzinfo=UTC)
    row = next(r for r in PIPELINE_ROWS if r["deal_stage"] == "Engaging")
    deal = _deal(session, row["opportunity_id"])
    visits = deals.stage_history(session, deal.id).visits
    assert [(v.stage_name, v.entered_at.date().isoformat()) for v in visits][1] == (
        "Engaging",
        row["engage_date"],
    )
    changes = _count(session, DealStageChange)
    stage_moves = {"Prospecting": 1, "Engaging": 2, "Won": 3, "Lost": 3}
    assert changes == sum(stage_moves[r["deal_stage"]] for r in PIPELINE_ROWS)


def test_gtxpro_is_reconciled_with_gtx_pro_and_reported(maven):
    session, imported = maven
    rows = Counter(r["product"] for r in PIPELINE_ROWS)
    assert {"kind": "product", "from": "GTXPro", "to": "GTX Pro", "rows": rows["GTXPro"]} in (
        imported.reconciliations
    )
    assert _count(session, Product) == 7 == imported.products.created
    gtx_pro = session.execute(sa.select(Product).where(Product.name == "GTX Pro")).scalar_one()
    assert (gtx_pro.price, gtx_pro.currency, gtx_pro.series) == (4821.0, "USD", "GTX")
    lines = session.execute(
        sa.select(sa.func.count(DealLine.id)).where(DealLine.product_id == gtx_pro.id)
    ).scalar()
    assert lines == rows["GTXPro"] + rows["GTX Pro"] > 0


def test_accounts_become_companies_with_the_sector_typo_fixed(maven):
    session, imported = maven
    accounts = _csv("accounts.csv")
    assert imported.companies.created == _count(session, Company) == len(accounts)
    typos = sum(a["sector"] == "technolgy" for a in accounts)
    assert {"kind": "sector", "from": "technolgy", "to": "technology", "rows": typos} in (
        imported.reconciliations
    )
    industries = set(session.execute(sa.select(Company.industry)).scalars())
    assert "technolgy" not in industries and "technology" in industries
    acme = session.execute(
        sa.select(Company).where(Company.name == "Acme Corporation")
    ).scalar_one()
    assert (acme.annual_revenue, acme.employees, acme.country) == (1_100_040_000.0, 2822, "US")
    by_place = {
        a["office_location"]: session.execute(
            sa.select(Company.country).where(Company.name == a["account"])
        ).scalar_one()
        for a in accounts
    }
    assert (by_place["Philipines"], by_place["Korea"], by_place["Kenya"]) == ("PH", "KR", "KE")
    subsidiaries = [a for a in accounts if a["subsidiary_of"]]
    for a in subsidiaries:
        child = session.execute(sa.select(Company).where(Company.name == a["account"])).scalar_one()
        assert session.get(Company, child.parent_id).name == a["subsidiary_of"]
    no_rate = "No exchange rate for this currency yet: the amounts count 0 in reports until one is added in Settings."
    assert [(p.message, p.value) for p in imported.problems] == [(no_rate, "USD")]


def test_agents_and_managers_become_users_who_cannot_log_in_yet(maven):
    session, imported = maven
    teams = _csv("sales_teams.csv")
    managers = {t["manager"] for t in teams}
    assert imported.users.created == len(teams) + len(managers) == _count(session, User)
    for t in teams:
        agent = session.execute(sa.select(User).where(User.name == t["sales_agent"])).scalar_one()
        boss = session.get(User, agent.manager_id)
        assert (agent.role, agent.region, boss.name, boss.role) == (
            "sales", t["regional_office"], t["manager"], "manager"
        )  # fmt: skip
    anna = session.execute(sa.select(User).where(User.name == "Anna Snelling")).scalar_one()
    assert anna.email == "anna.snelling@maven.example" and anna.active
    assert not auth.verify_password(anna.password_hash, "")
    assert not auth.verify_password(anna.password_hash, anna.password_hash)


def test_a_second_import_changes_nothing(maven):
    session, imported = maven
    tables = (Company, User, Product, Deal, DealLine, DealStageChange, Order, OrderLine, AuditEntry)
    before = {m.__tablename__: _count(session, m) for m in tables}
    again = import_maven(session, DATA)
    session.flush()
    for kind in ("companies", "users", "products", "deals", "orders"):
        counts = getattr(again, kind)
        assert (counts.created, counts.updated) == (0, 0), kind
    assert again.deals.unchanged == 8800 and again.orders.unchanged == imported.orders.created
    assert {m.__tablename__: _count(session, m) for m in tables} == before


def test_importing_a_newer_export_updates_what_changed(maven, tmp_path):
    session, imported = maven
    folder = tmp_path / "maven"
    shutil.copytree(DATA, folder)
    rows = _csv("sales_pipeline.csv", folder)
    target = next(r for r in rows if r["deal_stage"] == "Engaging")
    target.update(deal_stage="Won", close_date="2017-12-30", close_value="4321")
    with (folder / "sales_pipeline.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    session.add(ExchangeRate(currency="USD", rate=0.92))
    session.flush()
    again = import_maven(session, folder)
    session.flush()
    assert again.problems == []
    assert (again.deals.created, again.deals.updated, again.deals.unchanged) == (0, 1, 8799)
    assert (again.orders.created, again.orders.updated) == (1, 0)
    deal = _deal(session, target["opportunity_id"])
    assert (deal.value, deal.closed_at.date()) == (4321.0, date(2017, 12, 30))
    assert deal.exchange_rate == 0.92  # snapshotted when it closed (here: when imported)
    visits = deals.stage_history(session, deal.id).visits
    assert [v.stage_name for v in visits] == ["Prospecting", "Engaging", "Won"]
    order = session.execute(sa.select(Order).where(Order.deal_id == deal.id)).scalar_one()
    assert (order.total, order.status) == (4321.0, "paid")


def test_a_folder_without_the_files_is_refused_before_any_write(session, tmp_path):
    (tmp_path / "accounts.csv").write_text("account,sector\n")
    with pytest.raises(ValidationError) as exc:
        import_maven(session, tmp_path)
    assert exc.value.errors == {"accounts.csv": "A column this import needs is missing."}
    with pytest.raises(ValidationError):
        import_maven(session, tmp_path / "nowhere")
    assert _count(session, AuditEntry) == 0


def test_the_cli_prints_the_summary_as_json(db_url, monkeypatch, capsys):
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    parser = configure_parser(argparse.ArgumentParser(prog="rapport import maven"))
    args = parser.parse_args([str(DATA), "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["deals"] == {"created": 8800, "updated": 0, "unchanged": 0}
    assert out["deals_by_stage"] == dict(Counter(r["deal_stage"] for r in PIPELINE_ROWS))
    assert {"kind": "product", "from": "GTXPro", "to": "GTX Pro", "rows": 1480} in out[
        "reconciliations"
    ]
    assert args.func(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["deals"] == {"created": 0, "updated": 0, "unchanged": 8800}
