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
- completing a task "and log" puts the activity on the task's records through the one
  ``activities.log_activity`` (which moves "last contacted"); a task linked to nothing has
  no timeline, so nothing is logged.
"""

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
    "UPCOMING_DAYS",
    "MyWork",
    "TaskInput",
    "TaskPriority",
    "TaskRow",
    "complete_task",
    "create_task",
    "delete_task",
    "due_from_local",
    "my_work",
    "remind_due_tasks",
    "reopen_task",
    "tasks_for",
    "update_task",
]
