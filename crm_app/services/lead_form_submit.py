"""Submitting a lead form (a public entry point: no login).

Rules:
- only an active form takes submissions;
- at most ``PER_CLIENT`` submissions an hour from one client (``client_key``: IP address or
  session) over all forms, and ``PER_ADDRESS`` for one e-mail address; over that a "try
  later" message and nothing stored;
- a filled honeypot field gets the normal thank-you and nothing is stored;
- required fields must be filled, texts fit their limits, the address must be valid, a
  country is a two-letter code; errors come back per field;
- the contact with that address (any of its addresses) is updated: empty fields (the source
  too) are filled from the form, never overwritten; a new phone number is added; consent given is recorded;
  the form's tags are added. Otherwise a new contact is created as a lead with the form's
  source, owner and tags. A message becomes a note on the contact's timeline;
- the submission is stored, which fires the "form submitted" automations (and a new
  contact fires "contact created").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import ActivityKind, Company, LeadForm, LeadFormSubmission, utcnow

from . import activities, contacts, rate_limit, writes
from .emails import INVALID, check_email
from .errors import ValidationError
from .i18n import N_
from .lead_forms import FORM_FIELDS, form_by_slug
from .tickets.customers import find_contact_by_email, split_name

PER_CLIENT = 10
PER_ADDRESS = 5
WINDOW = timedelta(hours=1)
TOO_MANY = N_("Too many submissions. Please try again in an hour.")
CLOSED = N_("This form is not taking submissions.")
REQUIRED = N_("Fill in this field.")
TOO_LONG = N_("This text is too long.")
BAD_COUNTRY = N_("Enter a two-letter country code, like EE.")
DEFAULT_THANKS = N_("Thank you! We will be in touch soon.")
_NAME_FIELDS = ("first_name", "last_name", "title", "city")


@dataclass(frozen=True)
class SubmitResult:
    errors: dict[str, str] = field(default_factory=dict)  # field -> msgid; "form" for all
    thank_you: str = ""
    contact_id: int | None = None
    created: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _checked(value: Any) -> bool:
    return str(value or "").strip().lower() in {"on", "true", "1", "yes"}


def validate_values(form: LeadForm, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values of the form's fields, errors by field). Writes nothing."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in form.fields or []:
        name = str(spec.get("field"))
        _label, kind, limit = FORM_FIELDS[name]
        if kind == "checkbox":
            values[name] = _checked(raw.get(name))
            if spec.get("required") and not values[name]:
                errors[name] = REQUIRED
            continue
        text = str(raw.get(name) or "")
        text = text.strip() if kind == "textarea" else " ".join(text.split())
        values[name] = text
        if not text:
            if spec.get("required"):
                errors[name] = REQUIRED
        elif len(text) > limit and name != "country":
            errors[name] = TOO_LONG
    if values.get("email") and "email" not in errors:
        address, problem = check_email(values["email"])
        if problem:
            errors["email"] = INVALID
        values["email"] = address
    country = str(values.get("country") or "")
    if country and (len(country) != 2 or not country.isalpha()):
        errors["country"] = BAD_COUNTRY
    return values, errors


def _company_id(session: Session, name: str, actor_id: int | None) -> int | None:
    if not name:
        return None
    found = session.execute(
        sa.select(Company.id)
        .where(sa.func.lower(Company.name) == name.casefold())
        .order_by(Company.id)
        .limit(1)
    ).scalar()
    if found is not None:
        return int(found)
    return writes.create(session, Company(name=name[:200]), actor_id=actor_id).id


def _save_contact(session: Session, form: LeadForm, values: dict[str, Any]) -> tuple[int, bool]:
    """(contact id, created) by the module rules; raises ValidationError."""
    email, phone = values["email"], values.get("phone") or ""
    found = find_contact_by_email(session, email)
    if found is None:
        first, last = values.get("first_name") or "", values.get("last_name") or ""
        if not first and not last:
            first, last = split_name("", email)
        data = contacts.ContactInput(
            first_name=first,
            last_name=last,
            title=values.get("title") or "",
            city=values.get("city") or "",
            country=values.get("country") or "",
            company_id=_company_id(session, values.get("company") or "", None),
            owner_id=form.owner_id,
            source=form.source,
            emails=[(email, "work")],
            phones=[(phone, "work")] if phone else [],
            tags=list(form.tags or []),
            consent_email=bool(values.get("consent_email")),
        )
        contact = contacts.create_contact(session, data, actor_id=None)
        return contact.id or 0, True
    data = contacts.contact_form(session, found.id or 0)
    for name in _NAME_FIELDS:
        if not getattr(data, name) and values.get(name):
            setattr(data, name, values[name])
    if not data.source:
        data.source = form.source
    if not data.country and values.get("country"):
        data.country = values["country"]
    if data.company_id is None and values.get("company"):
        data.company_id = _company_id(session, values["company"], None)
    if phone and all(phone != p for p, _label in data.phones):
        data.phones = [*data.phones, (phone, "work")]
    data.tags = [*data.tags, *(form.tags or [])]
    data.consent_email = data.consent_email or bool(values.get("consent_email"))
    contacts.update_contact(session, found.id or 0, data, actor_id=None)
    return found.id or 0, False


def _field_errors(exc: ValidationError) -> dict[str, str]:
    """The contact service's errors under the public form's field names."""
    out: dict[str, str] = {}
    for key, message in exc.errors.items():
        name = key.split(".", 1)[0]
        name = {"phones": "phone", "emails": "email", "company_id": "company"}.get(name, name)
        out[name if name in FORM_FIELDS else "form"] = message
    return out


def submit(
    session: Session,
    slug: str,
    raw: dict[str, Any],
    *,
    honeypot: str,
    client_key: str,
    now: datetime | None = None,
) -> SubmitResult:
    """Take one submission of the form at ``slug`` by the module rules."""
    form = form_by_slug(session, slug)
    if form is None:
        return SubmitResult(errors={"form": CLOSED})
    thanks = form.thank_you or DEFAULT_THANKS
    if client_key and not rate_limit.allow(
        session, f"lead_form:client:{client_key}", limit=PER_CLIENT, window=WINDOW
    ):
        return SubmitResult(errors={"form": TOO_MANY})
    if str(honeypot or "").strip():
        return SubmitResult(thank_you=thanks)
    values, errors = validate_values(form, raw if isinstance(raw, dict) else {})
    if errors:
        return SubmitResult(errors=errors)
    if not rate_limit.allow(
        session, f"lead_form:address:{values['email']}", limit=PER_ADDRESS, window=WINDOW
    ):
        return SubmitResult(errors={"form": TOO_MANY})
    try:
        with session.begin_nested():
            contact_id, created = _save_contact(session, form, values)
    except ValidationError as exc:
        return SubmitResult(errors=_field_errors(exc))
    if values.get("message"):
        activities.log_activity(
            session,
            kind=ActivityKind.NOTE.value,
            subject=form.name[:200],
            body=values["message"],
            occurred_at=now or utcnow(),
            actor_id=None,
            contact_id=contact_id,
            touch_contact=False,
        )
    writes.create(
        session,
        LeadFormSubmission(
            form_id=form.id or 0,
            contact_id=contact_id,
            created_contact=created,
            values={k: v for k, v in values.items() if k != "message"},
            created_at=now or utcnow(),
        ),
        actor_id=None,
    )
    return SubmitResult(thank_you=thanks, contact_id=contact_id, created=created)
