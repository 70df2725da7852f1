"""The new-ticket form (an agent logs a request that came by phone, chat or e-mail)."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import i18n, users
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.permissions import Perm
from crm_app.services.tickets import editing
from crm_app.services.tickets.editing import TicketInput

from .base import AppState
from .guard import caller, guarded
from .tickets import CHANNEL_LABELS, PRIORITY_LABELS

NONE = "__none__"
FIELDS = ("subject", "description", "email", "name", "category")
CHOICES = ("priority", "channel", "assignee")


class TicketNewState(AppState):
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    form_key: int = 0
    assignees: list[list[str]] = []
    priorities: list[list[str]] = []
    channels: list[list[str]] = []

    @guarded(Perm.TICKETS_WRITE)
    def load(self):
        me = caller()
        loc = me.locale
        with session_scope() as session:
            team = [[str(u.id), u.name] for u in users.list_users(session) if u.active]
        self.assignees = team
        self.priorities = [[k, i18n.gettext(v, loc)] for k, v in PRIORITY_LABELS.items()]
        self.channels = [[k, i18n.gettext(v, loc)] for k, v in CHANNEL_LABELS.items()]
        self.errors = {}
        self.values = {"priority": "normal", "channel": "phone", "assignee": str(me.id)}
        self.form_key += 1

    @guarded(Perm.TICKETS_WRITE)
    def save(self, form: dict):
        values = {k: str(form.get(k, "") or "")[:10000] for k in (*FIELDS, *CHOICES)}
        priority = values["priority"] if values["priority"] in PRIORITY_LABELS else "normal"
        channel = values["channel"] if values["channel"] in CHANNEL_LABELS else "phone"
        assignee = values["assignee"]
        self.values = values  # what was typed stays if the form comes back with errors
        me = caller()
        data = TicketInput(
            subject=values["subject"],
            description=values["description"],
            priority=priority,
            channel=channel,
            category=values["category"],
            assignee_id=int(assignee) if assignee.isdigit() else None,
            email=values["email"],
            name=values["name"],
            contact_source=channel,
        )
        try:
            with session_scope() as session:
                ticket = editing.create_ticket(session, data, actor_id=me.id)
                ticket_id = ticket.id
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        except NotFound as exc:
            self.errors = {"subject": self._t(str(exc))}
            return None
        self.errors = {}
        return rx.redirect(f"/tickets/{ticket_id}")
