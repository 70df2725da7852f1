"""`rapport import contacts|companies FILE`: JSON keys, --map, --help, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm_app.cli import main
from crm_app.models import Company, Contact, CustomField
from crm_app.services.importing import field_names

from .test_import_support import DATA, add_user, contact_by_email, counts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    return db_url


def _json(capsys) -> dict:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one JSON object on one line
    return json.loads(out)


def test_json_output_has_the_fixed_keys(cli_db, session, capsys) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    code = main(["import", "contacts", str(DATA / "salesforce_contacts.csv"), "--json"])
    assert code == 0
    result = _json(capsys)
    assert list(result)[:4] == ["created", "updated", "unchanged", "rejected"]
    assert (result["created"], result["updated"], result["unchanged"], result["rejected"]) == (
        2,
        0,
        0,
        [],
    )
    assert {"companies_created", "rows", "dry_run", "batch_id", "custom_fields_created"} <= set(
        result
    )
    assert (result["companies_created"], result["rows"], result["dry_run"]) == (1, 2, False)
    assert contact_by_email(session, "smiller@acme.example").last_name == "Miller"


def test_rejected_rows_are_listed_and_the_exit_status_is_still_0(cli_db, session, capsys) -> None:
    code = main(
        [
            "import",
            "contacts",
            str(DATA / "pipedrive_persons.csv"),
            "--json",
            "--map",
            "Person - Owner=",
        ]
    )
    assert code == 0
    result = _json(capsys)
    assert result["rejected"] == [
        {"row": 3, "field": "phone", "reason": "Add the country code, e.g. +372 5555 1234."}
    ]
    assert result["mapping"]["Person - Owner"] == ""


def test_map_overrides_a_suggestion_and_create_field_keeps_a_column(
    cli_db, session, capsys
) -> None:
    file = DATA / "hubspot_contacts.csv"
    args = [
        "--map",
        "Record ID=",
        "--map",
        "Contact owner=",
        "--create-field",
        "Create Date",
        "--json",
    ]
    assert main(["import", "contacts", str(file), *args]) == 0
    result = _json(capsys)
    assert result["created"] == 3 and result["custom_fields_created"] == 1
    anna = contact_by_email(session, "anna.lee@northwind.example")
    assert (anna.external_id, anna.owner_id) == (None, None)
    assert anna.custom_fields == {"create_date": "2024-01-15 09:12"}
    assert session.execute(sa.select(CustomField.label)).scalars().all() == ["Create Date"]


def test_a_dry_run_writes_nothing(cli_db, session, capsys) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    before = counts(session)
    assert (
        main(["import", "companies", str(DATA / "hubspot_companies.csv"), "--dry-run", "--json"])
        == 0
    )
    result = _json(capsys)
    assert (result["created"], result["dry_run"], result["batch_id"]) == (3, True, None)
    session.expire_all()
    assert counts(session) == before


def test_the_readable_summary_shows_mapping_counts_and_rejected_rows(
    cli_db, session, capsys
) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    assert main(["import", "contacts", str(DATA / "pipedrive_persons.csv")]) == 0
    out = capsys.readouterr().out
    assert '"Person - Email"' in out and "-> email" in out and "-> (skipped)" in out
    assert "Created: 2  Updated: 0  Unchanged: 0  Rejected: 1" in out
    assert "row 3  phone: Add the country code, e.g. +372 5555 1234." in out


def test_help_lists_every_field_map_accepts(capsys) -> None:
    for entity, kind in (("contacts", "contact"), ("companies", "company")):
        with pytest.raises(SystemExit) as caught:
            main(["import", entity, "--help"])
        assert caught.value.code == 0
        out = capsys.readouterr().out
        epilog = out.split("Fields for --map", 1)[1]
        listed = [line.split()[0] for line in epilog.splitlines()[1:] if line.startswith("  ")]
        assert listed == [*field_names(kind), "custom:<key>"]
        assert "--date-format" in out and "--create-field" in out and "--dry-run" in out


def test_an_unreadable_file_exits_2_and_writes_nothing(cli_db, session, capsys, tmp_path) -> None:
    bad = tmp_path / "contacts.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    before = counts(session)
    assert main(["import", "contacts", str(bad)]) == 2
    assert "Cannot read" in capsys.readouterr().err
    assert main(["import", "contacts", str(tmp_path / "missing.csv"), "--json"]) == 2
    assert "error" in _json(capsys)
    session.expire_all()
    assert counts(session) == before


def test_an_ambiguous_date_column_exits_2_until_date_format_is_given(
    cli_db, session, capsys
) -> None:
    file = str(DATA / "ambiguous_dates.csv")
    assert main(["import", "contacts", file]) == 2
    err = capsys.readouterr().err
    assert 'column "Last Contacted"' in err
    assert '--date-format "Last Contacted=day-first"' in err
    session.expire_all()
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 0
    assert (
        main(["import", "contacts", file, "--date-format", "Last Contacted=month-first", "--json"])
        == 0
    )
    assert _json(capsys)["created"] == 3
    ann = contact_by_email(session, "ann@dates.example")
    assert (ann.last_contacted_at.month, ann.last_contacted_at.day) == (3, 4)


def test_a_wrong_map_exits_2(cli_db, capsys) -> None:
    assert (
        main(["import", "contacts", str(DATA / "zoho_contacts.csv"), "--map", "Email=shoe_size"])
        == 2
    )
    assert "“shoe_size” is not a field you can import into." in capsys.readouterr().err
    assert (
        main(["import", "contacts", str(DATA / "zoho_contacts.csv"), "--map", "no equals sign"])
        == 2
    )


def test_the_installed_command_runs_in_a_subprocess(db_url: str) -> None:
    env = {**os.environ, "REFLEX_DB_URL": db_url}
    args = [
        sys.executable,
        "-m",
        "crm_app",
        "import",
        "companies",
        str(DATA / "pipedrive_organizations.csv"),
        "--json",
    ]
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # no user "Maria Tamm" here: her organisation comes in without an owner, with a warning
    assert result["created"] == 2 and result["rejected"] == []
    assert result["warnings"] == [
        {"row": 2, "field": "owner", "reason": "No active user has this e-mail address or name."}
    ]
    from crm_app.db import get_engine

    with get_engine(db_url).connect() as conn:
        names = conn.execute(sa.select(Company.name).order_by(Company.name)).scalars().all()
    assert names == ["Saar OÜ", "Tamme AS"]
