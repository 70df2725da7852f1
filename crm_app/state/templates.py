"""The Templates tab of /marketing: the list and the editor with a live preview on a contact."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import campaigns, formatting, i18n
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.mail import MERGE_FIELDS
from crm_app.services.permissions import Perm

from .base import AppState
from .guard import caller, guarded

FIELDS = ("name", "subject", "body", "text_body", "language")
LANGUAGES = [[code, lang.name] for code, lang in i18n.LANGUAGES.items()]
NO_CONTACT = "__none__"
MAX_TEXT = 60_000
MAX_QUERY = 100


class TemplatesState(AppState):
    rows: list[dict[str, str]] = []
    open: bool = False
    editing_id: int = 0
    form_key: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    # The preview's contact: a search box (any contact with an address) and its hits.
    contact_query: str = ""
    contact_hits: list[list[str]] = []  # [id, name, e-mail]
    preview_contact: str = NO_CONTACT
    preview_subject: str = ""
    preview_body: str = ""
    preview_text: str = ""
    preview_dir: str = "ltr"
    merge_fields: list[str] = [f"{{{{{k}}}}}" for k in MERGE_FIELDS]
    languages: list[list[str]] = LANGUAGES

    def _load_rows(self) -> None:
        me = caller()
        with session_scope() as session:
            found = campaigns.list_templates(session)
        self.rows = [
            {
                "id": str(t.id),
                "name": t.name,
                "subject": t.subject,
                "language": t.language,
                "updated": formatting.day(t.updated_at, me.time_zone, me.locale),
            }
            for t in found
        ]

    @guarded(Perm.MARKETING)
    def load(self):
        self._load_rows()

    def _refresh_preview(self) -> None:
        v = self.values
        cid = int(self.preview_contact) if self.preview_contact.isdigit() else None
        with session_scope() as session:
            shown = campaigns.preview(
                session,
                subject=v.get("subject", ""),
                body=v.get("body", ""),
                text_body=v.get("text_body", ""),
                language=v.get("language", "en"),
                contact_id=cid,
                unsubscribe_label=self._t(campaigns.templates.UNSUBSCRIBE_LABEL),
            )
        self.preview_subject = shown.subject
        self.preview_body = shown.body
        self.preview_text = shown.text
        self.preview_dir = "rtl" if shown.rtl else "ltr"

    def _open_with(self, values: dict[str, str], template_id: int) -> None:
        if self.preview_contact == NO_CONTACT:  # someone to show, until another is chosen
            with session_scope() as session:
                first = campaigns.templates.preview_contacts(session, limit=1)
            if first:
                self.preview_contact, self.contact_query = str(first[0].id), first[0].name
        self.contact_hits = []
        self.values = values
        self.editing_id = template_id
        self.errors = {}
        self._refresh_preview()
        self.form_key += 1
        self.open = True

    @guarded(Perm.MARKETING)
    def new_template(self):
        self._open_with({"language": self.locale or "en"}, 0)

    @guarded(Perm.MARKETING)
    def edit_template(self, template_id: str):
        try:
            with session_scope() as session:
                t = campaigns.get_template(session, int(template_id))
                values = {
                    "name": t.name,
                    "subject": t.subject,
                    "body": t.body,
                    "text_body": t.text_body or "",
                    "language": t.language,
                }
        except (NotFound, ValueError):
            return rx.toast.error(self._t(N_("This template no longer exists.")))
        self._open_with(values, int(template_id))
        return None

    @guarded(Perm.MARKETING)
    def set_open(self, value: bool):
        self.open = bool(value)

    @guarded(Perm.MARKETING)
    def set_value(self, name: str, value: str):
        """A field changed: keep it and refresh the preview."""
        if name in FIELDS:
            self.values = {**self.values, name: str(value or "")[:MAX_TEXT]}
            self._refresh_preview()

    @guarded(Perm.MARKETING)
    def find_contact(self, text: str):
        """The preview's contact box changed: offer the contacts it finds (a few, best first);
        an empty box previews on no contact."""
        self.contact_query = str(text or "")[:MAX_QUERY]
        if not self.contact_query.strip():
            self.contact_hits = []
            if self.preview_contact != NO_CONTACT:
                self.preview_contact = NO_CONTACT
                self._refresh_preview()
            return
        with session_scope() as session:
            found = campaigns.templates.preview_contacts(session, self.contact_query)
        self.contact_hits = [[str(c.id), c.name, c.email] for c in found]

    @guarded(Perm.MARKETING)
    def choose_contact(self, contact_id: str):
        """Preview on one of the offered contacts (nothing else can be chosen)."""
        hit = next((h for h in self.contact_hits if h[0] == str(contact_id)), None)
        if hit is None:
            return
        self.preview_contact, self.contact_query, self.contact_hits = hit[0], hit[1], []
        self._refresh_preview()

    @guarded(Perm.MARKETING)
    def submit(self, form: dict):
        values = {k: str(form.get(k, self.values.get(k, "")) or "")[:MAX_TEXT] for k in FIELDS}
        self.values = values
        me = caller()
        try:
            with session_scope() as session:
                if self.editing_id:
                    campaigns.update_template(session, self.editing_id, actor_id=me.id, **values)
                else:
                    campaigns.create_template(session, actor_id=me.id, **values)
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        except NotFound as exc:
            self.errors = {"name": self._t(str(exc))}
            return None
        self.errors = {}
        self.open = False
        self._load_rows()
        return rx.toast.success(self._t(N_("Template saved.")))

    @guarded(Perm.MARKETING)
    def delete_template(self, template_id: str):
        me = caller()
        try:
            with session_scope() as session:
                campaigns.delete_template(session, int(template_id), actor_id=me.id)
        except ValidationError as exc:
            return rx.toast.error(self._t(next(iter(exc.errors.values()))))
        except (NotFound, ValueError):
            pass
        self._load_rows()
        return rx.toast.success(self._t(N_("Template deleted.")))
