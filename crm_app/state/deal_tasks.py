"""The Tasks card of a deal's page: its open tasks (done checkbox, complete and log) and the
add-task form (title, due date and time, priority, assignee), linked to the deal.

The deal form's ``open_edit`` opens it for the deal shown; every handler re-reads the deal's
tasks, and completing acts only on a task of that deal.
"""

from __future__ import annotations

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


class DealTasksState(AppState):
    deal_id: int = 0
    items: list[WorkItem] = []
    assignees: list[list[str]] = []
    me_id: str = ""
    can_write: bool = False
    can_assign: bool = False
    form_key: int = 0
    errors: dict[str, str] = {}

    def _reload(self) -> None:
        me = caller()
        with session_scope() as session:
            rows = tasks.tasks_for(session, deal_id=self.deal_id, limit=MAX_SHOWN)
            if not self.assignees or self.me_id != str(me.id):
                self.assignees = [
                    [str(u.id), u.name] for u in users.list_users(session) if u.active
                ]
        # the card is on the deal: its rows need not name it again
        self.items = [_on_deal(work_item(r, me)) for r in rows]
        self.me_id = str(me.id)
        self.can_write = can(me.role, Perm.TASKS_WRITE)
        self.can_assign = can(me.role, Perm.ASSIGN)

    @guarded()
    def open_for(self, deal_id: str):
        """Show the open tasks of the deal ``deal_id`` (the deal form calls it on open)."""
        if not str(deal_id).isdigit():
            return
        try:
            with session_scope() as session:
                deals.get_deal(session, int(deal_id))
        except NotFound:
            self.deal_id, self.items = 0, []
            return
        if int(deal_id) != self.deal_id:
            self.errors, self.form_key = {}, self.form_key + 1
        self.deal_id = int(deal_id)
        self._reload()

    @guarded(Perm.TASKS_WRITE)
    def add(self, form: dict):
        if not self.deal_id:
            return None
        me = caller()
        try:
            data = task_from_form(form, me, deal_id=self.deal_id)
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
        if not self.deal_id or not str(task_id).isdigit():
            return None
        with session_scope() as session:
            mine = {r.id for r in tasks.tasks_for(session, deal_id=self.deal_id, limit=500)}
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


def _on_deal(item: WorkItem) -> WorkItem:
    item.related, item.link = "", ""
    return item
