"""Analytics on the imported Maven dataset against plain pandas on the raw CSV files.

The expected figures never go through our code: they are read from tests/data/maven-crm with
pandas. Amounts are in USD and the base currency is EUR at 0.92 USD → EUR, snapshotted when
the deals closed, so every expected amount is the CSV's close value × 0.92.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session

from crm_app.cli import main
from crm_app.db import get_engine
from crm_app.models import ExchangeRate
from crm_app.services.analytics import AnalyticsFilter, context, report, sales
from crm_app.services.maven import import_maven

DATA = Path(__file__).resolve().parents[1] / "data" / "maven-crm"
RATE = 0.92
RAW = pd.read_csv(DATA / "sales_pipeline.csv")
CLOSED = RAW[RAW["deal_stage"].isin(["Won", "Lost"])]
WON = RAW[RAW["deal_stage"] == "Won"]


@pytest.fixture(scope="module")
def maven_db(migrated_template, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("maven-analytics") / "maven.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url)) as session:
        session.add(ExchangeRate(currency="USD", rate=RATE))
        session.flush()
        import_maven(session, DATA)
        session.commit()
    return url


@pytest.fixture
def maven(maven_db):
    with Session(get_engine(maven_db)) as s:
        yield s


def test_every_closed_opportunity_has_a_close_date() -> None:
    # so the closed-date range below needs no fallback to the engage date
    assert CLOSED["close_date"].notna().all()


def test_win_rate_and_won_value_match_pandas(maven) -> None:
    figures = report(maven, "sales")
    assert figures["deals_won"] == len(WON)
    assert figures["deals_lost"] == len(CLOSED) - len(WON)
    assert figures["win_rate"] == round(len(WON) / len(CLOSED), 4)
    assert figures["won_value"] == pytest.approx(WON["close_value"].sum() * RATE, abs=0.01)
    assert figures["average_won_value"] == pytest.approx(WON["close_value"].mean() * RATE, abs=0.01)


def test_per_agent_won_value_matches_pandas(maven) -> None:
    expected = (WON.groupby("sales_agent")["close_value"].sum() * RATE).round(2).to_dict()
    board = sales.leaderboard(context(maven))
    got = {r.owner: round(r.won_value, 2) for r in board.itertuples() if r.won > 0}
    assert got.keys() == expected.keys()
    for agent, value in expected.items():
        assert got[agent] == pytest.approx(value, abs=0.01), agent
    per_agent_rate = CLOSED.groupby("sales_agent")["deal_stage"].apply(
        lambda s: (s == "Won").mean()
    )
    rates = board.set_index("owner")["win_rate"]
    for agent, rate in per_agent_rate.items():
        assert rates[agent] == pytest.approx(rate), agent


def test_a_quarter_matches_pandas(maven) -> None:
    days = pd.to_datetime(CLOSED["close_date"])
    q1 = CLOSED[(days >= "2017-01-01") & (days <= "2017-03-31")]
    won = q1[q1["deal_stage"] == "Won"]
    f = AnalyticsFilter(date_from=date(2017, 1, 1), date_to=date(2017, 3, 31))
    figures = report(maven, "sales", f)
    assert (figures["deals_won"], figures["deals_lost"]) == (len(won), len(q1) - len(won))
    assert figures["won_value"] == pytest.approx(won["close_value"].sum() * RATE, abs=0.01)


def test_the_cli_prints_the_same_numbers(maven_db, monkeypatch, capsys) -> None:
    monkeypatch.setenv("REFLEX_DB_URL", maven_db)
    assert main(["report", "sales", "--json", "--pipeline", "maven"]) == 0
    out = capsys.readouterr().out
    figures = json.loads(out)
    assert list(figures) == [
        "deals_won",
        "deals_lost",
        "win_rate",
        "won_value",
        "open_pipeline_value",
        "weighted_pipeline_value",
        "average_won_value",
        "average_cycle_days",
        "sales_velocity",
    ]
    assert figures["deals_won"] == len(WON)
    assert (
        main(["report", "customers", "--json", "--from", "2017-01-01", "--to", "2017-12-31"]) == 0
    )
    customers = json.loads(capsys.readouterr().out)
    assert list(customers) == [
        "customers",
        "new_customers",
        "average_lifetime_value",
        "at_risk_customers",
    ]
    won_accounts = WON.dropna(subset=["account"])
    assert customers["customers"] == won_accounts["account"].nunique()
    assert main(["report", "service", "--json"]) == 0
    assert list(json.loads(capsys.readouterr().out)) == [
        "tickets",
        "median_first_response_hours",
        "median_resolution_hours",
        "p90_resolution_hours",
        "sla_attainment",
        "csat_average",
        "csat_responses",
    ]


def test_the_cli_rejects_a_bad_date_and_an_unknown_pipeline(maven_db, monkeypatch, capsys) -> None:
    monkeypatch.setenv("REFLEX_DB_URL", maven_db)
    assert main(["report", "sales", "--from", "31.12.2017"]) == 2
    assert main(["report", "sales", "--pipeline", "No such"]) == 2
    assert "pipeline" in capsys.readouterr().err


def test_the_readable_table(maven_db, monkeypatch, capsys) -> None:
    monkeypatch.setenv("REFLEX_DB_URL", maven_db)
    assert main(["report", "sales"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["deals_won", f"{len(WON):,}"]
    assert lines[2].split()[0] == "win_rate" and lines[2].endswith("%")
