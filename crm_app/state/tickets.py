"""The ticket queue: the shared list mechanics over tickets.queue, with views and bulk edits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import formatting, i18n
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import Perm
from crm_app.services.tickets import queue
from crm_app.services.tickets.queue import TicketFilters, TicketRow
from crm_app.services.tickets.reference import ticket_reference

from . import list_views
from .base import AppState
from .guard import caller, guarded
from .record_list import NOTHING_SELECTED, Column, RecordListMixin

STATUS_LABELS = {
    "new": N_("New"),
    "open": N_("Open"),
    "pending": N_("Pending"),
    "on_hold": N_("On hold"),
    "solved": N_("Solved"),
    "closed": N_("Closed"),
}
PRIORITY_LABELS = {
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}
CHANNEL_LABELS = {
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "web": N_("Web form"),
    "chat": N_("Chat"),
    "social": N_("Social media"),
}
VIEW_LABELS = {
    "mine": N_("My open tickets"),
    "unassigned": N_("Unassigned"),
    "sla": N_("Near or past SLA"),
    "all": N_("All tickets"),
}
BUILTIN_COLUMNS = [
    Column("name", N_("Ticket")),
    Column("customer", N_("Customer")),
    Column("status", N_("Status"), toned=True),
    Column("priority", N_("Priority"), toned=True),
    Column("due", N_("Next due"), toned=True),
    Column("assignee", N_("Assignee")),
    Column("channel", N_("Channel"), sortable=False),
    Column("category", N_("Category"), sortable=False),
    Column("company", N_("Company"), sortable=False),
    Column("created", N_("Created")),
    Column("updated", N_("Updated")),
]
DEFAULT_VISIBLE = ["name", "customer", "status", "priority", "due", "assignee", "created"]
FILTER_NAMES = frozenset(
    {"view", "search", "status", "priority", "channel", "category", "owner", "contact", "company"}
    | {"created_from", "created_to"}
)
# the sort column ids the table uses -> the queue's sorts
SORT_OF = {"name": "subject", "created": "created", "updated": "updated", "due": "due"}
SORT_OF |= {k: k for k in ("customer", "status", "priority", "assignee")}
BULK_STATUSES = ("open", "pending", "on_hold", "solved", "closed")


def ticket_filters(form: dict[str, str]) -> TicketFilters:
    owner = form.get("owner", "")

    def one(name: str) -> list[str]:
        return [form[name]] if form.get(name) else []

    def an_id(name: str) -> int | None:
        value = form.get(name, "")
        return int(value) if value.isdigit() else None

    return TicketFilters(
        view=form.get("view") or "all",
        search=form.get("search", ""),
        statuses=one("status"),
        priorities=one("priority"),
        channels=one("channel"),
        categories=one("category"),
        assignee_ids=[int(owner)] if owner.isdigit() else [],
        unassigned=owner == "none",
        contact_id=an_id("contact"),
        company_id=an_id("company"),
        created_from=list_views.day_value(form.get("created_from")),
        created_to=list_views.day_value(form.get("created_to")),
    )


def due_cell(row: TicketRow, now: datetime, locale: str) -> tuple[str, str]:
    """The next due time as "in 3 hours" / "2 hours late", and its tone."""
    if row.next_due_at is None:
        return ("", "")
    if row.next_due_at <= now:
        late = formatting.duration(now - row.next_due_at, locale)
        return (i18n.gettext(LATE, locale).format(time=late), "rp-pill rp-tone-red")
    text = formatting.ago(row.next_due_at, locale, now)
    soon = (row.next_due_at - now).total_seconds() < queue.SLA_SOON.total_seconds()
    return (text, "rp-pill rp-tone-amber" if soon else "")


LATE = N_("{time} late")
STATUS_TONES = {
    "new": "rp-pill rp-tone-blue",
    "open": "rp-pill rp-tone-accent",
    "pending": "rp-pill rp-tone-amber",
    "on_hold": "rp-pill rp-tone-gray",
    "solved": "rp-pill rp-tone-green",
    "closed": "rp-pill rp-tone-gray",
}
PRIORITY_TONES = {"urgent": "rp-pill rp-tone-red", "high": "rp-pill rp-tone-orange"}


def ticket_cells(row: TicketRow, me, now: datetime) -> dict[str, str]:
    loc = me.locale
    due, due_tone = due_cell(row, now, loc)
    return {
        "id": str(row.id),
        "name": row.subject,
        "initials": ticket_reference(row.id),
        "customer": row.customer,
        "company": row.company,
        "status": i18n.gettext(STATUS_LABELS.get(row.status, row.status), loc),
        "status_tone": STATUS_TONES.get(row.status, ""),
        "priority": i18n.gettext(PRIORITY_LABELS.get(row.priority, row.priority), loc),
        "priority_tone": PRIORITY_TONES.get(row.priority, ""),
        "due": due,
        "due_tone": due_tone,
        "assignee": row.assignee,
        "channel": i18n.gettext(CHANNEL_LABELS.get(row.channel, row.channel), loc),
        "category": row.category,
        "created": formatting.day(row.created_at, me.time_zone, loc),
        "updated": formatting.ago(row.updated_at, loc, now),
    }


class TicketsState(RecordListMixin, AppState):
    _filter_names: ClassVar[frozenset[str]] = FILTER_NAMES
    _sorts: ClassVar[tuple[str, ...]] = tuple(SORT_OF)
    _entity: ClassVar[str] = "tickets"
    _entity_label: ClassVar[str] = N_("Tickets")

    sort: str = "due"
    view_counts: dict[str, str] = {}
    bulk_assignee: str = ""

    def _filters(self) -> TicketFilters:
        return ticket_filters(self.filters)

    def _reload(self) -> None:
        me = caller()
        now = datetime.now(UTC)
        with session_scope() as session:
            result = queue.list_tickets(
                session,
                self._filters(),
                me_id=me.id,
                sort=SORT_OF.get(self.sort, "due"),
                descending=self.descending,
                page=self.page,
                page_size=50,
                tz=me.time_zone,
                now=now,
            )
            counts = queue.view_counts(session, me_id=me.id, now=now)
        self._choose_columns(BUILTIN_COLUMNS, DEFAULT_VISIBLE)
        self._show(result, [ticket_cells(r, me, now) for r in result.rows], me.locale)
        self._update(view_counts={k: formatting.number(v, me.locale) for k, v in counts.items()})

    def _load_options(self) -> None:
        with session_scope() as session:
            raw = queue.ticket_filter_options(session)
        loc = self.locale
        options = {
            "assignees": [[str(i), n] for i, n in raw["assignees"]],
            "categories": [[c, c] for c in raw["categories"]],
            "channels": [
                [c, i18n.gettext(CHANNEL_LABELS.get(c, c), loc)]
                for c in sorted({*raw["channels"], *CHANNEL_LABELS})
            ],
            "statuses": [[k, i18n.gettext(v, loc)] for k, v in STATUS_LABELS.items()],
            "bulk_statuses": [[k, i18n.gettext(STATUS_LABELS[k], loc)] for k in BULK_STATUSES],
            "priorities": [[k, i18n.gettext(v, loc)] for k, v in PRIORITY_LABELS.items()],
        }
        self._update(options=options)

    def _from_query(self) -> None:
        """``/tickets?view=sla&contact=12&status=open…``: a link from elsewhere (a customer's
        page, a chart) opens the queue filtered; without a query the last filters stay."""
        query = self.router.url.query_parameters
        wanted = {k: str(query.get(k, ""))[:200] for k in FILTER_NAMES if query.get(k)}
        if wanted:
            self.filters, self.page, self.selected = wanted, 1, []
            self._prefetched_at = 0.0  # the prefetch loaded the old filters

    @rx.var
    def view(self) -> str:
        return self.filters.get("view", "") or "all"

    @guarded()
    def show_view(self, view: str):
        view = str(view)
        if view not in queue.VIEWS:
            return
        self.filters = {**self.filters, "view": view}
        self.page, self.selected = 1, []
        self._reload()

    @guarded(Perm.TICKETS_WRITE)
    def bulk_assign(self, assignee: str):
        """Assign the selected tickets to a user ("none": unassign)."""
        assignee = str(assignee)
        if assignee != "none" and not assignee.isdigit():
            return None
        return self._bulk({"assignee_id": None if assignee == "none" else int(assignee)})

    @guarded(Perm.TICKETS_WRITE)
    def bulk_status(self, status: str):
        status = str(status)
        if status not in BULK_STATUSES:
            return None
        return self._bulk({"status": status})

    def _bulk(self, changes: dict):
        from crm_app.services.tickets import editing

        ids = self._selected_ids()
        if not ids:
            return rx.toast.info(self._t(NOTHING_SELECTED))
        me = caller()
        try:
            with session_scope() as session:
                result = editing.bulk_update(session, ids, changes, actor_id=me.id)
        except (ValidationError, NotFound) as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        if result.errors:
            ticket_id, why = next(iter(result.errors.items()))
            problem = self._t(N_("Nothing was changed: {reference}: {reason}"))
            return rx.toast.error(
                problem.format(reference=ticket_reference(ticket_id), reason=self._t(why))
            )
        self.selected = []
        self._reload()
        n = len(result.updated)
        return rx.toast.success(
            i18n.ngettext(*NP_("{n} ticket updated.", "{n} tickets updated."), n, self.locale)
        )
