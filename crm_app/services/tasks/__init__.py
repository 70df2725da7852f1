"""Tasks: create, edit, complete (optionally logging an activity), "My work", due reminders.

Rules:
- a task has a title, an optional due time (stored in UTC), a priority, an assignee (an
  active user) and may be linked to a contact, company, deal and/or ticket that exist;
- "My work" splits the user's open tasks in *their* time zone: overdue (due before now, as
  the dashboard counts them), today (due later today, local), upcoming (the next days, local)
  and undated;
- when a task comes due its assignee is notified once (``reminded_at``); moving the due time
  clears ``reminded_at`` so the new time is reminded again; tasks more than a day overdue
  when first seen (a worker that was off, a demo) are not reminded;
- logging a call, e-mail or meeting moves the contact's "last contacted" forward.
"""

from .activity_log import TOUCHES_CONTACT, log_activity, touch_last_contacted
from .editing import (
    PRIORITY_LABELS,
    TaskInput,
    TaskPriority,
    complete_task,
    create_task,
    delete_task,
    due_from_local,
    reopen_task,
    update_task,
)
from .my_work import UPCOMING_DAYS, MyWork, TaskRow, my_work, tasks_for
from .reminders import REMINDER_WINDOW, remind_due_tasks

__all__ = [
    "PRIORITY_LABELS",
    "REMINDER_WINDOW",
    "TOUCHES_CONTACT",
    "UPCOMING_DAYS",
    "MyWork",
    "TaskInput",
    "TaskPriority",
    "TaskRow",
    "complete_task",
    "create_task",
    "delete_task",
    "due_from_local",
    "log_activity",
    "my_work",
    "remind_due_tasks",
    "reopen_task",
    "tasks_for",
    "touch_last_contacted",
    "update_task",
]
