"""The customer-360 page of a contact or a company: profile, figures, health, timeline, lists.

Only what the page shows is held: the profile, the figures, one page of 30 timeline entries
at a time (older ones appended by "Show older", keyset-paged), and up to 10 rows per list.
"""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import activities, clock, customer360, i18n, related_records, timeline
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from . import record360_fields
from . import record360_rows as rows
from .base import AppState
from .guard import caller, guarded

PAGE = 30
LOG_KINDS = ("call", "meeting", "note")
FILTERS = timeline.KINDS


class Record360State(AppState):
    kind: str = "contact"  # "contact" or "company"
    record_key: int = 0
    loaded: bool = False
    missing: bool = False
    profile: dict[str, str] = {}
    tags: list[list[str]] = []
    emails: list[list[str]] = []
    phones: list[list[str]] = []
    figures: dict[str, str] = {}
    reasons: list[list[str]] = []
    entries: list[dict[str, str]] = []
    cursor: str = ""
    shown_kinds: list[str] = []  # the timeline filter; empty = everything
    timeline_loading: bool = False
    related: dict[str, list[dict[str, str]]] = {}
    counts: dict[str, int] = {}
    order_lines: dict[str, list[list[str]]] = {}
    open_orders: list[str] = []
    can_log: bool = False
    can_edit: bool = False
    # inline edit (editors only): raw field values and the selects' options
    fields: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}
    editing: str = ""  # the text field whose input is open
    edit_errors: dict[str, str] = {}
    # the inline "log an activity" form
    log_kind: str = "call"
    log_key: int = 0
    log_at: str = ""  # datetime-local in the user's zone
    log_errors: dict[str, str] = {}
    task_error: str = ""
    task_key: int = 0

    # -- loading ---------------------------------------------------------------------------
    def _route_id(self) -> int:
        raw = str(getattr(self, "record_id", "") or "")
        if not raw:
            raw = str(self.router.page.params.get("record_id", "") or "")
        return int(raw) if raw.isdigit() else 0

    def _reset_log_form(self) -> None:
        me = caller()
        now = datetime.now(clock.zone(me.time_zone))
        self.log_at = now.strftime("%Y-%m-%dT%H:%M")
        self.log_errors = {}
        self.log_key += 1

    def _scope(self) -> dict[str, int]:
        return {f"{self.kind}_id": self.record_key}

    def _load_header(self) -> bool:
        me = caller()
        loc, tz = me.locale, me.time_zone
        try:
            with session_scope() as session:
                if self.kind == "contact":
                    profile = related_records.contact_profile(session, self.record_key)
                    summary = customer360.contact_summary(session, self.record_key)
                else:
                    profile = related_records.company_profile(session, self.record_key)
                    summary = customer360.company_summary(session, self.record_key)
        except NotFound:
            self.missing, self.loaded = True, True
            return False
        self.profile = rows.profile_view(profile, loc)
        self.tags = [[n, c] for n, c in profile.tags]
        self.emails = [[a, i18n.gettext(_LABELS.get(lab, lab), loc)] for a, lab in profile.emails]
        self.phones = [
            [p, i18n.gettext(_PHONE_LABELS.get(lab, lab), loc)] for p, lab in profile.phones
        ]
        self.figures = rows.figures_view(summary, tz, loc)
        self.reasons = rows.reasons_view(summary, loc)
        self.fields = (
            record360_fields.field_values(self.kind, self.record_key) if self.can_edit else {}
        )
        return True

    def _load_timeline(self, *, older: bool = False) -> None:
        me = caller()
        with session_scope() as session:
            page = timeline.page_of(
                session,
                **self._scope(),
                kinds=list(self.shown_kinds) or None,
                before=self.cursor if older else None,
                limit=PAGE,
            )
        shown = [rows.entry_view(e, me.time_zone, me.locale) for e in page.entries]
        self.entries = [*self.entries, *shown] if older else shown
        self.cursor = page.next_cursor or ""

    def _load_related(self) -> None:
        me = caller()
        with session_scope() as session:
            lists = related_records.related_lists(session, **self._scope())
        self.related = {
            k: rows.related_view(k, v, me.time_zone, me.locale) for k, v in lists.items()
        }
        self.counts = {k: v.total for k, v in lists.items()}
        self.order_lines = rows.order_lines(lists["orders"], me.locale)

    def _open(self, kind: str):
        me = caller()
        key = self._route_id()
        if key != self.record_key or kind != self.kind:
            self.profile, self.entries, self.related, self.counts = {}, [], {}, {}
            self.figures, self.reasons, self.tags, self.emails, self.phones = {}, [], [], [], []
            self.shown_kinds, self.open_orders, self.fields, self.choices = [], [], {}, {}
        self.kind, self.record_key, self.missing, self.loaded = kind, key, False, False
        self.editing, self.edit_errors = "", {}
        self.can_log = can(me.role, Perm.ACTIVITIES_WRITE)
        self.can_edit = can(
            me.role, Perm.CONTACTS_WRITE if kind == "contact" else Perm.COMPANIES_WRITE
        )
        self.log_kind = "call"
        self._reset_log_form()
        if not key or not self._load_header():
            self.missing, self.loaded = True, True
            return
        self.choices = (
            record360_fields.choices(
                self.kind, self.fields, self.profile.get("owner", ""), me.locale
            )
            if self.can_edit
            else {}
        )
        self.cursor = ""
        self._load_timeline()
        self.loaded = True
        yield  # the header and the timeline first; the side lists follow
        self._load_related()

    @guarded()
    def load_contact(self):
        yield from self._open("contact")

    @guarded()
    def load_company(self):
        yield from self._open("company")

    @guarded(Perm.TASKS_WRITE)
    def add_task(self, form: dict):
        """A task for me about this contact or company, from the page's Tasks card."""
        from crm_app.services import tasks
        from crm_app.services.tasks import TaskInput

        from .my_work import ADDED, BAD_DATE, parse_due

        if not self.record_key or self.missing:
            return None
        me = caller()
        try:
            due = parse_due(
                str(form.get("due_date", "")), str(form.get("due_time", "")), me.time_zone
            )
        except ValueError:
            self.task_error = self._t(BAD_DATE)
            return None
        data = TaskInput(
            title=str(form.get("title", "") or "")[:300],
            due_at=due,
            assignee_id=me.id,
            **self._scope(),
        )
        try:
            with session_scope() as session:
                tasks.create_task(session, data, actor_id=me.id)
        except ValidationError as exc:
            self.task_error = self._t(next(iter(exc.errors.values()), ""))
            return None
        self.task_error, self.task_key = "", self.task_key + 1
        self._load_related()
        return rx.toast.success(self._t(ADDED))

    @guarded()
    def after_mail(self):
        """An e-mail was queued: it is on the timeline at once (status: queued)."""
        if self.record_key and not self.missing:
            self.cursor = ""
            self._load_timeline()

    @guarded()
    def after_edit(self):
        """The edit dialog closed: show what was saved."""
        if self.record_key and not self.missing:
            self._load_header()
            self._load_related()

    # -- timeline --------------------------------------------------------------------------
    @guarded()
    def toggle_kind(self, kind: str):
        kind = str(kind)
        if kind == "all":
            self.shown_kinds = []
        elif kind in FILTERS:
            chosen = set(self.shown_kinds) ^ {kind}
            self.shown_kinds = [k for k in FILTERS if k in chosen]
        else:
            return
        if self.record_key and not self.missing:
            self._load_timeline()

    @guarded()
    def show_older(self):
        if not self.cursor or not self.record_key:
            return
        self._load_timeline(older=True)

    @guarded()
    def toggle_order(self, order_id: str):
        order_id = str(order_id)[:20]
        if order_id in self.open_orders:
            self.open_orders = [o for o in self.open_orders if o != order_id]
        else:
            self.open_orders = [*self.open_orders, order_id]

    # -- logging a call, meeting or note ---------------------------------------------------
    @guarded(Perm.ACTIVITIES_WRITE)
    def set_log_kind(self, kind: str):
        if kind in LOG_KINDS:
            self.log_kind = kind
            self.log_errors = {}

    @guarded(Perm.ACTIVITIES_WRITE)
    def submit_log(self, form: dict):
        me = caller()
        if not self.record_key or self.missing:
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        kind = self.log_kind
        errors: dict[str, str] = {}
        occurred = _parse_local(str(form.get("occurred_at", "") or ""), me.time_zone)
        minutes = _parse_minutes(str(form.get("duration_minutes", "") or ""), errors)
        outcome = str(form.get("outcome", "") or "").strip()
        try:
            if errors:
                raise ValidationError(errors)
            with session_scope() as session:
                activities.log_activity(
                    session,
                    **self._scope(),
                    kind=kind,
                    subject=str(form.get("subject", "") or "")[:500],
                    body=str(form.get("body", "") or "")[: activities.MAX_BODY + 1],
                    occurred_at=occurred,
                    duration_minutes=minutes if kind != "note" else None,
                    outcome=(outcome if outcome not in ("", "__none__") else None)
                    if kind == "call"
                    else None,
                    actor_id=me.id,
                )
        except ValidationError as exc:
            self.log_errors = {k: self._t(v) for k, v in exc.errors.items()}
            return rx.toast.error(self._t(N_("Check the highlighted fields.")))
        except NotFound:
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        self._reset_log_form()
        self.cursor = ""
        self._load_timeline()
        self._load_header()
        done = {
            "call": N_("Call logged."),
            "meeting": N_("Meeting logged."),
            "note": N_("Note added."),
        }
        return rx.toast.success(self._t(done[kind]))


_LABELS = {
    "work": N_("Work"),
    "home": N_("Personal"),
    "mobile": N_("Mobile"),
    "other": N_("Other"),
}
_PHONE_LABELS = {**_LABELS, "home": N_("Home")}


def _parse_local(text: str, tz: str) -> datetime | None:
    """A datetime-local value ("2026-03-03T14:05") in the user's zone → an aware instant."""
    try:
        local = datetime.fromisoformat(text.strip()[:19])
    except ValueError:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=clock.zone(tz))
    return local


def _parse_minutes(text: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        errors["duration_minutes"] = N_("Enter the duration in whole minutes.")
        return None
    return int(text)
