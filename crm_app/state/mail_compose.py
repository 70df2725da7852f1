"""Write an e-mail to a contact from their page: queued, sent by the job runner, status shown."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import formatting, i18n, mail
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm

from . import list_views
from .base import AppState
from .guard import caller, guarded

QUEUED = N_("The e-mail is queued: it is sent in the background.")
STATUS_LABELS = {"queued": N_("Queued"), "sent": N_("Sent"), "failed": N_("Failed")}
HELLO = N_("Hello")


class MailComposeState(AppState):
    open: bool = False
    contact_id: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    unknown: str = ""
    mails: list[dict[str, str]] = []

    def _load_mails(self) -> None:
        me = caller()
        with session_scope() as session:
            rows = mail.mails_for_contact(session, self.contact_id, limit=20)
        self.mails = [
            {
                "id": str(m.id),
                "subject": m.subject,
                "to": ", ".join(m.to),
                "status": m.status,
                "status_label": i18n.gettext(STATUS_LABELS.get(m.status, m.status), me.locale),
                "error": i18n.gettext(m.error, me.locale) if m.error else "",
                "when": formatting.when(m.sent_at or m.created_at, me.time_zone, me.locale),
            }
            for m in rows
        ]

    @guarded()
    def load_mails(self, contact_id: str):
        if str(contact_id).isdigit():
            self.contact_id = int(contact_id)
            self._load_mails()

    @guarded(Perm.CONTACTS_WRITE)
    def start(self, contact_id: str, address: str):
        if not str(contact_id).isdigit():
            return
        self.contact_id = int(contact_id)
        self.values = {
            "to": str(address or ""),
            "cc": "",
            "subject": "",
            "body": f"{self._t(HELLO)} {{{{first_name}}}},\n\n",
        }
        self.errors, self.unknown, self.open = {}, "", True

    @guarded()
    def set_open(self, value: bool):
        self.open = bool(value)

    @guarded(Perm.CONTACTS_WRITE)
    def send(self, form: dict):
        me = caller()
        values = {k: str(form.get(k, ""))[:20000] for k in ("to", "cc", "subject", "body")}
        self.values = values
        try:
            with session_scope() as session:
                queued = mail.queue_mail(
                    session,
                    to=values["to"],  # the service splits "a@x.ee, b@y.ee"
                    cc=values["cc"],
                    subject=values["subject"],
                    body=values["body"],
                    contact_id=self.contact_id,
                    actor_id=me.id,
                )
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        except NotFound as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self.errors, self.open = {}, False
        self.unknown = ", ".join(queued.unknown_fields)
        self._load_mails()
        from .record360 import Record360State

        return [Record360State.after_mail, rx.toast.success(self._t(QUEUED))]
