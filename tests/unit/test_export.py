"""Export of contacts and companies: CSV and XLSX round trips, formula neutralisation,
selection / segment / filter exports, the file name helper and the CLI handler."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from crm_app.models import Company, CompanyTag
from crm_app.services import app_settings, custom_fields, exporting, segments, writes
from crm_app.services.company_query import CompanyFilters
from crm_app.services.contact_query import ContactFilters

from .test_contact_query import make_contact, make_user, tag

CONTACT_HEADERS = [
    "First name", "Last name", "Emails", "Phones", "Title", "Company", "Owner",
    "Lifecycle stage", "Source", "Street", "City", "Region", "Postal code", "Country code",
    "Tags", "Email consent", "Email consent at", "Do not call", "Last contacted",
    "Budget", "Renewal", "VIP", "Size", "Note", "Source (custom field)",
    "Created", "External ID", "ID",
]  # fmt: skip
DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def world(session):
    """Two owners, a company, three contacts and every kind of custom field; the
    installation runs on Tallinn time (UTC+2 in winter, +3 in summer)."""
    app_settings.put(session, "time_zone", "Europe/Tallinn", actor_id=None)
    ann, bob = make_user(session, "Ann"), make_user(session, "Bob")
    acme = writes.create(session, Company(name="Acme"), actor_id=None)
    for label, kind in [("Budget", "number"), ("Renewal", "date"), ("VIP", "checkbox"),
                        ("Size", "select"), ("Note", "text"), ("Source", "text"),
                        ("Old", "text")]:  # fmt: skip
        options = ["small", "large"] if kind == "select" else None
        custom_fields.define(
            session, entity="contact", label=label, field_type=kind, options=options, actor_id=None
        )
    old = custom_fields.list_fields(session, "contact")[-1]
    custom_fields.archive(session, old.id, actor_id=None)
    ada = make_contact(
        session, "Ada", "Lovelace",
        emails=["ada@old.example", "*ada@acme.example"], phones=["+3725550001", "+3725550002"],
        tags=["vip", "alpha"], title="Countess", company_id=acme.id, owner_id=ann.id,
        lifecycle_stage="customer", source="referral", street="Pikk 1", city="Tallinn",
        region="Harju", postal_code="10123", country="EE", consent_email=True,
        consent_at=utc("2026-07-01T09:00:00"), do_not_call=False,
        last_contacted_at=utc("2026-11-01T22:30:15.123456"), external_id="X-1",
        created_at=utc("2026-01-09T23:30:00"),
        custom_fields={"budget": 5000, "renewal": "2027-01-31", "vip": True, "size": "large",
                       "note": "Met at Expo", "source": "fair", "old": "gone"},
    )  # fmt: skip
    alan = make_contact(
        session, "Alan", "Turing", emails=["alan@zeta.example"], owner_id=bob.id,
        lifecycle_stage="lead", country="GB", do_not_call=True,
        created_at=utc("2026-03-01T08:00:00"), custom_fields={"budget": 120.5, "vip": False},
    )  # fmt: skip
    grace = make_contact(
        session, "Grace", "Hopper", lifecycle_stage="lead", country="EE",
        created_at=utc("2026-03-02T08:00:00"),
    )  # fmt: skip
    session.flush()
    return {"ann": ann, "bob": bob, "acme": acme, "ada": ada, "alan": alan, "grace": grace}


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def read_xlsx(path_or_stream) -> list[list]:
    sheet = load_workbook(path_or_stream).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def by_name(rows: list[list], header: list[str]) -> dict[str, dict]:
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


# -- round trips ------------------------------------------------------------------------------
def test_csv_has_readable_headers_and_every_value_as_text(session, world, tmp_path):
    path = tmp_path / "contacts.csv"
    assert exporting.export_contacts(session, path) == 3
    rows = read_csv(path)
    assert rows[0] == CONTACT_HEADERS  # the archived field is left out
    assert [r[0] for r in rows[1:]] == ["Grace", "Ada", "Alan"]  # the list's default: by name
    ada = by_name(rows[1:], rows[0])["Ada"]
    assert ada == {
        "First name": "Ada", "Last name": "Lovelace",
        "Emails": "ada@acme.example; ada@old.example",  # primary first
        "Phones": "'+3725550001; +3725550002",  # neutralised, still readable
        "Title": "Countess", "Company": "Acme", "Owner": "Ann", "Lifecycle stage": "customer",
        "Source": "referral", "Street": "Pikk 1", "City": "Tallinn", "Region": "Harju",
        "Postal code": "10123", "Country code": "EE", "Tags": "alpha; vip",
        "Email consent": "yes", "Email consent at": "2026-07-01 12:00:00",  # summer: UTC+3
        "Do not call": "no", "Last contacted": "2026-11-02 00:30:15",  # winter: UTC+2
        "Budget": "5000", "Renewal": "2027-01-31", "VIP": "yes", "Size": "large",
        "Note": "Met at Expo", "Source (custom field)": "fair",
        "Created": "2026-01-10 01:30:00", "External ID": "X-1", "ID": str(world["ada"].id),
    }  # fmt: skip
    alan = by_name(rows[1:], rows[0])["Alan"]
    assert (alan["Budget"], alan["VIP"], alan["Do not call"], alan["Renewal"]) == (
        "120.5", "no", "yes", ""
    )  # fmt: skip
    assert (alan["Company"], alan["Phones"], alan["Last contacted"], alan["Size"]) == (
        "",
        "",
        "",
        "",
    )


def test_xlsx_keeps_numbers_dates_and_times_typed(session, world, tmp_path):
    path = tmp_path / "contacts.xlsx"
    assert exporting.export_contacts(session, path) == 3
    rows = read_xlsx(path)
    assert rows[0] == CONTACT_HEADERS
    people = by_name(rows[1:], rows[0])
    ada, alan, grace = people["Ada"], people["Alan"], people["Grace"]
    assert ada["Emails"] == "ada@acme.example; ada@old.example"
    assert ada["Phones"] == "'+3725550001; +3725550002"
    assert ada["Budget"] == 5000 and isinstance(ada["Budget"], int)
    assert alan["Budget"] == 120.5
    assert ada["Renewal"] == datetime(2027, 1, 31)  # a date cell (openpyxl reads datetimes)
    assert ada["Created"] == datetime(2026, 1, 10, 1, 30)
    assert ada["Last contacted"] == datetime(2026, 11, 2, 0, 30, 15)
    assert (ada["VIP"], alan["VIP"], grace["VIP"]) == ("yes", "no", None)
    assert (ada["Tags"], ada["Email consent"], ada["ID"]) == ("alpha; vip", "yes", world["ada"].id)
    assert (grace["Emails"], grace["Company"], grace["Budget"]) == (None, None, None)
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Contacts" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and (sheet["T3"].value, sheet["T3"].data_type) == (5000, "n")


def test_companies_export_with_their_own_columns(session, world, tmp_path):
    custom_fields.define(
        session, entity="company", label="Tier", field_type="number", actor_id=None
    )
    globex = Company(
        name="Globex", domain="globex.example", industry="Energy", employees=250,
        annual_revenue=1250000.5, phone="+3726001234", city="Tartu", country="EE",
        owner_id=world["bob"].id, custom_fields={"tier": 2}, created_at=utc("2026-05-05T10:00:00"),
    )  # fmt: skip
    globex = writes.create(session, globex, actor_id=None)
    writes.create(
        session, CompanyTag(company_id=globex.id, tag_id=tag(session, "big").id), actor_id=None
    )
    session.flush()
    path = tmp_path / "companies.xlsx"
    assert exporting.export_companies(session, path) == 2
    rows = read_xlsx(path)
    assert rows[0] == [
        "Name", "Domain", "Industry", "Employees", "Annual revenue", "Phone", "Street", "City",
        "Region", "Postal code", "Country code", "Owner", "Tags", "Tier", "Created",
        "External ID", "ID",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["Acme", "Globex"]
    g = dict(zip(rows[0], rows[2], strict=True))
    assert (g["Employees"], g["Annual revenue"], g["Tier"]) == (250, 1250000.5, 2)
    assert (g["Phone"], g["Owner"], g["Tags"], g["ID"]) == ("'+3726001234", "Bob", "big", globex.id)
    assert g["Created"] == datetime(2026, 5, 5, 13, 0)  # Tallinn summer time
    csv_path = tmp_path / "companies.csv"
    assert exporting.export_companies(session, csv_path, ids=[globex.id]) == 1
    assert read_csv(csv_path)[1][:5] == ["Globex", "globex.example", "Energy", "250", "1250000.5"]


# -- formula neutralisation ---------------------------------------------------------------------
@pytest.mark.parametrize("start", DANGEROUS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_like_text_gets_an_apostrophe(session, tmp_path, start, fmt):
    field = custom_fields.define(
        session, entity="contact", label="Label", field_type="text", actor_id=None
    )
    writes.update(session, field, {"label": f"{start}Label"}, actor_id=None)  # the form trims
    payload = f'{start}HYPERLINK("http://evil.example")'
    contact = make_contact(
        session, payload, "Doe", title=f"{start}1+2", phones=["+3725550009"],
        custom_fields={"label": payload},
    )  # fmt: skip
    session.flush()
    path = tmp_path / f"out.{fmt}"
    assert exporting.export_contacts(session, path, ids=[contact.id]) == 1
    header, row = read_csv(path) if fmt == "csv" else read_xlsx(path)
    got = dict(zip(header, row, strict=True))
    # in XLSX (XML) a carriage return reads back as a line feed; the apostrophe is what counts
    same = (lambda text: text.replace("\r", "\n")) if fmt == "xlsx" else (lambda text: text)
    assert got["First name"] == same("'" + payload)
    assert got["Title"] == same(f"'{start}1+2")
    assert got[same(f"'{start}Label")] == same("'" + payload)  # headers too
    assert got["Phones"] == "'+3725550009"
    if fmt == "xlsx":
        types = {c.data_type for row in load_workbook(path).worksheets[0].iter_rows() for c in row}
        assert "f" not in types  # no formula cell anywhere


def test_xlsx_drops_control_characters_xml_cannot_hold_without_uncovering_a_formula(
    session, tmp_path
):
    contact = make_contact(session, "\x01=SUM(A1)", "Doe")
    session.flush()
    stream = io.BytesIO()
    assert exporting.export_contacts(session, stream, "xlsx", ids=[contact.id]) == 1
    stream.seek(0)
    assert read_xlsx(stream)[1][0] == "'=SUM(A1)"


# -- which rows -----------------------------------------------------------------------------------
def test_a_selection_keeps_the_order_given_and_skips_unknown_ids(session, world, tmp_path):
    path = tmp_path / "picked.csv"
    ids = [world["alan"].id, 999_999, world["ada"].id, world["alan"].id]
    assert exporting.export_contacts(session, path, ids=ids) == 2
    assert [r[0] for r in read_csv(path)[1:]] == ["Alan", "Ada"]


def test_a_segment_exports_only_its_members(session, world, tmp_path):
    seg = segments.create_segment(
        session, name="Estonia", entity="contact", filters={"countries": ["EE"]},
        owner_id=world["ann"].id, shared=False,
    )  # fmt: skip
    path = tmp_path / "estonia.xlsx"
    assert exporting.export_contacts(session, path, segment=seg, sort="created") == 2
    assert [r[0] for r in read_xlsx(path)[1:]] == ["Ada", "Grace"]
    company_seg = segments.create_segment(
        session, name="All", entity="company", filters={}, owner_id=world["ann"].id, shared=True
    )
    with pytest.raises(ValueError, match="company segment"):
        exporting.export_contacts(session, tmp_path / "x.csv", segment=company_seg)


def test_a_filtered_list_keeps_its_filters_search_and_sort(session, world, tmp_path):
    path = tmp_path / "leads.csv"
    leads = ContactFilters(stages=["lead"])
    assert (
        exporting.export_contacts(session, path, filters=leads, sort="name", descending=True) == 2
    )
    assert [r[0] for r in read_csv(path)[1:]] == ["Alan", "Grace"]  # Turing, Hopper
    found = ContactFilters(search="lovelace")
    assert exporting.export_contacts(session, path, filters=found) == 1
    assert [r[0] for r in read_csv(path)[1:]] == ["Ada"]
    companies = CompanyFilters(search="nothing-like-this")
    assert exporting.export_companies(session, tmp_path / "none.csv", filters=companies) == 0
    assert read_csv(tmp_path / "none.csv")[1:] == []


def test_the_export_streams_in_chunks(session, world, tmp_path, monkeypatch):
    monkeypatch.setattr(exporting.selection, "CHUNK", 2)
    for i in range(3):
        make_contact(session, f"Extra{i}", f"Zz{i}")
    session.flush()
    path = tmp_path / "all.csv"
    assert exporting.export_contacts(session, path, sort="created") == 6
    names = [r[0] for r in read_csv(path)[1:]]
    assert names == ["Ada", "Alan", "Grace", "Extra0", "Extra1", "Extra2"]


def test_one_source_at_a_time(session, world, tmp_path):
    with pytest.raises(ValueError, match="not several"):
        exporting.export_contacts(session, tmp_path / "x.csv", filters=ContactFilters(), ids=[1])


# -- formats and file names -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["contacts.txt", "contacts.xls", "contacts", "contacts.csv.gz"])
def test_an_unknown_extension_is_refused_before_writing(session, world, tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(exporting.ExportFormatError, match=r"\.csv or \.xlsx"):
        exporting.export_contacts(session, out / name)
    assert list(out.iterdir()) == []
    with pytest.raises(exporting.ExportFormatError):
        exporting.export_contacts(session, io.BytesIO(), "pdf")


def test_a_text_stream_gets_csv_and_the_extension_is_case_blind(session, world, tmp_path):
    text = io.StringIO()
    assert exporting.export_contacts(session, text, "csv") == 3
    assert text.getvalue().startswith("\ufeffFirst name,Last name,Emails")
    assert exporting.export_contacts(session, tmp_path / "UP.XLSX") == 3
    assert read_xlsx(tmp_path / "UP.XLSX")[0][0] == "First name"


def test_export_to_directory_names_the_file_and_never_overwrites(session, world, tmp_path):
    tmp_path = tmp_path / "exports"  # (the test database lives in tmp_path itself)
    tmp_path.mkdir()
    day = date(2026, 11, 25)
    first = exporting.export_to_directory(session, tmp_path, "contacts", "xlsx", today=day)
    second = exporting.export_to_directory(
        session, tmp_path, "contacts", "csv", today=day, filters=ContactFilters(countries=["GB"])
    )
    third = exporting.export_to_directory(session, tmp_path, "contacts", "xlsx", today=day)
    assert (first.name, second.name, third.name) == (
        "contacts-2026-11-25.xlsx", "contacts-2026-11-25.csv", "contacts-2026-11-25-2.xlsx"
    )  # fmt: skip
    assert len(read_xlsx(first)) == 4 and [r[0] for r in read_csv(second)[1:]] == ["Alan"]
    with pytest.raises(ValueError):
        exporting.export_to_directory(session, tmp_path, "../deals", "csv", today=day)
    with pytest.raises(exporting.ExportFormatError):
        exporting.export_to_directory(session, tmp_path, "companies", "exe", today=day)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "contacts-2026-11-25-2.xlsx", "contacts-2026-11-25.csv", "contacts-2026-11-25.xlsx"
    ]  # fmt: skip


# -- the command line -----------------------------------------------------------------------------
def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="rapport")
    exporting.add_export_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def cli_world(session, world, db_url, monkeypatch):
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    segments.create_segment(
        session, name="Estonia", entity="contact", filters={"countries": ["EE"]},
        owner_id=world["ann"].id, shared=False,
    )  # fmt: skip
    segments.create_segment(
        session, name="Leads", entity="contact", filters={"stages": ["lead"]},
        owner_id=world["bob"].id, shared=True,
    )  # fmt: skip
    session.commit()  # the handler opens its own session
    return world


def test_cli_exports_everyone_and_says_how_many(cli_world, tmp_path, capsys):
    path = tmp_path / "all.csv"
    assert run_cli(["export", "contacts", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"Exported 3 contacts to {path}."
    assert len(read_csv(path)) == 4


def test_cli_exports_a_segment_of_any_owner_by_name(cli_world, tmp_path, capsys):
    path = tmp_path / "estonia.xlsx"
    assert run_cli(["export", "contacts", str(path), "--segment", "estonia"]) == 0
    assert "Exported 2 contacts" in capsys.readouterr().out
    assert sorted(r[0] for r in read_xlsx(path)[1:]) == ["Ada", "Grace"]


def test_cli_refuses_an_unknown_segment_listing_the_names(cli_world, tmp_path, capsys):
    path = tmp_path / "x.csv"
    assert run_cli(["export", "contacts", str(path), "--segment", "Nordics"]) == 2
    err = capsys.readouterr().err
    assert 'No contact segment is called "Nordics"' in err and "Estonia, Leads" in err
    assert not path.exists()
    assert run_cli(["export", "companies", str(path), "--segment", "Estonia"]) == 2
    assert "Company segments: (none)" in capsys.readouterr().err


def test_cli_refuses_an_unknown_extension_and_an_unwritable_place(cli_world, tmp_path, capsys):
    assert run_cli(["export", "companies", str(tmp_path / "x.pdf")]) == 2
    assert ".csv or .xlsx" in capsys.readouterr().err
    assert run_cli(["export", "companies", str(tmp_path / "missing" / "x.csv")]) == 1
    assert "Could not export" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli(["export", "orders", str(tmp_path / "x.csv")])
