"""Inline edit on the record page: one field at a time, saved by the same rules as the form.

Text fields open an input (``start_edit``); Enter (``submit_*_field``) or leaving the input
(``save_*_field``) saves it, Escape puts the stored value back and leaves. Selects and
switches save when they change. A refused value stays in the input with the reason beside
it. The vars (``editing``, ``edit_errors``, ``fields``, ``choices``) live on the page state,
so opening another record resets them.
"""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, inline_edit
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from .guard import caller, guarded
from .record360 import Record360State
from .record360_fields import NONE, SELECTS

TEXT_FIELDS = {
    "contact": ("first_name", "last_name", "title", "email", "phone", "city", "tags"),
    "company": ("name", "domain", "industry", "employees", "phone", "city", "tags"),
}
ALL_FIELDS = {"contact": inline_edit.CONTACT_FIELDS, "company": inline_edit.COMPANY_FIELDS}
_PERM = {"contact": Perm.CONTACTS_WRITE, "company": Perm.COMPANIES_WRITE}
_MAX_SENT = 2_000  # longer than any field: the service refuses it with its own message


def field_ref(field: str) -> str:
    """The id of a field's value button (focus returns there after Enter)."""
    return f"inline-{field}"


class Record360EditState(Record360State):
    def _editable(self, kind: str) -> bool:
        return self.kind == kind and bool(self.record_key) and not self.missing

    @guarded()
    def start_edit(self, field: str):
        field = str(field)
        if not self._editable(self.kind) or field not in TEXT_FIELDS.get(self.kind, ()):
            return None
        if not can(caller().role, _PERM[self.kind]):
            return None
        self.editing, self.edit_errors = field, {}
        return None

    @guarded()
    def cancel_edit(self):
        self.editing, self.edit_errors = "", {}

    @guarded(Perm.CONTACTS_WRITE)
    def save_contact_field(self, field: str, value: str | bool):
        return self._save("contact", str(field), value)

    @guarded(Perm.CONTACTS_WRITE)
    def submit_contact_field(self, form: dict):
        return self._save("contact", self.editing, form.get("value", ""), enter=True)

    @guarded(Perm.COMPANIES_WRITE)
    def save_company_field(self, field: str, value: str | bool):
        return self._save("company", str(field), value)

    @guarded(Perm.COMPANIES_WRITE)
    def submit_company_field(self, form: dict):
        return self._save("company", self.editing, form.get("value", ""), enter=True)

    def _save(self, kind: str, field: str, value: object, *, enter: bool = False):
        if not self._editable(kind) or field not in ALL_FIELDS[kind]:
            return None
        is_text = field in TEXT_FIELDS[kind]
        if is_text and field != self.editing:
            return None  # the blur that follows Enter or Escape: already handled
        if isinstance(value, bool):
            sent: str | bool = value
        else:
            sent = str(value if value is not None else "")[:_MAX_SENT]
            if field in SELECTS and sent == NONE:
                sent = ""
        me = caller()
        setter = (
            inline_edit.set_contact_field if kind == "contact" else inline_edit.set_company_field
        )
        try:
            with session_scope() as session:
                region = app_settings.get(session, "default_phone_region")
                changed = setter(
                    session, self.record_key, field, sent, actor_id=me.id, default_region=region
                )
        except ValidationError as exc:
            message = self._t(exc.errors.get(field) or next(iter(exc.errors.values())))
            self.edit_errors = {field: message}
            return None if is_text else rx.toast.error(message)
        except NotFound:
            self.editing = ""
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        self.editing, self.edit_errors = "", {}
        events = []
        if changed:
            self._load_header()
            events.append(rx.toast.success(self._t(N_("Saved."))))
        if enter:
            events.append(rx.set_focus(field_ref(field)))
        return events or None
