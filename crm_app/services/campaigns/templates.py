"""E-mail templates: named subject + body with merge fields, and an optional plain-text part.

Rules:
- a name (unique, ignoring case), a subject and a body are required; the body is plain text
  (the HTML part is built from it, see content.py); ``text_body`` blank means "the body";
- only known merge fields (``mail.merge.MERGE_FIELDS``) may be used: an unknown ``{{x}}`` is
  an error naming it, so no recipient ever sees a raw placeholder;
- the language is a short code; he/fa/ar… make the HTML part right-to-left;
- a template used by a campaign that is scheduled or sending cannot be deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Campaign,
    CampaignStatus,
    Contact,
    ContactEmail,
    EmailTemplate,
    utcnow,
)

from .. import search, writes
from ..errors import NotFound, ValidationError
from ..i18n import N_
from ..mail import merge
from ..mail.outbox import MAX_BODY
from . import content, tracking

MAX_NAME = 120
MAX_SUBJECT = 300
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
UNKNOWN_FIELD = N_("This uses a merge field that does not exist; use only the listed ones.")
UNSUBSCRIBE_LABEL = N_("Unsubscribe from these e-mails")


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    subject: str
    language: str
    updated_at: datetime


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": " ".join(str(values.get("name") or "").split()),
        "subject": " ".join(str(values.get("subject") or "").split()),
        "body": str(values.get("body") or "").replace("\r\n", "\n").strip("\n"),
        "text_body": str(values.get("text_body") or "").replace("\r\n", "\n").strip("\n") or None,
        "language": str(values.get("language") or "en").strip() or "en",
    }


def validate(
    session: Session, values: dict[str, Any], *, skip_id: int | None = None
) -> dict[str, str]:
    """Errors by field for cleaned ``values`` (empty when they may be saved)."""
    errors: dict[str, str] = {}
    name = values["name"]
    if not name:
        errors["name"] = N_("Enter a name for the template.")
    elif len(name) > MAX_NAME:
        errors["name"] = N_("Use at most 120 characters.")
    else:
        same = sa.select(EmailTemplate.id).where(sa.func.lower(EmailTemplate.name) == name.lower())
        if skip_id is not None:
            same = same.where(EmailTemplate.id != skip_id)
        if session.execute(same.limit(1)).first() is not None:
            errors["name"] = N_("A template with this name already exists.")
    if not values["subject"]:
        errors["subject"] = N_("Enter a subject.")
    elif len(values["subject"]) > MAX_SUBJECT:
        errors["subject"] = N_("Use at most 300 characters.")
    if not values["body"].strip():
        errors["body"] = N_("Write the message.")
    for key in ("body", "text_body"):
        if len(values[key] or "") > MAX_BODY:
            errors[key] = N_("The message is too long.")
    if not _LANGUAGE.fullmatch(values["language"]):
        errors["language"] = N_("Choose a language.")
    for key in ("subject", "body", "text_body"):
        unknown = merge.render(values[key] or "", merge.contact_values(session, None)).unknown
        if unknown and key not in errors:
            errors[key] = UNKNOWN_FIELD
    return errors


def create_template(session: Session, *, actor_id: int | None, **values: Any) -> EmailTemplate:
    """Store a new template (fields: name, subject, body, text_body, language)."""
    clean = _clean(values)
    errors = validate(session, clean)
    if errors:
        raise ValidationError(errors)
    return writes.create(session, EmailTemplate(**clean, created_by_id=actor_id), actor_id=actor_id)


def get_template(session: Session, template_id: int) -> EmailTemplate:
    found = session.get(EmailTemplate, template_id)
    if found is None:
        raise NotFound(N_("This template no longer exists."))
    return found


def update_template(
    session: Session, template_id: int, *, actor_id: int | None, **values: Any
) -> EmailTemplate:
    template = get_template(session, template_id)
    clean = _clean(values)
    errors = validate(session, clean, skip_id=template_id)
    if errors:
        raise ValidationError(errors)
    return writes.update(session, template, clean | {"updated_at": utcnow()}, actor_id=actor_id)


def delete_template(session: Session, template_id: int, *, actor_id: int | None) -> None:
    template = get_template(session, template_id)
    busy = session.execute(
        sa.select(Campaign.id).where(
            Campaign.template_id == template_id,
            Campaign.status.in_([CampaignStatus.SCHEDULED.value, CampaignStatus.SENDING.value]),
        )
    ).first()
    if busy is not None:
        raise ValidationError({"form": N_("A scheduled or sending campaign uses this template.")})
    writes.delete(session, template, actor_id=actor_id)


def list_templates(session: Session) -> list[TemplateRow]:
    rows = session.execute(
        sa.select(EmailTemplate).order_by(sa.func.lower(EmailTemplate.name), EmailTemplate.id)
    ).scalars()
    return [TemplateRow(t.id or 0, t.name, t.subject, t.language, t.updated_at) for t in rows]


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str  # the plain-text part
    html: str  # the HTML part (shown in a sandboxed frame, or as text)
    body: str  # the body with merge fields filled (what the HTML part is built from)
    rtl: bool
    unknown: list[str]


def preview(
    session: Session,
    *,
    subject: str,
    body: str,
    text_body: str | None,
    language: str,
    contact_id: int | None,
    unsubscribe_url: str | None = None,
    unsubscribe_label: str = UNSUBSCRIBE_LABEL,
) -> Preview:
    """The mail as ``contact_id`` would get it (links untracked, unsubscribe link a stand-in).

    The stand-in is the test-send link (``<base>/u/test``, a page that explains itself): a
    real-looking address also reads right after a right-to-left label, which ``#…`` did not.
    """
    if unsubscribe_url is None:
        unsubscribe_url = tracking.unsubscribe_url(tracking.base_url(session), "test")
    values = merge.contact_values(session, contact_id)
    s = merge.render(subject, values)
    b = merge.render(body, values)
    t = merge.render(text_body or body, values)
    unknown = [n for r in (s, b, t) for n in r.unknown]
    return Preview(
        subject=" ".join(s.text.split()),
        text=content.text_part(t.text, {}, unsubscribe_url, unsubscribe_label),
        html=content.html_part(
            b.text,
            language=language,
            tracked={},
            unsubscribe_url=unsubscribe_url,
            unsubscribe_label=unsubscribe_label,
            pixel_url=None,
        ),
        body=b.text,
        rtl=content.is_rtl(language),
        unknown=list(dict.fromkeys(unknown)),
    )


PREVIEW_HITS = 8


@dataclass(frozen=True)
class PreviewContact:
    id: int
    name: str
    email: str


def preview_contacts(
    session: Session, text: str | None = "", *, limit: int = PREVIEW_HITS
) -> list[PreviewContact]:
    """Contacts with an e-mail address to preview a template on, at most ``limit`` (≤ 20).

    With ``text``: the contacts it finds in the full-text index (name, e-mail, company, as
    the global search does), best match first; text that cannot be searched finds nobody.
    Without text: the first few by name, so the editor opens with someone to show.
    """
    limit = max(1, min(int(limit), 20))
    primary = (
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(sa.desc(ContactEmail.is_primary), ContactEmail.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )
    rows = sa.select(Contact.id, Contact.first_name, Contact.last_name, primary)
    if (text or "").strip():
        ids_q = search.contact_match_ids(session, text, ranked=True)
        if ids_q is None:
            return []
        found = ids_q.selected_columns[0]
        ids = list(
            session.execute(
                ids_q.where(sa.exists().where(ContactEmail.contact_id == found)).limit(limit)
            ).scalars()
        )
        by_id = {r[0]: r for r in session.execute(rows.where(Contact.id.in_(ids)))}
        picked = [by_id[i] for i in ids if i in by_id]
    else:
        picked = list(
            session.execute(
                rows.where(sa.exists().where(ContactEmail.contact_id == Contact.id))
                .order_by(Contact.last_name, Contact.first_name, Contact.id)
                .limit(limit)
            )
        )
    return [
        PreviewContact(cid, " ".join(p for p in (f, la) if p) or email or f"#{cid}", email or "")
        for cid, f, la, email in picked
    ]
