"""Export of tickets: the CSV and XLSX columns, local times, neutralised cells, a selection or
some statuses, the round trip back through ``rapport import tickets``, the CLI."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm_app.cli import main
from crm_app.models import Company, Contact, ContactEmail, Ticket, User
from crm_app.services import app_settings, exporting, writes
from crm_app.services.exporting import TICKET_HEADERS, export_tickets
from crm_app.services.importing import read_path, run_import

EVIL = '=HYPERLINK("http://evil.example","x")'


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def desk(session):
    """Tallinn time; Ann (an agent); Ada at Acme (two addresses); three tickets."""
    app_settings.put(session, "time_zone", "Europe/Tallinn", actor_id=None)
    ann = writes.create(
        session, User(email="ann@example.com", name="Ann Agent", password_hash="x"), actor_id=None
    )
    acme = writes.create(session, Company(name="Acme"), actor_id=None)
    ada = writes.create(
        session, Contact(first_name="Ada", last_name="Lovelace", company_id=acme.id), actor_id=None
    )
    for address, primary in (("ada@old.example", False), ("ada@acme.example", True)):
        writes.create(
            session, ContactEmail(contact_id=ada.id, email=address, is_primary=primary),
            actor_id=None,
        )  # fmt: skip
    tickets = [
        Ticket(subject="Broken pump", description="It leaks.\nSince Monday.", status="solved",
               priority="high", channel="phone", category="Repair", assignee_id=ann.id,
               contact_id=ada.id, company_id=acme.id, created_at=utc("2026-03-02 08:00"),
               first_response_at=utc("2026-03-02 09:00"), resolved_at=utc("2026-03-03 12:00"),
               csat_score=5, csat_comment="Great", external_id="Z-1"),
        Ticket(subject=EVIL, status="on_hold", priority="urgent", channel="chat",
               created_at=utc("2026-03-05 10:00")),
        Ticket(subject="Question", status="new", created_at=utc("2026-03-06 10:00")),
    ]  # fmt: skip
    for t in tickets:
        writes.create(session, t, actor_id=None)
    session.commit()
    return {"ann": ann.id, "ada": ada.id, "acme": acme.id, "ids": [t.id for t in tickets]}


def _csv_rows(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_every_column_newest_first_in_local_time(session, desk, tmp_path):
    path = tmp_path / "tickets.csv"
    assert export_tickets(session, path) == 3
    header, *rows = _csv_rows(path)
    assert header == list(TICKET_HEADERS)
    assert [r[0] for r in rows] == ["Question", "'" + EVIL, "Broken pump"]  # nothing runs
    pump = dict(zip(header, rows[2], strict=True))
    assert pump == {
        "Subject": "Broken pump", "Description": "It leaks.\nSince Monday.", "Status": "solved",
        "Priority": "high", "Channel": "phone", "Category": "Repair", "Assignee": "Ann Agent",
        "Customer name": "Ada Lovelace", "Customer email": "ada@acme.example",
        "Company": "Acme", "Created": "2026-03-02 10:00:00",
        "First response": "2026-03-02 11:00:00", "Resolved": "2026-03-03 14:00:00",
        "First response due": "", "Resolution due": "", "SLA breached": "no", "CSAT": "5",
        "CSAT comment": "Great", "External ID": "Z-1", "ID": str(desk["ids"][0]),
    }  # fmt: skip


def test_xlsx_keeps_dates_and_numbers_typed(session, desk, tmp_path):
    path = tmp_path / "tickets.xlsx"
    assert export_tickets(session, path, ids=[desk["ids"][0], 999_999]) == 1
    sheet = load_workbook(path).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    values = dict(zip(header, row, strict=True))
    assert values["Created"] == datetime(2026, 3, 2, 10, 0)
    assert values["CSAT"] == 5 and values["ID"] == desk["ids"][0]


def test_only_some_statuses_or_a_selection(session, desk, tmp_path):
    path = tmp_path / "open.csv"
    assert export_tickets(session, path, statuses=["new", "on_hold"]) == 2
    assert export_tickets(session, path, ids=[desk["ids"][2], desk["ids"][0]]) == 2
    assert [r[0] for r in _csv_rows(path)[1:]] == ["Question", "Broken pump"]
    with pytest.raises(ValueError):
        export_tickets(session, path, ids=[1], statuses=["new"])
    with pytest.raises(exporting.ExportFormatError):
        export_tickets(session, tmp_path / "tickets.pdf")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_as_the_same_tickets(session, desk, tmp_path, fmt):
    path = tmp_path / f"tickets.{fmt}"
    # Z-1 has an external id and is found by it (tickets made here have none: they would
    # come in as new ones, as deals do)
    exporting.export_records(session, "tickets", path, ids=[desk["ids"][0]])
    table = read_path(path)
    result = run_import(session, "tickets", table)
    session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert result.extra["substitutions"] == []
    assert result.mapping["Customer email"] == "contact_email"
    assert result.mapping["Assignee"] == "assignee"


def test_a_changed_export_updates_the_ticket(session, desk, tmp_path):
    path = tmp_path / "tickets.csv"
    export_tickets(session, path, ids=[desk["ids"][0]])
    header, row = _csv_rows(path)
    row[header.index("Status")] = "Closed"
    row[header.index("Priority")] = "P1"
    edited = tmp_path / "edited.csv"
    with edited.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, row])
    result = run_import(session, "tickets", read_path(edited))
    session.commit()
    assert (result.created, result.updated) == (0, 1)
    session.expire_all()
    ticket = session.execute(sa.select(Ticket).where(Ticket.external_id == "Z-1")).scalar_one()
    assert (ticket.status, ticket.priority, ticket.contact_id) == ("closed", "urgent", desk["ada"])


@pytest.fixture
def cli_desk(db_url, desk, monkeypatch):
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    return desk


def test_cli_exports_tickets(cli_desk, tmp_path, capsys):
    path = tmp_path / "all.xlsx"
    assert main(["export", "tickets", str(path)]) == 0
    assert "Exported 3 tickets" in capsys.readouterr().out
    assert load_workbook(path).active.max_row == 4
    assert main(["export", "tickets", str(path), "--segment", "x"]) == 2
