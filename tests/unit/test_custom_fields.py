"""Custom fields: definitions, typing submitted values, archiving, and the JSON SQL per database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crm_app.models import AuditEntry, Contact
from crm_app.services import companies, custom_fields
from crm_app.services.dialect import json_fields
from crm_app.services.errors import NotFound, ValidationError


def define(session, label, field_type="text", entity="contact", options=None):
    return custom_fields.define(
        session, entity=entity, label=label, field_type=field_type, options=options, actor_id=None
    )


@pytest.fixture
def fields(session):
    return {
        "budget": define(session, "Budget (€)", "number"),
        "renewal": define(session, "Renewal date", "date"),
        "vip": define(session, "VIP", "checkbox"),
        "size": define(session, "Size", "select", options=[" Small ", "Large", "small", ""]),
        "note": define(session, "Note"),
    }


def test_define_slugs_the_label_orders_and_audits(session, fields):
    assert [f.key for f in fields.values()] == ["budget", "renewal_date", "vip", "size", "note"]
    assert [f.position for f in fields.values()] == [1, 2, 3, 4, 5]
    assert fields["size"].options == ["Small", "Large"]  # trimmed, no repeats, no blanks
    assert fields["budget"].options == []
    assert define(session, "Бюджет клиента", "number").key == "бюджет_клиента"
    assert define(session, "Budget", "number", entity="company").key == "budget"  # per entity
    audited = session.execute(
        sa.select(AuditEntry.entity_id).where(AuditEntry.entity == "custom_fields")
    ).scalars()
    assert fields["budget"].id in set(audited)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"label": "  "}, "label"),
        ({"label": "!!!"}, "label"),
        ({"label": "x" * 101}, "label"),
        ({"label": "budget"}, "label"),  # same key
        ({"label": "BUDGET (€)"}, "label"),  # same label, other case
        ({"label": "Colour", "field_type": "colour"}, "field_type"),
        ({"label": "Colour", "entity": "deal"}, "entity"),
        ({"label": "Colour", "field_type": "select"}, "options"),
        ({"label": "Colour", "field_type": "select", "options": ["x" * 101]}, "options"),
    ],
)
def test_define_rejects_bad_definitions_beside_the_field(session, fields, kwargs, field):
    kwargs = {"field_type": "text", "entity": "contact", "options": None, **kwargs}
    with pytest.raises(ValidationError) as err:
        custom_fields.define(session, actor_id=None, **kwargs)
    assert field in err.value.errors


def test_rename_keeps_the_key_archive_hides_and_restore_brings_back(session, fields):
    budget = custom_fields.update_definition(
        session, fields["budget"].id, label="Yearly budget", actor_id=None
    )
    assert (budget.key, budget.label) == ("budget", "Yearly budget")
    with pytest.raises(ValidationError) as err:
        custom_fields.update_definition(session, budget.id, label="vip", actor_id=None)
    assert "label" in err.value.errors
    size = custom_fields.update_definition(
        session, fields["size"].id, options=["S", "M", "L"], actor_id=None
    )
    assert size.options == ["S", "M", "L"]

    custom_fields.archive(session, budget.id, actor_id=None)
    assert "budget" not in [f.key for f in custom_fields.list_fields(session, "contact")]
    assert "budget" in custom_fields.definitions(session, "contact")
    with pytest.raises(ValidationError) as err:
        define(session, "Budget", "number")
    assert "archived" in err.value.errors["label"].lower()
    custom_fields.update_definition(session, budget.id, archived=False, actor_id=None)
    assert "budget" in [f.key for f in custom_fields.list_fields(session, "contact")]
    with pytest.raises(NotFound):
        custom_fields.archive(session, 9999, actor_id=None)


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("budget", "1 200,50", 1200.5),
        ("budget", "1,200", 1200),
        ("budget", "1.200.000", 1200000),
        ("budget", "-12", -12),
        ("budget", 7.5, 7.5),
        ("budget", "", None),
        ("renewal_date", "2026-02-03", "2026-02-03"),
        ("renewal_date", date(2026, 2, 3), "2026-02-03"),
        ("vip", "on", True),
        ("vip", "", False),
        ("vip", False, False),
        ("size", "large", "Large"),
        ("note", "  hello  ", "hello"),
        ("note", None, None),
    ],
)
def test_coerce_types_what_people_type(session, fields, key, raw, value):
    values, errors = custom_fields.coerce(session, "contact", {key: raw})
    assert (values, errors) == ({key: value}, {})
    assert type(values[key]) is type(value)


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("budget", "a lot"),
        ("budget", "1e9"),
        ("renewal_date", "2026-02-30"),
        ("renewal_date", "03.02.2026"),
        ("vip", "maybe"),
        ("size", "Medium"),
        ("note", "x" * 501),
    ],
)
def test_coerce_reports_each_bad_value_beside_its_field(session, fields, key, raw):
    values, errors = custom_fields.coerce(
        session, "contact", {key: raw, "note": "fine"} | {key: raw}
    )
    assert key not in values and list(errors) == [f"custom.{key}"]


def test_coerce_leaves_out_unknown_and_archived_fields(session, fields):
    custom_fields.archive(session, fields["vip"].id, actor_id=None)
    values, errors = custom_fields.coerce(
        session, "contact", {"custom.budget": "5", "vip": "on", "nope": "x"}
    )
    assert (values, errors) == ({"budget": 5}, {})
    assert custom_fields.coerce(session, "company", {"budget": "5"}) == ({}, {})


def test_the_record_forms_store_typed_values_through_coerce(session, fields):
    errors: dict[str, str] = {}
    stored = companies.coerce_custom(
        session, "contact", {"budget": "1 000", "note": "", "vip": "on"}, {"note": "old"}, errors
    )
    assert (stored, errors) == ({"budget": 1000, "vip": True}, {})
    companies.coerce_custom(session, "contact", {"budget": "lots"}, {}, errors)
    assert errors == {"custom.budget": custom_fields.ENTER_NUMBER}


def test_sort_value_of_an_unknown_key_is_none(session, fields):
    assert custom_fields.sort_value(session, "contact", Contact.custom_fields, "nope") is None
    assert custom_fields.slug("  Annual  budget (€) ") == "annual_budget"


def _sql(expression, dialect) -> str:
    return str(expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_json_sql_per_database():
    column = Contact.custom_fields
    lite, pg = json_fields.for_dialect("sqlite"), json_fields.for_dialect("postgresql")
    assert "json_extract(contacts.custom_fields, '$.\"budget\"')" in _sql(
        lite.text(column, "budget"), sqlite.dialect()
    )
    assert "json_type" in _sql(lite.number(column, "budget"), sqlite.dialect())
    assert "->> 'budget'" in _sql(pg.text(column, "budget"), postgresql.dialect())
    assert "json_typeof" in _sql(pg.number(column, "budget"), postgresql.dialect())
    assert "'true'" in _sql(pg.is_true(column, "vip"), postgresql.dialect())
    assert "'$.\"bad\"'" in _sql(lite.text(column, 'b"ad'), sqlite.dialect())  # no quote escapes


def test_json_sql_reads_values_in_sqlite(session):
    js = json_fields.for_session(session)
    doc = sa.literal('{"n": 5, "t": "x", "b": true, "f": false, "e": "", "z": null, "s": "5"}')
    row = session.execute(
        sa.select(
            js.number(doc, "n"),
            js.number(doc, "s"),
            js.text(doc, "t"),
            js.is_true(doc, "b"),
            js.is_true(doc, "f"),
            js.present(doc, "e"),
            js.present(doc, "z"),
            js.present(doc, "f"),
        )  # fmt: skip
    ).one()
    assert tuple(row) == (5, None, "x", True, False, False, False, True)
