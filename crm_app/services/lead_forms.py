"""Lead-capture forms: built by a manager, filled in by anyone at /f/<slug> or in an iframe
on another site.

Rules for a form:
- a name (1–120 characters) and a slug (its address: lower-case letters, digits and dashes,
  unique; made from the name when left blank);
- its fields are picked from ``FORM_FIELDS``, each at most once, in the order given, each
  with its label and whether it is required; the e-mail address is always asked and always
  required (it is how a submission finds its contact);
- new contacts get the form's ``source``, ``tags`` and ``owner`` (an active user or none).
Submitting is in ``lead_form_submit``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import LeadForm, LeadFormSubmission, User

from . import app_settings, tags, writes
from .errors import NotFound, ValidationError
from .i18n import N_

# contact field → (default label msgid, input kind, max length)
FORM_FIELDS: dict[str, tuple[str, str, int]] = {
    "first_name": (N_("First name"), "text", 100),
    "last_name": (N_("Last name"), "text", 100),
    "email": (N_("E-mail"), "email", 254),
    "phone": (N_("Phone"), "tel", 32),
    "company": (N_("Company"), "text", 200),
    "title": (N_("Job title"), "text", 120),
    "city": (N_("City"), "text", 100),
    "country": (N_("Country (two letters)"), "text", 2),
    "message": (N_("Message"), "textarea", 5000),
    "consent_email": (N_("Send me news by e-mail"), "checkbox", 1),
}
DEFAULT_FIELDS = ("first_name", "last_name", "email", "company", "message")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
PUBLIC_PREFIX = "/f/"


@dataclass(frozen=True)
class FormRow:
    id: int
    name: str
    slug: str
    active: bool
    fields: list[str]
    submissions: int


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(text or "").lower()).strip("-")
    return slug[:60].strip("-")


def _clean_fields(raw: Any) -> list[dict[str, Any]]:
    rows = raw if isinstance(raw, list) else []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in rows:
        name = str(row.get("field") or "") if isinstance(row, dict) else ""
        if name not in FORM_FIELDS:
            raise ValidationError({"fields": N_("Choose a contact field for each form field.")})
        if name in seen:
            raise ValidationError({"fields": N_("Each contact field can be asked once.")})
        seen.add(name)
        label = " ".join(str(row.get("label") or "").split())[:120]
        required = bool(row.get("required")) or name == "email"
        out.append({"field": name, "label": label, "required": required})
    if "email" not in seen:
        out.insert(0, {"field": "email", "label": "", "required": True})
    return out


def validate_form(session: Session, values: dict[str, Any], form_id: int | None) -> dict[str, Any]:
    """The clean columns of a form; raises ValidationError with errors by field."""
    errors: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors["name"] = N_("Enter a name.")
    elif len(name) > 120:
        errors["name"] = N_("Use at most 120 characters.")
    slug = str(values.get("slug") or "").strip().lower() or slugify(name)
    if not _SLUG.match(slug):
        errors["slug"] = N_("Use lower-case letters, digits and dashes.")
    else:
        taken = session.execute(
            sa.select(LeadForm.id).where(LeadForm.slug == slug, LeadForm.id != (form_id or 0))
        ).first()
        if taken is not None:
            errors["slug"] = N_("Another form has this address.")
    owner_raw = str(values.get("owner_id") or "").strip()
    owner_id = int(owner_raw) if owner_raw.isdigit() else None
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or not owner.active:
            errors["owner_id"] = N_("Choose an active user.")
    raw_tags = values.get("tags") or []
    if isinstance(raw_tags, str):
        raw_tags = raw_tags.split(",")
    tag_names = tags.clean_tag_names([str(t) for t in raw_tags])
    if tag_problems := tags.tag_errors(tag_names):
        errors["tags"] = next(iter(tag_problems.values()))
    try:
        fields = _clean_fields(values.get("fields"))
    except ValidationError as exc:
        errors.update(exc.errors)
        fields = []
    source = " ".join(str(values.get("source") or "").split())[:50] or "web form"
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "slug": slug,
        "title": " ".join(str(values.get("title") or "").split())[:200],
        "intro": str(values.get("intro") or "").strip()[:1000],
        "fields": fields,
        "tags": tag_names,
        "source": source,
        "owner_id": owner_id,
        "thank_you": str(values.get("thank_you") or "").strip()[:1000],
    }


def create_form(session: Session, values: dict[str, Any], *, actor_id: int | None) -> LeadForm:
    clean = validate_form(session, values, None)
    return writes.create(session, LeadForm(**clean, created_by_id=actor_id), actor_id=actor_id)


def get_form(session: Session, form_id: int) -> LeadForm:
    form = session.get(LeadForm, form_id)
    if form is None:
        raise NotFound(N_("This form no longer exists."))
    return form


def update_form(
    session: Session, form_id: int, values: dict[str, Any], *, actor_id: int | None
) -> LeadForm:
    form = get_form(session, form_id)
    writes.update(session, form, validate_form(session, values, form_id), actor_id=actor_id)
    return form


def set_active(session: Session, form_id: int, active: bool, *, actor_id: int | None) -> None:
    """An inactive form's page says it is closed and takes no submissions."""
    writes.update(session, get_form(session, form_id), {"active": bool(active)}, actor_id=actor_id)


def form_by_slug(session: Session, slug: str) -> LeadForm | None:
    """The active form at this address, or None."""
    text = str(slug or "").strip().lower()[:60]
    if not _SLUG.match(text):
        return None
    return session.execute(
        sa.select(LeadForm).where(LeadForm.slug == text, LeadForm.active)
    ).scalar_one_or_none()


def list_forms(session: Session) -> list[FormRow]:
    counts = dict(
        session.execute(
            sa.select(LeadFormSubmission.form_id, sa.func.count()).group_by(
                LeadFormSubmission.form_id
            )
        ).all()
    )
    forms = session.execute(sa.select(LeadForm).order_by(LeadForm.id.desc())).scalars()
    return [
        FormRow(
            id=f.id or 0,
            name=f.name,
            slug=f.slug,
            active=f.active,
            fields=[str(x.get("field")) for x in f.fields or []],
            submissions=int(counts.get(f.id, 0)),
        )
        for f in forms
    ]


def public_url(session: Session, slug: str) -> str:
    return f"{app_settings.base_url(session)}{PUBLIC_PREFIX}{slug}"


def embed_snippet(session: Session, slug: str, *, height: int = 640) -> str:
    """The HTML to paste into another site: the form in an iframe."""
    url = escape(public_url(session, slug), quote=True)
    return (
        f'<iframe src="{url}" title="{escape(slug, quote=True)}" width="100%" '
        f'height="{int(height)}" style="border:0;max-width:560px" loading="lazy"></iframe>'
    )
