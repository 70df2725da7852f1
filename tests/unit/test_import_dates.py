"""Date columns: ISO, day-first, month-first, times, the ambiguous case and the refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from crm_app.services import app_settings, custom_fields
from crm_app.services.importing import AmbiguousDates, MappingError, analyse, run_import
from crm_app.services.importing.dates import DAY_FIRST, ISO, MONTH_FIRST, detect, parse, parse_day

from .test_import_support import contact_by_email, counts, csv_table, imported, sample

TALLINN = ZoneInfo("Europe/Tallinn")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-03-05", "2024-12-31 23:59", "2024-01-02T08:00:00"], (ISO, False)),
        (["25.12.2024", "03.04.2024"], (DAY_FIRST, False)),
        (["31/01/2024 10:00", "01/02/2024"], (DAY_FIRST, False)),
        (["12/25/2024", "03/04/2024 2:05 PM"], (MONTH_FIRST, False)),
        (["12-25-2024", "1-2-2024"], (MONTH_FIRST, False)),
        (["03/04/2024", "05/06/2024 14:30"], (None, True)),
        (["03/04/2024", "2024-07-08", ""], (None, True)),
        (["2024-07-08", "13.04.2024"], (DAY_FIRST, False)),
        (["soon", "31.02.2024"], (None, False)),
    ],
)
def test_a_columns_order_is_decided_over_all_its_values(values, expected) -> None:
    assert detect(values) == expected


def test_reading_a_date_in_the_installation_zone_gives_utc() -> None:
    assert parse("2024-03-05 14:22", None, TALLINN) == datetime(2024, 3, 5, 12, 22, tzinfo=UTC)
    assert parse("2024-07-05", None, TALLINN) == datetime(2024, 7, 4, 21, 0, tzinfo=UTC)  # summer
    assert parse("2024-03-05T14:22:00Z", None, TALLINN) == datetime(2024, 3, 5, 14, 22, tzinfo=UTC)
    assert parse("2024-03-05 14:22+01:00", None, TALLINN) == datetime(
        2024, 3, 5, 13, 22, tzinfo=UTC
    )
    assert parse("03/04/2024", DAY_FIRST, UTC) == datetime(2024, 4, 3, tzinfo=UTC)
    assert parse("03/04/2024", MONTH_FIRST, UTC) == datetime(2024, 3, 4, tzinfo=UTC)
    assert parse("3/14/2024 12:05 AM", MONTH_FIRST, UTC) == datetime(2024, 3, 14, 0, 5, tzinfo=UTC)
    assert parse("3/14/2024 2:05:09 p.m.", MONTH_FIRST, UTC) == datetime(
        2024, 3, 14, 14, 5, 9, tzinfo=UTC
    )
    assert parse("14.03.2024 25:00", DAY_FIRST, UTC) is None
    assert parse("03/04/2024", None, UTC) is None  # an unknown order never guesses
    assert parse_day("2024-03-05T23:30:00Z", None, TALLINN) == date(2024, 3, 6)


def test_the_analysis_names_an_ambiguous_column(session) -> None:
    result = analyse(session, "contacts", sample("ambiguous_dates.csv"))
    assert result.ambiguous == ["Last Contacted"]
    assert result.dates[0].samples[:2] == ["03/04/2024", "05/06/2024 14:30"]
    chosen = analyse(
        session,
        "contacts",
        sample("ambiguous_dates.csv"),
        date_formats={"Last Contacted": "day-first"},
    )
    assert chosen.ambiguous == []


def test_an_ambiguous_column_is_refused_until_the_caller_chooses(session) -> None:
    before = counts(session)
    with pytest.raises(AmbiguousDates) as caught:
        run_import(session, "contacts", sample("ambiguous_dates.csv"))
    assert caught.value.columns == ["Last Contacted"]
    assert "“Last Contacted”" in str(caught.value)
    with pytest.raises(AmbiguousDates):
        run_import(session, "contacts", sample("ambiguous_dates.csv"), dry_run=True)
    session.commit()
    assert counts(session) == before


@pytest.mark.parametrize(
    ("order", "day"), [("day-first", date(2024, 4, 3)), ("month-first", date(2024, 3, 4))]
)
def test_the_chosen_order_is_used(session, order: str, day: date) -> None:
    app_settings.put(session, "time_zone", "Europe/Tallinn", actor_id=None)
    imported(
        session, "contacts", sample("ambiguous_dates.csv"), date_formats={"last contacted": order}
    )
    ann = contact_by_email(session, "ann@dates.example")
    local = ann.last_contacted_at.astimezone(TALLINN)
    assert (local.date(), local.hour) == (day, 0)
    bob = contact_by_email(session, "bob@dates.example")
    assert bob.last_contacted_at.astimezone(TALLINN).hour == 14
    cy = contact_by_email(session, "cy@dates.example")  # ISO reads the same either way
    assert cy.last_contacted_at.astimezone(TALLINN).date() == date(2024, 7, 8)


def test_an_unknown_date_choice_is_refused(session) -> None:
    with pytest.raises(MappingError):
        run_import(
            session,
            "contacts",
            sample("ambiguous_dates.csv"),
            date_formats={"Last Contacted": "guess"},
        )
    with pytest.raises(MappingError):
        run_import(
            session, "contacts", sample("ambiguous_dates.csv"), date_formats={"Nope": "day-first"}
        )


def test_a_value_the_columns_order_cannot_read_rejects_its_row(session) -> None:
    table = csv_table(
        "Email,Name,Last Contacted\n"
        "a@x.example,A One,25.12.2024\n"
        "b@x.example,B Two,next week\n"
        "c@x.example,C Three,13.01.2024\n"
    )
    column = analyse(session, "contacts", table).dates[0]
    assert (column.order, column.ambiguous, column.unreadable) == (DAY_FIRST, False, 1)
    result = imported(session, "contacts", table)
    assert result.created == 2
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 3, "field": "last_contacted_at", "reason": custom_fields.ENTER_DATE}
    ]


def test_custom_date_fields_are_read_with_the_same_rules(session) -> None:
    custom_fields.define(
        session, entity="contact", label="Renewal", field_type="date", actor_id=None
    )
    table = csv_table(
        "Email,Name,Renewal\na@x.example,A One,01/02/2025\nb@x.example,B Two,03/04/2025\n"
    )
    with pytest.raises(AmbiguousDates) as caught:
        run_import(session, "contacts", table)
    assert caught.value.columns == ["Renewal"]
    imported(session, "contacts", table, date_formats={"Renewal": "month-first"})
    assert contact_by_email(session, "a@x.example").custom_fields == {"renewal": "2025-01-02"}
