"""Cell values: phones in E.164 with the row's country or the default region, countries,
lifecycle stages, yes/no, tags, e-mail addresses, numbers."""

from __future__ import annotations

import pytest

from crm_app.services import app_settings, phones
from crm_app.services.importing import values

from .test_import_support import add_user, contact_by_email, csv_table, imported, phones_of, tags_of


def test_phones_are_read_with_the_rows_country_before_the_default_region(session) -> None:
    app_settings.put(session, "default_phone_region", "FI", actor_id=None)
    table = csv_table(
        "Email,Phone,Mobile,Country\n"
        "ee@x.example,612 3456,5123 4567,Estonia\n"
        "fi@x.example,09 123 4567,040 1234567,\n"
        "de@x.example,+49 30 12345678,,FI\n"
    )
    result = imported(session, "contacts", table)
    assert result.created == 3 and result.rejected == []
    assert phones_of(session, contact_by_email(session, "ee@x.example").id) == [
        "+3726123456",
        "+37251234567",
    ]
    assert phones_of(session, contact_by_email(session, "fi@x.example").id) == [
        "+35891234567",
        "+358401234567",
    ]
    assert phones_of(session, contact_by_email(session, "de@x.example").id) == ["+493012345678"]


def test_without_any_country_a_national_number_is_rejected(session) -> None:
    table = csv_table("Email,Phone\nann@x.example,5123 4567\nbo@x.example,+372 5123 4567\n")
    result = imported(session, "contacts", table)
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 2, "field": "phone", "reason": phones.NEED_COUNTRY_CODE}
    ]
    assert result.created == 1


def test_a_number_that_lost_its_plus_in_a_spreadsheet_is_still_read() -> None:
    assert values.phone("37253456789", "FI") == ("+37253456789", None)
    assert values.phone("not a number", "EE") == (None, phones.INVALID)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("EE", "EE"),
        ("ee", "EE"),
        ("Estonia", "EE"),
        ("Eesti", "EE"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("USA", "US"),
        ("United States", "US"),
        ("Norway", "NO"),
        ("Sverige", "SE"),
        ("Suomi", "FI"),
    ],
)
def test_countries_by_code_or_name_in_several_languages(raw: str, code: str) -> None:
    assert values.country(raw) == (code, None)


def test_an_unknown_country_is_a_problem() -> None:
    assert values.country("Atlantis") == (None, phones.INVALID_COUNTRY)


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("Subscriber", "lead"),
        ("Lead", "lead"),
        ("MQL", "lead"),
        ("Sales Qualified Lead", "lead"),
        ("Opportunity", "prospect"),
        ("customer", "customer"),
        ("Evangelist", "customer"),
        ("Former customer", "churned"),
        ("Churned", "churned"),
        ("Klient", "customer"),
    ],
)
def test_lifecycle_stage_synonyms(raw: str, stage: str) -> None:
    assert values.stage(raw) == (stage, None)


def test_an_unknown_stage_is_a_problem() -> None:
    assert values.stage("Galaxy brain") == (None, values.UNKNOWN_STAGE)


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("No", False),
        ("false", False),
        ("0", False),
    ],
)
def test_yes_and_no(raw: str, flag: bool) -> None:
    assert values.boolean(raw) == (flag, None)
    assert values.boolean("maybe") == (None, values.YES_OR_NO)


def test_email_opt_out_is_the_inverse_of_consent(session) -> None:
    table = csv_table(
        "Email,Email Opt Out,Do Not Call\nin@x.example,false,no\nout@x.example,true,yes\nask@x.example,perhaps,\n"
    )
    result = imported(session, "contacts", table)
    assert contact_by_email(session, "in@x.example").consent_email is True
    assert contact_by_email(session, "in@x.example").consent_at is not None
    assert contact_by_email(session, "out@x.example").consent_email is False
    assert contact_by_email(session, "out@x.example").do_not_call is True
    assert [(r.row, r.field) for r in result.rejected] == [(4, "email_opt_out")]


def test_tags_split_on_commas_semicolons_and_googles_separator() -> None:
    assert values.tag_names("VIP, Hot lead;vip ; ") == (["VIP", "Hot lead"], None)
    assert values.tag_names("* myContacts ::: Suppliers ::: * starred") == (["Suppliers"], None)
    assert values.tag_names("x" * 61)[1] is not None


def test_tags_and_emails_as_stored(session) -> None:
    table = csv_table('Email,Tags\n  Ann.Lee@Example.COM ,"VIP; partner"\n')
    imported(session, "contacts", table)
    ann = contact_by_email(session, "ann.lee@example.com")
    assert ann is not None
    assert tags_of(session, ann.id) == ["VIP", "partner"]


def test_owner_by_email_or_name_and_the_problems(session) -> None:
    maria = add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    add_user(session, "old@kestrel.example", "Old Timer", active=False)
    add_user(session, "kim1@kestrel.example", "Kim Lee")
    add_user(session, "kim2@kestrel.example", "Kim Lee")
    table = csv_table(
        "Email,Owner\n"
        "a@x.example,MARIA.TAMM@kestrel.example\n"
        "b@x.example,maria  tamm\n"
        "c@x.example,Old Timer\n"
        "d@x.example,Kim Lee\n"
        "e@x.example,Nobody Here\n"
    )
    result = imported(session, "contacts", table)
    assert contact_by_email(session, "a@x.example").owner_id == maria
    assert contact_by_email(session, "b@x.example").owner_id == maria
    # an owner that matches no one (another CRM's user) costs the row nothing but the owner
    assert result.rejected == []
    assert [(r.row, r.field, r.reason) for r in result.warnings] == [
        (4, "owner", "Choose an active user as the owner."),
        (5, "owner", "Several users have this name. Use the owner's e-mail address."),
        (6, "owner", "No active user has this e-mail address or name."),
    ]
    for address in ("c@x.example", "d@x.example", "e@x.example"):
        assert contact_by_email(session, address).owner_id is None
    assert result.as_dict()["warnings"][0] == {
        "row": 4,
        "field": "owner",
        "reason": "Choose an active user as the owner.",
    }


@pytest.mark.parametrize(
    ("raw", "number"), [("250", 250), ("1 200", 1200), ("1.200", 1200), ("1,200", 1200)]
)
def test_whole_numbers(raw: str, number: int) -> None:
    assert values.whole_number(raw) == (number, None)


@pytest.mark.parametrize(
    ("raw", "amount"), [("12,500,000", 12500000.0), ("€ 1 200,50", 1200.5), ("$1,200.50", 1200.5)]
)
def test_amounts(raw: str, amount: float) -> None:
    assert values.amount(raw) == (amount, None)
    assert values.amount("lots")[1] == values.AMOUNT


def test_a_cell_may_hold_several_addresses_or_a_display_name(session) -> None:
    assert values.email_values("Lee, Ann <Ann@X.example>") == ["Ann@X.example"]
    assert values.email_values("a@x.example; b@x.example ::: c@x.example,") == [
        "a@x.example",
        "b@x.example",
        "c@x.example",
    ]
    imported(session, "contacts", csv_table('Email\n"Ann <ann@x.example>; ann@home.example"\n'))
    ann = contact_by_email(session, "ann@home.example")
    assert ann is not None and contact_by_email(session, "ann@x.example").id == ann.id
