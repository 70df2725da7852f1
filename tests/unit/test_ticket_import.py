"""Importing tickets: status / priority / channel synonyms (unknown words become the default and
are listed), customers found by any of their addresses or created, rows without a customer,
the ticket id as external id (the same file twice changes nothing), SLA due times, dry runs,
undo and the CLI's ``--json`` summary."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from crm_app.cli import main
from crm_app.models import Company, Contact, ContactEmail, ImportBatch, Ticket, TicketSlaEvent
from crm_app.services.importing import (
    AmbiguousDates,
    MappingError,
    run_import,
    suggest_mapping,
    undo_last_import,
)
from crm_app.services.importing.ticket_import import NEED_SUBJECT
from crm_app.services.importing.ticket_values import CSAT_RANGE, DEFAULTS, csat, match, norm

from .test_import_support import DATA, add_user, counts, csv_table, imported, sample

SAMPLE = "tickets_sample.csv"
KAGGLE = "support_tickets_kaggle_shape.csv"


# -- synonyms -----------------------------------------------------------------------------------
SYNONYMS = {
    "status": {
        "new": ["new", "unassigned", "NEW", "Un-assigned"],
        "open": ["open", "In Progress", "in-progress", "IN_PROGRESS", "assigned", "working",
                 "active", "Reopened"],
        "pending": ["pending", "waiting", "Waiting on Customer", "awaiting reply",
                    "Awaiting-Reply", "Pending Customer Response"],
        "on_hold": ["on hold", "On-Hold", "on_hold", "hold", "paused", "blocked"],
        "solved": ["solved", "Resolved", "done", "fixed", "completed", "RESOLVED!"],
        "closed": ["closed", "archived", " Closed "],
    },
    "priority": {
        "low": ["low", "minor", "P4", "p 4"],
        "normal": ["normal", "Medium", "p3", "default"],
        "high": ["high", "Major", "P2"],
        "urgent": ["urgent", "Critical", "p1", "EMERGENCY"],
    },
    "channel": {
        "email": ["email", "E-mail", "mail", "E-Mail "],
        "phone": ["phone", "call", "Telephone"],
        "chat": ["chat", "Live Chat", "live-chat", "messenger"],
        "web": ["web", "Web Form", "webform", "form", "portal"],
        "social": ["social", "Social media", "twitter", "Facebook"],
    },
}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "code", "word"),
    [(f, c, w) for f, codes in SYNONYMS.items() for c, words in codes.items() for w in words],
)
def test_synonyms_match_without_case_space_or_punctuation(field, code, word) -> None:
    assert match(field, word) == code


@pytest.mark.parametrize(
    ("field", "word"),
    [("status", "Escalated to tier 3"), ("status", ""), ("priority", "Sev 9"),
     ("priority", "resolved"), ("channel", "carrier pigeon"), ("channel", "open")],
)  # fmt: skip
def test_a_word_of_another_field_or_nothing_known_matches_nothing(field, word) -> None:
    assert match(field, word) is None


def test_defaults_and_norm() -> None:
    assert DEFAULTS == {"status": "new", "priority": "normal", "channel": "email"}
    assert norm(" In-Progress! ") == "inprogress"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("5", (5, None)), ("4.0", (4, None)), ("3,0", (3, None)), ("4/5", (4, None)),
     ("1", (1, None)), ("0", (None, CSAT_RANGE)), ("6", (None, CSAT_RANGE)),
     ("4.5", (None, CSAT_RANGE)), ("great", (None, CSAT_RANGE)), ("7/10", (None, CSAT_RANGE))],
)  # fmt: skip
def test_satisfaction_score_is_a_whole_number_from_1_to_5(raw, expected) -> None:
    assert csat(raw) == expected


# -- mapping ------------------------------------------------------------------------------------
def test_mapping_suggestions_for_the_sample_and_a_public_support_dataset() -> None:
    mapping = suggest_mapping("ticket", sample(SAMPLE).headers)
    assert mapping["Ticket ID"] == "external_id"
    assert mapping["Customer Email"] == "contact_email"
    assert mapping["CSAT"] == "csat_score"
    assert mapping["Resolved At"] == "resolved_at"
    kaggle = suggest_mapping("tickets", sample(KAGGLE).headers)
    assert {k: v for k, v in kaggle.items() if v} == {
        "Ticket ID": "external_id",
        "Customer Name": "contact_name",
        "Customer Email": "contact_email",
        "Ticket Type": "category",
        "Ticket Subject": "subject",
        "Ticket Description": "description",
        "Ticket Status": "status",
        "Ticket Priority": "priority",
        "Ticket Channel": "channel",
        "First Response Time": "first_response_at",
        "Time to Resolution": "resolved_at",
        "Customer Satisfaction Rating": "csat_score",
    }


# -- importing ----------------------------------------------------------------------------------
@pytest.fixture
def desk(session):
    """Maria (a user) and Ann Lee, a contact with two addresses at Northwind."""
    maria = add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    northwind = Company(name="Northwind")
    session.add(northwind)
    session.flush()
    ann = Contact(first_name="Ann", last_name="Lee", company_id=northwind.id)
    session.add(ann)
    session.flush()
    session.add(ContactEmail(contact_id=ann.id, email="ann@northwind.example", is_primary=True))
    session.add(ContactEmail(contact_id=ann.id, email="ann.lee@example.com", label="other"))
    session.commit()
    return {"maria": maria, "ann": ann.id, "northwind": northwind.id}


def _ticket(session, external_id: str) -> Ticket:
    session.expire_all()
    return session.execute(sa.select(Ticket).where(Ticket.external_id == external_id)).scalar_one()


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def test_import_maps_synonyms_links_customers_and_lists_substitutions(session, desk) -> None:
    result = imported(session, "tickets", sample(SAMPLE))
    assert (result.created, result.updated, result.unchanged, result.rejected) == (5, 0, 0, [])
    first = _ticket(session, "T-1001")
    assert (first.status, first.priority, first.channel) == ("solved", "high", "email")
    assert first.contact_id == desk["ann"]  # her second address, written in capitals
    assert first.company_id == desk["northwind"]
    assert first.assignee_id == desk["maria"]
    assert first.description == "The office printer jams.\nIt started on Monday."
    assert (first.csat_score, first.csat_comment) == (5, "Quick fix")
    assert _utc(first.created_at) == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert _utc(first.resolved_at) == datetime(2026, 3, 3, 16, 30, tzinfo=UTC)
    second = _ticket(session, "T-1002")
    assert (second.status, second.priority, second.channel) == ("open", "high", "web")
    assert second.assignee_id == desk["maria"]  # by name
    third = _ticket(session, "T-1003")  # no customer at all: still imported
    assert (third.status, third.channel, third.contact_id, third.company_id) == (
        "pending", "chat", None, None,
    )  # fmt: skip
    odd = _ticket(session, "T-1004")
    assert (odd.status, odd.priority, odd.channel) == ("new", "normal", "email")
    assert odd.assignee_id is None and odd.csat_score is None  # warnings, not rejections
    assert (_ticket(session, "T-1005").csat_score, _ticket(session, "T-1005").status) == (
        4,
        "closed",
    )
    assert result.extra["substitutions"] == [
        {"row": 5, "field": "status", "value": "Escalated to tier 3", "used": "new"},
        {"row": 5, "field": "priority", "value": "Sev 1", "used": "normal"},
        {"row": 5, "field": "channel", "value": "Carrier pigeon", "used": "email"},
    ]
    assert [(w.row, w.field) for w in result.warnings] == [(5, "assignee"), (5, "csat_score")]
    assert result.extra["contacts_created"] == 2  # Bob Stone, Cara Diaz (Ann is found)
    bob = session.execute(
        sa.select(Contact).join(ContactEmail).where(ContactEmail.email == "bob.stone@example.com")
    ).scalar_one()
    assert (bob.first_name, bob.last_name, bob.company_id) == ("Bob", "Stone", desk["northwind"])
    assert result.companies_created == 0


def test_the_same_file_again_changes_nothing(session, desk) -> None:
    imported(session, "tickets", sample(SAMPLE))
    before = counts(session)
    again = imported(session, "tickets", sample(SAMPLE))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    after = counts(session)
    assert {k: v for k, v in after.items() if k not in ("import_batches", "audit_entries")} == {
        k: v for k, v in before.items() if k not in ("import_batches", "audit_entries")
    }


def test_rows_without_ticket_id_are_found_again_by_their_row(session, desk) -> None:
    text = "Subject,Status,Email\nBroken hinge,open,zed@example.com\nNo customer here,,\n"
    assert imported(session, "tickets", csv_table(text)).created == 2
    again = imported(session, "tickets", csv_table(text))
    assert (again.created, again.unchanged) == (0, 2)


def test_a_changed_file_updates_by_ticket_id_and_keeps_a_stored_value_for_unknown_words(
    session, desk
) -> None:
    imported(session, "tickets", sample(SAMPLE))
    text = (
        "Ticket ID,Status,Priority,Category\nT-1002,Done,Urgent,Billing\nT-1003,Frozen,,Delivery\n"
    )
    result = imported(session, "tickets", csv_table(text))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert result.extra["substitutions"] == [
        {"row": 3, "field": "status", "value": "Frozen", "used": "pending"}
    ]
    updated = _ticket(session, "T-1002")
    assert (updated.status, updated.priority, updated.category) == ("solved", "urgent", "Billing")
    assert updated.contact_id is not None  # blank cells never clear
    assert _ticket(session, "T-1003").status == "pending"
    undone = undo_last_import(session, "tickets", actor_id=None)
    session.commit()
    assert (undone.removed, undone.restored) == (0, 1)
    restored = _ticket(session, "T-1002")
    assert (restored.status, restored.priority) == ("open", "high")


def test_a_customer_by_name_only_is_found_or_created_with_a_new_company(session, desk) -> None:
    text = "Ticket ID,Subject,Customer,Company\nN1,Hi,Zed Zulu,Zulu Works\nN2,Again,ann lee,\n"
    result = imported(session, "tickets", csv_table(text))
    assert (result.created, result.extra["contacts_created"], result.companies_created) == (
        2, 1, 1,
    )  # fmt: skip
    zed = session.get(Contact, _ticket(session, "N1").contact_id)
    company = session.get(Company, zed.company_id)
    assert (zed.first_name, zed.last_name, company.name) == ("Zed", "Zulu", "Zulu Works")
    assert _ticket(session, "N1").company_id == company.id
    assert _ticket(session, "N2").contact_id == desk["ann"]  # by name, in any case
    assert _ticket(session, "N2").company_id == desk["northwind"]  # her company


def test_rows_sharing_a_ticket_id_are_one_ticket(session, desk) -> None:
    text = "Ticket ID,Subject,Status\n9,First words,new\n9,,Resolved\n"
    result = imported(session, "tickets", csv_table(text))
    assert (result.created, result.merged) == (1, 1)
    ticket = _ticket(session, "9")
    assert (ticket.subject, ticket.status) == ("First words", "solved")


def test_a_new_ticket_needs_a_subject_or_a_description(session, desk) -> None:
    text = 'Ticket ID,Subject,Description,Status\n1,,,open\n2,,"\n  Help!\nMore text",open\n'
    result = imported(session, "tickets", csv_table(text))
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [(2, "subject", NEED_SUBJECT)]
    assert _ticket(session, "2").subject == "Help!"


def test_status_follows_the_resolved_time_and_created_the_earliest_time(session, desk) -> None:
    text = "Ticket ID,Subject,First Response Time,Time to Resolution\nA,X,2026-05-02 10:00,2026-05-03 09:00\n"
    imported(session, "tickets", csv_table(text))
    ticket = _ticket(session, "A")
    assert ticket.status == "solved"
    assert _utc(ticket.created_at) == datetime(2026, 5, 2, 10, 0, tzinfo=UTC)


def test_dry_run_writes_nothing(session, desk) -> None:
    before = counts(session)
    result = run_import(session, "tickets", sample(SAMPLE), dry_run=True)
    session.commit()
    assert (result.created, result.batch_id, len(result.extra["substitutions"])) == (5, None, 3)
    assert counts(session) == before


def test_undo_removes_the_tickets_and_the_contacts_it_created(session, desk) -> None:
    before = counts(session)
    imported(session, "tickets", sample(SAMPLE))
    undone = undo_last_import(session, "tickets", actor_id=None)
    session.commit()
    assert (undone.removed, undone.contacts_removed, undone.restored) == (5, 2, 0)
    after = counts(session)
    skip = ("import_batches", "import_changes", "audit_entries")
    assert {k: v for k, v in after.items() if k not in skip} == {
        k: v for k, v in before.items() if k not in skip
    }
    assert session.get(Contact, desk["ann"]) is not None


def test_new_tickets_get_sla_due_times_and_late_ones_are_breached(session, desk) -> None:
    imported(session, "tickets", sample(SAMPLE))
    first = _ticket(session, "T-1001")  # high: resolved the next afternoon
    assert first.first_response_due_at is not None and first.resolution_due_at is not None
    assert first.sla_breached
    events = session.execute(
        sa.select(TicketSlaEvent.target, TicketSlaEvent.kind).where(
            TicketSlaEvent.ticket_id == first.id
        )
    ).all()
    assert [tuple(e) for e in events] == [("resolution", "breach")]
    assert not _ticket(session, "T-1005").sla_breached
    imported(session, "tickets", csv_table("Ticket ID,Subject,Status\nC-1,Old one,Closed\n"))
    closed = _ticket(session, "C-1")  # closed at a time the file does not say
    assert (closed.first_response_due_at, closed.resolution_due_at) == (None, None)


def test_ambiguous_dates_are_asked_and_custom_fields_refused(session, desk) -> None:
    text = "Subject,Created\nA,03/04/2026\nB,05/06/2026\n"
    with pytest.raises(AmbiguousDates):
        run_import(session, "tickets", csv_table(text))
    result = run_import(session, "tickets", csv_table(text), date_formats={"Created": "day-first"})
    assert result.created == 2
    with pytest.raises(MappingError):
        run_import(session, "tickets", csv_table(text), create_fields=["Created"])


def test_a_public_support_dataset_imports(session) -> None:
    result = imported(session, "tickets", sample(KAGGLE))
    assert (result.created, result.rejected, result.extra["substitutions"]) == (10, [], [])
    first = _ticket(session, "1")
    assert (first.status, first.priority, first.channel, first.category) == (
        "pending", "urgent", "social", "Technical issue",
    )  # fmt: skip
    third = _ticket(session, "3")
    assert (third.status, third.csat_score) == ("closed", 3)
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 10


# -- the command line ---------------------------------------------------------------------------
@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    return db_url


def test_cli_json_summary(cli_db, session, desk, capsys) -> None:
    file = str(DATA / SAMPLE)
    assert main(["import", "tickets", file, "--json", "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert list(dry)[:4] == ["created", "updated", "unchanged", "rejected"]
    assert (dry["created"], dry["dry_run"], len(dry["substitutions"])) == (5, True, 3)
    assert dry["substitutions"][0] == {
        "row": 5, "field": "status", "value": "Escalated to tier 3", "used": "new",
    }  # fmt: skip
    assert main(["import", "tickets", file, "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert (done["created"], done["entity"]) == (5, "ticket")
    assert session.get(ImportBatch, done["batch_id"]).summary["created"] == 5
    assert main(["import", "tickets", file]) == 0
    text = capsys.readouterr().out
    assert "Unchanged: 5" in text and "'Carrier pigeon' -> email" in text


def test_cli_help_lists_the_ticket_fields(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["import", "tickets", "--help"])
    text = capsys.readouterr().out
    assert "csat_score" in text and "synonyms" in text and "--create-field" not in text
