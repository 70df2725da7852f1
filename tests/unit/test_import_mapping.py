"""Mapping suggestions for the headers of common exports, the caller's overrides, names."""

from __future__ import annotations

import pytest

from crm_app.services import custom_fields
from crm_app.services.importing import MappingError, analyse, suggest_mapping
from crm_app.services.importing.mapping import resolve_mapping
from crm_app.services.importing.values import split_name

from .test_import_support import contact_named, csv_table, imported, sample


def _mapped(entity: str, file_name: str) -> dict[str, str]:
    return {h: f for h, f in suggest_mapping(entity, sample(file_name).headers).items() if f}


def test_hubspot_contacts() -> None:
    assert _mapped("contact", "hubspot_contacts.csv") == {
        "Record ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "mobile_phone",
        "Company Name": "company",
        "Job Title": "title",
        "Lifecycle Stage": "lifecycle_stage",
        "Contact owner": "owner",
        "Street Address": "street",
        "City": "city",
        "State/Region": "region",
        "Postal Code": "postal_code",
        "Country/Region": "country",
        "Last Contacted": "last_contacted_at",
    }  # "Create Date" has no field: it stays unmapped


def test_hubspot_companies() -> None:
    mapped = _mapped("company", "hubspot_companies.csv")
    assert mapped["Company name"] == "name"
    assert mapped["Company Domain Name"] == "domain"
    assert mapped["Number of Employees"] == "employees"
    assert mapped["Annual Revenue"] == "annual_revenue"
    assert mapped["Company owner"] == "owner"
    assert mapped["Record ID"] == "external_id"
    assert "Create Date" not in mapped


def test_pipedrive_persons() -> None:
    assert _mapped("contact", "pipedrive_persons.csv") == {
        "Person - ID": "external_id",
        "Person - Name": "full_name",
        "Person - Email": "email",
        "Person - Phone": "phone",
        "Person - Organization": "company",
        "Person - Owner": "owner",
        "Person - Labels": "tags",
        "Organization - Address": "street",
    }


def test_pipedrive_organizations() -> None:
    assert _mapped("company", "pipedrive_organizations.csv") == {
        "Organization - ID": "external_id",
        "Organization - Name": "name",
        "Organization - Address": "street",
        "Organization - Owner": "owner",
        "Organization - Labels": "tags",
        "Organization - Website": "domain",
        "Organization - Number of employees": "employees",
    }


def test_salesforce_contacts() -> None:
    mapped = _mapped("contact", "salesforce_contacts.csv")
    assert mapped == {
        "Contact ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Account Name": "company",
        "Title": "title",
        "Email": "email",
        "Phone": "phone",
        "Mobile": "mobile_phone",
        "Mailing Street": "street",
        "Mailing City": "city",
        "Mailing State/Province": "region",
        "Mailing Zip/Postal Code": "postal_code",
        "Mailing Country": "country",
        "Contact Owner": "owner",
        "Lead Source": "source",
        "Last Activity": "last_contacted_at",
    }


def test_zoho_contacts() -> None:
    mapped = _mapped("contact", "zoho_contacts.csv")
    assert mapped["Account Name"] == "company"
    assert mapped["Secondary Email"] == "email_2"
    assert mapped["Mailing State"] == "region"
    assert mapped["Mailing Zip"] == "postal_code"
    assert mapped["Contact Owner"] == "owner"
    assert mapped["Lead Source"] == "source"
    assert mapped["Email Opt Out"] == "email_opt_out"
    assert mapped["Record Id"] == "external_id"


def test_google_contacts() -> None:
    mapped = _mapped("contact", "google_contacts.csv")
    assert mapped["Given Name"] == "first_name"
    assert mapped["Family Name"] == "last_name"
    assert mapped["Name"] == "full_name"
    assert mapped["E-mail 1 - Value"] == "email"
    assert mapped["E-mail 2 - Value"] == "email_2"
    assert mapped["Phone 1 - Value"] == "phone"
    assert mapped["Phone 2 - Value"] == "phone_2"
    assert mapped["Organization 1 - Name"] == "company"
    assert mapped["Organization 1 - Title"] == "title"
    assert mapped["Address 1 - City"] == "city"
    assert mapped["Group Membership"] == "tags"
    assert "E-mail 1 - Type" not in mapped and "Phone 1 - Type" not in mapped


def test_outlook_contacts_job_title_wins_over_the_salutation() -> None:
    mapped = _mapped("contact", "outlook_contacts.csv")
    assert mapped["Job Title"] == "title"
    assert "Title" not in mapped  # "Mr." / "Ms." in an Outlook export
    assert mapped["E-mail Address"] == "email"
    assert mapped["E-mail 2 Address"] == "email_2"
    assert mapped["Business Phone"] == "phone"
    assert mapped["Mobile Phone"] == "mobile_phone"
    assert mapped["Business City"] == "city"
    assert mapped["Business Country/Region"] == "country"
    assert mapped["Categories"] == "tags"


def test_hand_made_spreadsheet() -> None:
    assert _mapped("contact", "spreadsheet.xlsx") == {
        "Name": "full_name",
        "Email Address": "email",
        "Company": "company",
        "Tel": "phone",
        "Country": "country",
        "Tags": "tags",
        "Last contacted": "last_contacted_at",
    }


def test_estonian_and_german_headers() -> None:
    assert _mapped("contact", "estonian_sheet.csv") == {
        "Eesnimi": "first_name",
        "Perekonnanimi": "last_name",
        "E-post": "email",
        "Telefon": "phone",
        "Firma": "company",
        "Riik": "country",
        "Sildid": "tags",
    }
    assert _mapped("contact", "german_sheet.csv") == {
        "Vorname": "first_name",
        "Nachname": "last_name",
        "E-Mail": "email",
        "Firma": "company",
        "Land": "country",
    }


def test_headers_match_whatever_their_case_spaces_and_punctuation() -> None:
    headers = [
        "E-MAIL ADDRESS",
        "first_name",
        "  Job-Title ",
        "Full name",
        "TEL.",
        "Contact: Email 2",
    ]
    assert suggest_mapping("contact", headers) == {
        "E-MAIL ADDRESS": "email",
        "first_name": "first_name",
        "  Job-Title ": "title",
        "Full name": "full_name",
        "TEL.": "phone",
        "Contact: Email 2": "email_2",  # an exporter's prefix is tried without it
    }


def test_each_field_takes_one_column_the_leftmost_of_equal_spellings() -> None:
    assert suggest_mapping("contact", ["Email", "E-mail", "Notes"]) == {
        "Email": "email",
        "E-mail": "",
        "Notes": "",
    }


def test_custom_fields_are_suggested_by_label_or_key(session) -> None:
    custom_fields.define(
        session, entity="contact", label="Budget (€)", field_type="number", actor_id=None
    )
    custom_fields.define(
        session, entity="contact", label="Old thing", field_type="text", actor_id=None
    )
    custom_fields.archive(session, custom_fields.list_fields(session, "contact")[1].id, None)
    customs = custom_fields.list_fields(session, "contact", include_archived=True)
    mapped = suggest_mapping("contact", ["BUDGET", "Old thing"], customs)
    assert mapped == {"BUDGET": "custom:budget", "Old thing": ""}


def test_the_callers_mapping_overrides_suggestions(session) -> None:
    headers = ["Email", "Work Email", "Name", "Notes"]
    plan = resolve_mapping("contact", headers, [], {"work email": "email", "Name": ""})
    assert plan.mapping == {"Email": "", "Work Email": "email", "Name": "", "Notes": ""}
    assert plan.unmapped() == ["Email", "Name", "Notes"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"Nope": "email"}, "The file has no column “Nope”."),
        ({"Email": "shoe_size"}, "“shoe_size” is not a field you can import into."),
        ({"Email": "custom:missing"}, "“custom:missing” is not a field you can import into."),
        ({"Email": "email", "Name": "email"}, "“email” is chosen for both “Email” and “Name”."),
    ],
)
def test_a_wrong_mapping_is_refused(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(MappingError) as caught:
        resolve_mapping("contact", ["Email", "Name"], [], overrides)
    assert str(caught.value) == message


def test_create_fields_maps_a_column_to_a_new_or_existing_custom_field(session) -> None:
    custom_fields.define(
        session, entity="contact", label="Segment", field_type="text", actor_id=None
    )
    customs = custom_fields.list_fields(session, "contact", include_archived=True)
    plan = resolve_mapping(
        "contact", ["Email", "Shoe size", "segment"], customs, None, ["Shoe size", "segment"]
    )
    assert plan.mapping == {
        "Email": "email",
        "Shoe size": "custom:shoe_size",
        "segment": "custom:segment",
    }
    assert plan.new_fields == {"shoe_size": "Shoe size"}


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Ann Lee", "Ann", "Lee"),
        ("  Ann   Marie  Lee ", "Ann Marie", "Lee"),
        ("Lee, Ann", "Ann", "Lee"),
        ("Madonna", "Madonna", ""),
    ],
)
def test_full_names_split_into_first_and_last(full: str, first: str, last: str) -> None:
    assert split_name(full) == (first, last)


def test_a_full_name_column_fills_first_and_last_only_when_they_are_not_given(session) -> None:
    table = csv_table(
        "Full name,First Name,Last Name,Email\n"
        "Ann Marie Lee,,,ann@x.example\n"
        "Robert Smith,Bob,Smith,bob@x.example\n"
    )
    imported(session, "contacts", table)
    assert contact_named(session, "Ann Marie", "Lee") is not None
    assert contact_named(session, "Bob", "Smith") is not None
    assert contact_named(session, "Robert", "Smith") is None


def test_analyse_gives_the_mapping_choices_and_a_preview(session) -> None:
    result = analyse(session, "contacts", sample("hubspot_contacts.csv"), preview_rows=2)
    assert result.rows == 3
    assert result.mapping["Email"] == "email"
    assert result.unmapped == ["Create Date"]
    assert ("email", "E-mail") in result.choices
    assert [r["First Name"] for r in result.preview] == ["Anna", "Jonas"]
    assert result.ambiguous == []
    assert [(d.column, d.order) for d in result.dates] == [("Last Contacted", "iso")]


@pytest.mark.parametrize(
    ("file_name", "wanted"),
    [
        (  # Apollo people export: never used while writing the suggestions
            "apollo_people.csv",
            {
                "First Name": "first_name",
                "Last Name": "last_name",
                "Title": "title",
                "Company": "company",
                "Email": "email",
                "Work Direct Phone": "phone",
                "Mobile Phone": "mobile_phone",
                "Corporate Phone": "phone_2",
                "City": "city",
                "Country": "country",
            },
        ),
        (
            "mailchimp_audience.csv",
            {
                "Email Address": "email",
                "First Name": "first_name",
                "Last Name": "last_name",
                "Phone Number": "phone",
                "TAGS": "tags",
            },
        ),
        (
            "capsule_people.csv",
            {
                "First Name": "first_name",
                "Last Name": "last_name",
                "Job Title": "title",
                "Organisation": "company",
                "Email Address": "email",
                "Phone Number": "phone",
                "Mobile": "mobile_phone",
                "Address Street": "street",
                "Postcode": "postal_code",
                "Country": "country",
            },
        ),
    ],
)
def test_unseen_exports_import_without_hand_mapping(session, file_name, wanted) -> None:
    """Exports of tools the suggestions were not written against: the common columns map
    themselves, and every row comes in with nothing rejected."""
    mapped = _mapped("contact", file_name)
    assert {h: mapped.get(h) for h in wanted} == wanted
    table = sample(file_name)
    result = imported(session, "contacts", table)
    assert result.rejected == []
    assert result.created == len(table.rows)
