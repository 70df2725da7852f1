"""The Tasks card of a deal's or a ticket's page: its open tasks (done checkbox, complete and
log) and the add-task form (title, due date and time, priority, assignee), linked to it.

The page opens it for the record shown (``open_for``); every handler re-reads the record's
tasks, and completing acts only on a task of that record.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import deals, tasks, users
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded
from .my_work import (
    ADDED,
    DONE,
    DONE_LOGGED,
    GONE,
    LOG_KINDS,
    NOT_YOURS,
    WorkItem,
    task_from_form,
    work_item,
)

MAX_SHOWN = 50


class RecordTasksMixin(rx.State, mixin=True):
    record_key: int = 0  # the deal's or the ticket's id
    items: list[WorkItem] = []
    assignees: list[list[str]] = []
    me_id: str = ""
    can_write: bool = False
    can_assign: bool = False
    form_key: int = 0
    errors: dict[str, str] = {}

    # Set by each card: the task's link column, and a check that the record exists.
    _link: ClassVar[str] = ""

    def _check(self, session, record_id: int) -> None:  # pragma: no cover - each card's own
        raise NotImplementedError

    def _reload(self) -> None:
        me = caller()
        with session_scope() as session:
            rows = tasks.tasks_for(session, **{self._link: self.record_key}, limit=MAX_SHOWN)
            if not self.assignees or self.me_id != str(me.id):
                self.assignees = [
                    [str(u.id), u.name] for u in users.list_users(session) if u.active
                ]
        # the card is on the record: its rows need not name it again
        self.items = [_on_record(work_item(r, me)) for r in rows]
        self.me_id = str(me.id)
        self.can_write = can(me.role, Perm.TASKS_WRITE)
        self.can_assign = can(me.role, Perm.ASSIGN)

    @guarded()
    def open_for(self, record_id: str):
        """Show the open tasks of the record ``record_id`` (its page calls it on open)."""
        if not str(record_id).isdigit():
            return
        try:
            with session_scope() as session:
                self._check(session, int(record_id))
        except NotFound:
            self.record_key, self.items = 0, []
            return
        if int(record_id) != self.record_key:
            self.errors, self.form_key = {}, self.form_key + 1
        self.record_key = int(record_id)
        self._reload()

    @guarded(Perm.TASKS_WRITE)
    def add(self, form: dict):
        if not self.record_key:
            return None
        me = caller()
        try:
            data = task_from_form(form, me, **{self._link: self.record_key})
            with session_scope() as session:
                tasks.create_task(session, data, actor_id=me.id)
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return rx.toast.error(self._t(NOT_YOURS)) if "assignee_id" in exc.errors else None
        self.errors, self.form_key = {}, self.form_key + 1
        self._reload()
        return rx.toast.success(self._t(ADDED))

    def _complete(self, task_id: int | str, log_as: str | None):
        me = caller()
        if not self.record_key or not str(task_id).isdigit():
            return None
        with session_scope() as session:
            mine = {
                r.id for r in tasks.tasks_for(session, **{self._link: self.record_key}, limit=500)
            }
        if int(task_id) not in mine:  # done already, or not this deal's
            self._reload()
            return rx.toast.error(self._t(GONE))
        try:
            with session_scope() as session:
                tasks.complete_task(session, int(task_id), actor_id=me.id, log_as=log_as)
        except NotFound:
            self._reload()
            return rx.toast.error(self._t(GONE))
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


def _on_record(item: WorkItem) -> WorkItem:
    item.related, item.link = "", ""
    return item


class DealTasksState(RecordTasksMixin, AppState):
    _link: ClassVar[str] = "deal_id"

    def _check(self, session, record_id: int) -> None:
        deals.get_deal(session, record_id)


class TicketTasksState(RecordTasksMixin, AppState):
    _link: ClassVar[str] = "ticket_id"

    def _check(self, session, record_id: int) -> None:
        from crm_app.services.tickets.reference import get_ticket

        get_ticket(session, record_id)
