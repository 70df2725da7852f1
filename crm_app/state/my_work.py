"""My work: the signed-in user's open tasks by when they are due, in their time zone; complete
one (optionally logging it as an activity) or add one inline."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import reflex as rx
from babel.dates import format_time, get_datetime_format

from crm_app.db import session_scope
from crm_app.services import clock, formatting, i18n, tasks, users
from crm_app.services.auth import CurrentUser
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can
from crm_app.services.tasks import PRIORITY_LABELS, TaskInput, TaskRow

from .base import AppState
from .guard import caller, guarded

GROUPS = ("overdue", "today", "upcoming", "undated")
LOG_KINDS = ("call", "meeting", "note")
ADDED = N_("Task added.")
DONE = N_("Task completed.")
DONE_LOGGED = N_("Task completed and logged on the timeline.")
GONE = N_("This task no longer exists.")
NOT_YOURS = N_("Your role cannot assign tasks to others.")
BAD_DATE = N_("Enter a date and time.")
DEFAULT_TIME = time(9, 0)


@dataclasses.dataclass
class WorkItem:
    id: int
    title: str
    due: str  # local, formatted for the reader
    due_exact: str
    priority: str
    priority_label: str
    related: str
    link: str
    late: bool


def _link(row: TaskRow) -> str:
    """The linked record's page (contact, company or deal: the pages that exist)."""
    if row.deal_id:
        return f"/deals/{row.deal_id}"
    if row.contact_id:
        return f"/contacts/{row.contact_id}"
    if row.company_id:
        return f"/companies/{row.company_id}"
    return ""


def due_text(moment: datetime, tz: str | None, locale: str, *, time_only: bool = False) -> str:
    """A due time as the reader writes it, without seconds: "14:30" (today's list) or
    "26 Nov 2026, 14:30"."""
    code = i18n.normalize(locale)
    at = format_time(moment.astimezone(clock.zone(tz)), "short", locale=code)
    if not time_only:
        pattern = get_datetime_format("medium", locale=code)
        at = pattern.replace("{1}", formatting.day(moment, tz or "UTC", locale)).replace("{0}", at)
    return i18n.localize_digits(at, locale)


def parse_due(day: str, at: str, tz: str | None):
    """The form's local date and time → an aware UTC instant (None when no date; a time
    without a date is an error; a date without a time means 09:00)."""
    day, at = (day or "").strip(), (at or "").strip()
    if not day:
        if at:
            raise ValueError(at)
        return None
    when = time.fromisoformat(at) if at else DEFAULT_TIME
    return tasks.due_from_local(date.fromisoformat(day), when, tz)


def work_item(row: TaskRow, me: CurrentUser, *, time_only: bool = False) -> WorkItem:
    """A task row as a task list shows it to ``me`` (due time in their zone and language)."""
    due, exact = "", ""
    if row.due_at is not None:
        exact = formatting.when(row.due_at, me.time_zone, me.locale)
        due = due_text(row.due_at, me.time_zone, me.locale, time_only=time_only)
    return WorkItem(
        id=row.id,
        title=row.title,
        due=due,
        due_exact=exact,
        priority=row.priority,
        priority_label=i18n.gettext(PRIORITY_LABELS.get(row.priority, row.priority), me.locale),
        related=row.related,
        link=_link(row),
        late=row.late,
    )


def task_from_form(form: dict, me: CurrentUser, **links: int) -> TaskInput:
    """The add-task form (title, due date and time, priority, assignee) → a TaskInput linked
    to ``links``. Only a role that may assign gives a task to someone else (ValidationError
    with NOT_YOURS); a time without a date is BAD_DATE; the service checks the rest."""
    title = str(form.get("title", "") or "")[:300]
    priority = str(form.get("priority", "") or "normal")[:20]
    assignee = str(form.get("assignee_id", "") or "")
    assignee_id = int(assignee) if assignee.isdigit() else me.id
    if assignee_id != me.id and not can(me.role, Perm.ASSIGN):
        raise ValidationError({"assignee_id": NOT_YOURS})
    try:
        due = parse_due(str(form.get("due_date", "")), str(form.get("due_time", "")), me.time_zone)
    except ValueError:
        raise ValidationError({"due_at": BAD_DATE}) from None
    return TaskInput(title=title, due_at=due, priority=priority, assignee_id=assignee_id, **links)


class MyWorkState(AppState):
    loaded: bool = False
    overdue: list[WorkItem] = []
    today: list[WorkItem] = []
    upcoming: list[WorkItem] = []
    undated: list[WorkItem] = []
    counts: dict[str, int] = {}
    assignees: list[list[str]] = []
    me_id: str = ""
    can_write: bool = False
    can_assign: bool = False
    form_key: int = 0
    errors: dict[str, str] = {}

    @rx.var
    def total(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.upcoming) + len(self.undated)

    def _item(self, row: TaskRow, *, time_only: bool = False) -> WorkItem:
        return work_item(row, caller(), time_only=time_only)

    def _reload(self) -> None:
        me = caller()
        with session_scope() as session:
            work = tasks.my_work(session, me.id, me.time_zone)
            if not self.assignees or self.me_id != str(me.id):
                self.assignees = [
                    [str(u.id), u.name] for u in users.list_users(session) if u.active
                ]
        self.overdue = [self._item(r) for r in work.overdue]
        self.today = [self._item(r, time_only=True) for r in work.today]
        self.upcoming = [self._item(r) for r in work.upcoming]
        self.undated = [self._item(r) for r in work.undated]
        self.counts = dict(work.counts)
        self.me_id = str(me.id)
        self.can_write = can(me.role, Perm.TASKS_WRITE)
        self.can_assign = can(me.role, Perm.ASSIGN)
        self.loaded = True

    @guarded()
    def load(self):
        self._reload()

    def _complete(self, task_id: int, log_as: str | None):
        me = caller()
        try:
            with session_scope() as session:
                tasks.complete_task(session, int(task_id), actor_id=me.id, log_as=log_as)
        except (NotFound, ValueError):
            self._reload()
            return rx.toast.error(self._t(GONE))
        except ValidationError as exc:
            return rx.toast.error(self._t(next(iter(exc.errors.values()))))
        self._reload()
        return rx.toast.success(self._t(DONE_LOGGED if log_as else DONE))

    @guarded(Perm.TASKS_WRITE)
    def complete(self, task_id: int):
        return self._complete(task_id, None)

    @guarded(Perm.TASKS_WRITE)
    def complete_and_log(self, task_id: int, kind: str):
        if kind not in LOG_KINDS:
            return None
        return self._complete(task_id, kind)

    @guarded(Perm.TASKS_WRITE)
    def add(self, form: dict):
        me = caller()
        try:
            data = task_from_form(form, me)
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return rx.toast.error(self._t(NOT_YOURS)) if "assignee_id" in exc.errors else None
        try:
            with session_scope() as session:
                tasks.create_task(session, data, actor_id=me.id)
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        self.errors = {}
        self.form_key += 1
        self._reload()
        return rx.toast.success(self._t(ADDED))
