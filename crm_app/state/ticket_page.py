"""One ticket: its properties, SLA, the conversation (public replies and internal notes), the
customer's context, and merging a duplicate into another ticket."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import formatting, i18n, users
from crm_app.services.customer360 import aware
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can
from crm_app.services.tickets import detail, editing
from crm_app.services.tickets.calendar import load_calendar
from crm_app.services.tickets.reference import ticket_reference as reference

from . import list_views
from .base import AppState
from .guard import caller, guarded
from .record_tasks import TicketTasksState
from .tickets import (
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    PRIORITY_TONES,
    STATUS_LABELS,
    STATUS_TONES,
)

NONE = "__none__"
TARGET_LABELS = {"first_response": N_("First response"), "resolution": N_("Resolution")}
SLA_TEXT = {
    "met": N_("met"),
    "paused": N_("paused while pending"),
    "breached": N_("breached"),
}
MAIL_LABELS = {
    "queued": N_("Sending…"),
    "sent": N_("Mailed to the customer"),
    "failed": N_("Mail failed"),
}
DUE = N_("Due {date}")
OPENED = N_("Opened {date}")
MERGED = N_("This ticket was merged into {reference}. Open it.")
NOT_MAILED = N_("Not e-mailed: no address or no mail server")


def _mail_label(comment) -> str:
    """What became of a public reply's mail (an internal note is never mailed)."""
    if not comment.is_public or not comment.author:  # a note, or the customer's own message
        return ""
    return MAIL_LABELS.get(comment.mail_status, NOT_MAILED if not comment.mail_status else "")


EDITABLE = ("status", "priority", "channel", "category", "assignee_id")


def sla_rows(ticket, now: datetime, locale: str, calendar) -> list[dict[str, str]]:
    """Each SLA target as the page shows it: label, due time, state text and tone."""
    from crm_app.services.tickets import sla

    state = sla.sla_state(ticket, now, calendar=calendar)
    out = []
    for target in (state.first_response, state.resolution):
        if target.due_at is None:
            continue
        if target.status == "running":
            text = formatting.ago(target.due_at, locale, now)
        else:
            text = i18n.gettext(SLA_TEXT.get(target.status, target.status), locale)
        tone = {"breached": "red", "warning": "amber"}.get(target.level, "green")
        if target.status == "paused":
            tone = "gray"
        out.append(
            {
                "target": target.target,
                "label": i18n.gettext(TARGET_LABELS[target.target], locale),
                "due": i18n.gettext(DUE, locale).format(
                    date=formatting.when(target.due_at, caller().time_zone, locale)
                ),
                "text": text,
                "tone": tone,
            }
        )
    return out


class TicketPageState(AppState):
    ticket_id: int = 0
    found: bool = True
    reference: str = ""
    subject: str = ""
    description: str = ""
    props: dict[str, str] = {}
    labels: dict[str, str] = {}
    created: str = ""
    sla: list[dict[str, str]] = []
    comments: list[dict[str, str]] = []
    customer: dict[str, str] = {}
    open_deals: list[dict[str, str]] = []
    recent_tickets: list[dict[str, str]] = []
    csat: dict[str, str] = {}
    merged_into: str = ""
    merged_note: str = ""
    opened_label: str = ""
    merged_into_id: int = 0
    assignees: list[list[str]] = []
    options: dict[str, list[list[str]]] = {}
    can_edit: bool = False
    reply_body: str = ""
    reply_public: bool = True
    reply_error: str = ""
    merge_target: str = ""
    merge_error: str = ""
    merge_open: bool = False
    prop_error: str = ""

    def _route_id(self) -> int:
        raw = str(self.router.page.params.get("record_id", "") or "")
        return int(raw) if raw.isdigit() else 0

    @guarded()
    def load(self):
        self.ticket_id = self._route_id()
        self.reply_body, self.reply_error, self.merge_error, self.prop_error = "", "", "", ""
        self.merge_open = False
        self._reload()
        if self.found:
            return TicketTasksState.open_for(str(self.ticket_id))
        return None

    def _reload(self) -> None:
        me = caller()
        loc = me.locale
        now = datetime.now(UTC)
        try:
            with session_scope() as session:
                d = detail.ticket_detail(session, self.ticket_id)
                team = [(u.id, u.name) for u in users.list_users(session) if u.active]
                t = d.ticket
                self.found = True
                self.reference = reference(t.id)
                self.subject = t.subject
                self.description = t.description or ""
                self.props = {
                    "status": t.status,
                    "priority": t.priority,
                    "channel": t.channel,
                    "category": t.category or "",
                    "assignee_id": str(t.assignee_id) if t.assignee_id else NONE,
                }
                self.labels = {
                    "status": i18n.gettext(STATUS_LABELS.get(t.status, t.status), loc),
                    "status_tone": STATUS_TONES.get(t.status, "rp-pill rp-tone-gray"),
                    "priority": i18n.gettext(PRIORITY_LABELS.get(t.priority, t.priority), loc),
                    "priority_tone": PRIORITY_TONES.get(t.priority, "rp-pill rp-tone-gray"),
                    "channel": i18n.gettext(CHANNEL_LABELS.get(t.channel, t.channel), loc),
                    "assignee": d.assignee,
                }
                self.created = formatting.when(aware(t.created_at), me.time_zone, loc)
                self.sla = sla_rows(t, now, loc, load_calendar(session))
                self.csat = (
                    {
                        "score": str(t.csat_score),
                        "comment": t.csat_comment or "",
                        "at": formatting.when(aware(t.csat_at), me.time_zone, loc)
                        if t.csat_at
                        else "",
                    }
                    if t.csat_score
                    else {}
                )
                self.merged_into = reference(d.merged_into_id) if d.merged_into_id else ""
                self.merged_note = (
                    self._t(MERGED).format(reference=self.merged_into) if self.merged_into else ""
                )
                self.opened_label = self._t(OPENED).format(date=self.created)
                self.merged_into_id = d.merged_into_id or 0
        except NotFound:
            self.found = False
            return
        self.comments = [
            {
                "id": str(c.id),
                "author": c.author or i18n.gettext(N_("Customer"), loc),
                "body": c.body,
                "public": "1" if c.is_public else "",
                "when": formatting.when(c.created_at, me.time_zone, loc),
                "mail": i18n.gettext(_mail_label(c), loc),
                "mail_tone": "red" if c.mail_status == "failed" else "gray",
            }
            for c in d.comments
        ]
        cu = d.customer
        self.customer = {
            "contact_id": str(cu.contact_id or ""),
            "name": cu.name,
            "email": cu.email,
            "phone": cu.phone,
            "company_id": str(cu.company_id or ""),
            "company": cu.company,
        }
        self.open_deals = [
            {
                "id": str(x["id"]),
                "title": x["title"],
                "stage": x["stage"],
                "value": formatting.money(x["value"], x["currency"], loc),
            }
            for x in cu.open_deals
        ]
        self.recent_tickets = [
            {
                "id": str(x["id"]),
                "reference": reference(x["id"]),
                "subject": x["subject"],
                "status": i18n.gettext(STATUS_LABELS.get(x["status"], x["status"]), loc),
                "tone": STATUS_TONES.get(x["status"], ""),
            }
            for x in cu.recent_tickets
        ]
        self.assignees = [[str(i), n] for i, n in team]
        status = self.props.get("status", "")
        self.options = {
            "statuses": [
                [k, i18n.gettext(STATUS_LABELS[k], loc)]
                for k in STATUS_LABELS
                if k == status or k in editing.allowed_statuses(status, me.role)
            ],
            "priorities": [[k, i18n.gettext(v, loc)] for k, v in PRIORITY_LABELS.items()],
            "channels": [[k, i18n.gettext(v, loc)] for k, v in CHANNEL_LABELS.items()],
        }
        self.can_edit = can(me.role, Perm.TICKETS_WRITE)

    # -- properties ---------------------------------------------------------------------------
    @guarded(Perm.TICKETS_WRITE)
    def set_prop(self, name: str, value: str):
        """Change one property (status, priority, channel, category, assignee) at once."""
        name, value = str(name), str(value)[:60]
        if name not in EDITABLE:
            return None
        if name == "assignee_id":
            change: object = None if value == NONE else int(value) if value.isdigit() else -1
            if change == -1:
                return None
        else:
            change = value.strip() or None if name == "category" else value
        me = caller()
        try:
            with session_scope() as session:
                editing.update_ticket(session, self.ticket_id, {name: change}, actor_id=me.id)
        except (ValidationError, NotFound) as exc:
            self.prop_error = self._t(list_views.first_error(exc))
            self._reload()
            return None
        self.prop_error = ""
        self._reload()
        return rx.toast.success(self._t(N_("Saved.")))

    # -- replies and notes ----------------------------------------------------------------------
    @guarded()
    def set_reply_public(self, public: bool):
        self.reply_public = bool(public)

    @guarded()
    def set_reply_body(self, body: str):
        self.reply_body = str(body)[:20000]

    @guarded(Perm.TICKETS_WRITE)
    def send_reply(self, then_status: str = ""):
        """Post the composer's text as a public reply (mailed) or an internal note; optionally
        set the status in the same step ("Send and mark solved")."""
        from crm_app.services.tickets import replies

        body = self.reply_body.strip()
        if not body:
            self.reply_error = self._t(N_("Write a reply or a note first."))
            return None
        then_status = str(then_status)
        if then_status and then_status not in STATUS_LABELS:
            return None
        me = caller()
        try:
            with session_scope() as session:
                replies.add_comment(
                    session,
                    self.ticket_id,
                    body=body,
                    is_public=self.reply_public,
                    actor_id=me.id,
                )
                if then_status:
                    editing.update_ticket(
                        session, self.ticket_id, {"status": then_status}, actor_id=me.id
                    )
        except (ValidationError, NotFound) as exc:
            self.reply_error = self._t(list_views.first_error(exc))
            return None
        public = self.reply_public
        self.reply_body, self.reply_error = "", ""
        self._reload()
        done = N_("Reply sent to the customer.") if public else N_("Internal note added.")
        return rx.toast.success(self._t(done))

    # -- merge ------------------------------------------------------------------------------
    @guarded(Perm.TICKETS_WRITE)
    def open_merge(self):
        self.merge_open, self.merge_target, self.merge_error = True, "", ""

    @guarded()
    def close_merge(self):
        self.merge_open = False

    @guarded()
    def set_merge_target(self, value: str):
        self.merge_target = str(value)[:30]

    @guarded(Perm.TICKETS_WRITE)
    def merge(self):
        """Merge this ticket into the one whose reference was typed."""
        from crm_app.services.tickets import replies
        from crm_app.services.tickets.reference import parse_reference

        target = parse_reference(self.merge_target)
        if target is None:
            self.merge_error = self._t(N_("Type the number of the ticket to keep, e.g. #42."))
            return None
        me = caller()
        try:
            with session_scope() as session:
                replies.merge_tickets(
                    session, source_id=self.ticket_id, target_id=target, actor_id=me.id
                )
        except (ValidationError, NotFound) as exc:
            self.merge_error = self._t(list_views.first_error(exc))
            return None
        self.merge_open = False
        return [
            rx.toast.success(self._t(N_("Tickets merged."))),
            rx.redirect(f"/tickets/{target}"),
        ]
