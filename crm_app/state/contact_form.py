"""The one contact form, for add and edit: errors beside each field, typed values kept."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, companies, contacts, custom_fields, i18n, users
from crm_app.services.contacts import ContactInput
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from . import list_views
from .base import AppState
from .company_search import CompanySearchMixin
from .guard import caller, guarded

MAX_ROWS = 10


class ContactFormState(CompanySearchMixin, AppState):
    open: bool = False
    contact_id: int = 0
    form_key: int = 0
    values: dict[str, str] = {}
    emails: list[list[str]] = [["", "work"]]
    phones: list[list[str]] = [["", "mobile"]]
    errors: dict[str, str] = {}
    owners: list[list[str]] = []
    countries: list[list[str]] = []
    stages: list[list[str]] = []
    custom_defs: list[dict[str, str]] = []
    channels: list[list[str]] = []
    languages: list[list[str]] = []

    def _prepare(self) -> None:
        me = caller()
        with session_scope() as session:
            self.owners = [[str(u.id), u.name] for u in users.list_users(session) if u.active]
            self.custom_defs = [
                {
                    "key": f.key,
                    "label": f.label,
                    "type": f.field_type,
                    "options": "\n".join(f.options),
                }
                for f in custom_fields.list_fields(session, "contact")
            ]
        self.stages = [
            [s, i18n.gettext(label, me.locale)] for s, label in list_views.STAGE_LABELS.items()
        ]
        self.channels = [
            [c, i18n.gettext(label, me.locale)] for c, label in list_views.CHANNEL_LABELS.items()
        ]
        if not self.countries:
            self.countries = list_views.all_countries(me.locale)
            self.languages = list_views.all_languages(me.locale)
        self.errors, self.company_hits = {}, []
        self.form_key += 1
        self.open = True

    @guarded(Perm.CONTACTS_WRITE)
    def open_new(self):
        self.contact_id, self.company_id, self.company_name = 0, "", ""
        self.values = {"lifecycle_stage": "lead", "owner_id": str(caller().id), "channel": "email"}
        self.emails, self.phones = [["", "work"]], [["", "mobile"]]
        self._prepare()

    @guarded()
    def open_edit(self, contact_id: str):
        if not can(caller().role, Perm.CONTACTS_WRITE):
            return rx.toast.info(self._t(N_("You can look, but your role cannot edit contacts.")))
        try:
            with session_scope() as session:
                form = contacts.contact_form(session, int(contact_id))
                company = (
                    companies.company_form(session, form.company_id) if form.company_id else None
                )
        except (NotFound, ValueError):
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        self.contact_id = int(contact_id)
        self.values = list_views.contact_form_values(form)
        self.emails = [[a, lab] for a, lab in form.emails] or [["", "work"]]
        self.phones = [[p, lab] for p, lab in form.phones] or [["", "mobile"]]
        self.company_id = str(form.company_id or "")
        self.company_name = company.name if company else ""
        self._prepare()
        return None

    @guarded()
    def open_from_route(self):
        """/contacts/<id> (a search result, a link) opens that contact's form over the list."""
        record = str(getattr(self, "record_id", "") or "")
        if record.isdigit():
            return ContactFormState.open_edit(record)
        return None

    @guarded()
    def set_open(self, value: bool):
        self.open = bool(value)

    # -- e-mails and phones: rows the user adds and removes ---------------------------------------
    @guarded(Perm.CONTACTS_WRITE)
    def set_row(self, kind: str, index: int, field: int, value: str):
        rows = self.emails if kind == "email" else self.phones if kind == "phone" else None
        if rows is None or not 0 <= int(index) < len(rows) or int(field) not in (0, 1):
            return
        rows = [list(r) for r in rows]
        rows[int(index)][int(field)] = str(value)[:254]
        if kind == "email":
            self.emails = rows
        else:
            self.phones = rows

    @guarded(Perm.CONTACTS_WRITE)
    def add_row(self, kind: str):
        if kind == "email" and len(self.emails) < MAX_ROWS:
            self.emails = [*self.emails, ["", "work"]]
        elif kind == "phone" and len(self.phones) < MAX_ROWS:
            self.phones = [*self.phones, ["", "mobile"]]

    @guarded(Perm.CONTACTS_WRITE)
    def remove_row(self, kind: str, index: int):
        index = int(index)
        if kind == "email":
            self.emails = [r for i, r in enumerate(self.emails) if i != index] or [["", "work"]]
        elif kind == "phone":
            self.phones = [r for i, r in enumerate(self.phones) if i != index] or [["", "mobile"]]

    # -- submit ----------------------------------------------------------------------------------
    @guarded(Perm.CONTACTS_WRITE)
    def submit(self, form: dict):
        me = caller()
        data = list_views.contact_input(
            form, self.emails, self.phones, self.company_id, self.custom_defs
        )
        self.values = {str(k): str(v)[:500] for k, v in form.items()}
        try:
            with session_scope() as session:
                region = app_settings.get(session, "default_phone_region")
                if self.contact_id:
                    contact = contacts.update_contact(
                        session, self.contact_id, data, actor_id=me.id, default_region=region
                    )
                else:
                    contact = contacts.create_contact(
                        session, data, actor_id=me.id, default_region=region
                    )
                name = f"{contact.first_name} {contact.last_name}".strip()
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return rx.toast.error(self._t(N_("Check the highlighted fields.")))
        except NotFound:
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        was_new = not self.contact_id
        self.errors, self.open = {}, False
        message = N_("{name} was added.") if was_new else N_("{name} was saved.")
        from .contacts import ContactsState

        return [
            rx.toast.success(i18n.format_message(message, self.locale, name=name)),
            ContactsState.load,
        ]


__all__ = ["ContactFormState", "ContactInput"]
