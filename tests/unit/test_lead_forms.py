"""Lead-capture forms: building them, and a submission creating or updating a contact and
firing the "form submitted" automations; honeypot, validation and rate limits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import (
    Activity,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    LeadFormSubmission,
    Tag,
)
from crm_app.services import lead_form_submit, lead_forms
from crm_app.services.automation import triggers
from crm_app.services.errors import ValidationError

from .automation_fixtures import People, make_people, new_contact, rule, runs

FIELDS = [
    {"field": "first_name", "label": "Your first name", "required": True},
    {"field": "last_name", "label": "", "required": False},
    {"field": "email", "label": "Work e-mail", "required": True},
    {"field": "phone", "label": "", "required": False},
    {"field": "company", "label": "", "required": False},
    {"field": "message", "label": "", "required": False},
    {"field": "consent_email", "label": "", "required": False},
]
GOOD = {
    "first_name": "Mari",
    "last_name": "Maasikas",
    "email": " Mari@Example.com ",
    "phone": "+372 5123 4567",
    "company": "Põhjala Puit OÜ",
    "message": "Please call me about the espresso machines.",
    "consent_email": "on",
}


@pytest.fixture
def people(session) -> People:
    return make_people(session)


@pytest.fixture
def form(session, people):
    made = lead_forms.create_form(
        session,
        {
            "name": "Trade fair 2026",
            "fields": FIELDS,
            "tags": "Fair, Lead",
            "owner_id": str(people.sales[0].id),
            "source": "trade fair",
            "thank_you": "See you at the booth!",
        },
        actor_id=people.manager.id,
    )
    session.commit()
    return made


def _submit(session, form, values, honeypot="", client="10.0.0.1"):
    result = lead_form_submit.submit(
        session, form.slug, values, honeypot=honeypot, client_key=client
    )
    session.commit()
    return result


def _tags(session, contact_id):
    q = sa.select(Tag.name).join(ContactTag).where(ContactTag.contact_id == contact_id)
    return sorted(session.execute(q).scalars())


def test_a_form_gets_a_slug_its_fields_and_an_embed_snippet(session, form):
    assert form.slug == "trade-fair-2026"
    assert [f["field"] for f in form.fields][:3] == ["first_name", "last_name", "email"]
    assert form.tags == ["Fair", "Lead"]
    snippet = lead_forms.embed_snippet(session, form.slug)
    assert snippet.startswith('<iframe src="http') and "/f/trade-fair-2026" in snippet


def test_the_email_field_is_always_asked_and_required(session, people):
    made = lead_forms.create_form(
        session, {"name": "Short", "fields": [{"field": "first_name"}]}, actor_id=None
    )
    assert made.fields[0] == {"field": "email", "label": "", "required": True}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "X", "slug": "Not A Slug!"}, "slug"),
        ({"name": "X", "slug": "trade-fair-2026"}, "slug"),
        ({"name": "X", "fields": [{"field": "password_hash"}]}, "fields"),
        ({"name": "X", "fields": [{"field": "email"}, {"field": "email"}]}, "fields"),
        ({"name": "X", "owner_id": "999"}, "owner_id"),
    ],
)
def test_bad_forms_are_refused(session, form, values, field):
    with pytest.raises(ValidationError) as err:
        lead_forms.create_form(session, values, actor_id=None)
    assert field in err.value.errors


def test_a_submission_creates_a_lead_with_the_forms_source_tags_owner_and_note(
    session, people, form
):
    fired = rule(
        session,
        triggers.FORM_SUBMITTED,
        [{"kind": "create_task", "title": "Call the new lead", "due_days": "1"}],
        config={"form_id": str(form.id)},
    )
    created = rule(session, triggers.CONTACT_CREATED, [{"kind": "add_tag", "tag": "new"}])
    result = _submit(session, form, GOOD)
    assert result.ok and result.created and result.thank_you == "See you at the booth!"
    contact = session.get(Contact, result.contact_id)
    assert (contact.first_name, contact.last_name, contact.source) == (
        "Mari",
        "Maasikas",
        "trade fair",
    )
    assert contact.owner_id == people.sales[0].id and contact.consent_email
    assert contact.lifecycle_stage == "lead" and contact.company_id is not None
    assert session.execute(sa.select(ContactEmail.email)).scalars().all() == ["mari@example.com"]
    assert session.execute(sa.select(ContactPhone.phone)).scalars().all() == ["+37251234567"]
    assert _tags(session, contact.id) == ["Fair", "Lead", "new"]
    note = session.execute(sa.select(Activity)).scalar_one()
    assert note.kind == "note" and note.body == GOOD["message"]
    [run] = runs(session, fired)
    assert run.outcome == "ok" and run.record_id == contact.id
    assert len(runs(session, created)) == 1


def test_a_known_address_updates_the_contact_without_overwriting(session, people, form):
    fired = rule(session, triggers.FORM_SUBMITTED, [{"kind": "add_tag", "tag": "returning"}])
    created = rule(session, triggers.CONTACT_CREATED, [{"kind": "add_tag", "tag": "new"}])
    known = new_contact(session, "Marika", last="", emails=[("mari@example.com", "work")])
    result = _submit(session, form, GOOD)
    assert result.ok and not result.created and result.contact_id == known.id
    session.refresh(known)
    assert (known.first_name, known.last_name) == ("Marika", "Maasikas")  # blank filled only
    assert known.consent_email and known.source == "trade fair"
    assert _tags(session, known.id) == ["Fair", "Lead", "new", "returning"]
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 1
    # a second submission is a second event
    _submit(session, form, GOOD, client="10.0.0.2")
    assert len(runs(session, fired)) == 2 and len(runs(session, created)) == 1


def test_the_honeypot_thanks_and_stores_nothing(session, form):
    result = _submit(session, form, GOOD, honeypot="http://spam.example")
    assert result.ok and result.thank_you == "See you at the booth!" and result.contact_id is None
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 0
    assert session.execute(sa.select(sa.func.count()).select_from(LeadFormSubmission)).scalar() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": "  "}, "first_name", lead_form_submit.REQUIRED),
        ({"email": ""}, "email", lead_form_submit.REQUIRED),
        (
            {"email": "not-an-address"},
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        ),
        ({"company": "x" * 201}, "company", lead_form_submit.TOO_LONG),
        ({"phone": "12"}, "phone", None),
    ],
)
def test_invalid_submissions_store_nothing(session, form, changes, field, message):
    result = _submit(session, form, GOOD | changes)
    assert field in result.errors
    if message:
        assert result.errors[field] == message
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 0


def test_submissions_are_rate_limited_per_client_and_per_address(session, form):
    for i in range(lead_form_submit.PER_ADDRESS):
        assert _submit(session, form, GOOD, client=f"10.0.1.{i}").ok
    over = _submit(session, form, GOOD, client="10.0.1.99")
    assert over.errors == {"form": lead_form_submit.TOO_MANY}
    for i in range(lead_form_submit.PER_CLIENT - 1):
        _submit(session, form, GOOD | {"email": f"p{i}@example.com"}, client="10.0.2.1")
    assert _submit(session, form, GOOD | {"email": "x@example.com"}, client="10.0.2.1").ok
    last = _submit(session, form, GOOD | {"email": "y@example.com"}, client="10.0.2.1")
    assert last.errors == {"form": lead_form_submit.TOO_MANY}
    assert (
        session.execute(
            sa.select(sa.func.count()).select_from(Contact).where(Contact.first_name == "Mari")
        ).scalar()
        == 1 + lead_form_submit.PER_CLIENT - 1 + 1
    )


def test_an_inactive_or_unknown_form_takes_nothing(session, form):
    lead_forms.set_active(session, form.id, False, actor_id=None)
    session.commit()
    assert _submit(session, form, GOOD).errors == {"form": lead_form_submit.CLOSED}
    result = lead_form_submit.submit(session, "../etc", GOOD, honeypot="", client_key="c")
    assert result.errors == {"form": lead_form_submit.CLOSED}
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 0
