"""A run's log: lines stored as msgids with their values (JSON in ``AutomationRun.detail``),
shown in the reader's language. Values named ``*_msg`` are msgids themselves (a reason)."""

from __future__ import annotations

import json
from typing import Any

from ..i18n import N_, format_message, gettext

Line = tuple[str, dict[str, Any]]

CONDITIONS_NOT_MET = N_("Conditions not met.")
LOOP_PREVENTED = N_("Not run: this event was caused by the rule itself ({chain}).")
UNDONE = N_("Everything the rule had done in this run was undone.")
TOO_DEEP = N_("Not run: too many rules in a row caused this event ({chain}).")
NOT_DONE = N_("{action}: not done, {reason}")
FAILED = N_("{action} failed: {error}")
TAG_ADDED = N_("Tag “{tag}” added.")
TAG_THERE = N_("Already tagged “{tag}”.")
MAIL_QUEUED = N_("E-mail queued to {address}.")
TASK_CREATED = N_("Task “{title}” created.")
ASSIGNED = N_("Assigned to {user}.")
FIELD_SET = N_("{field} set to {value}.")
NOTIFIED = N_("{user} notified.")
WEBHOOK_QUEUED = N_("Webhook queued.")
WEBHOOK_DELIVERED = N_("Webhook delivered (HTTP {status}).")
WEBHOOK_ATTEMPT = N_("Webhook attempt {attempt} failed: {error}")
THE_RULE = N_("The rule")
MAX_LINES = 40


def encode(lines: list[Line]) -> str:
    return json.dumps([[m, v] for m, v in lines[-MAX_LINES:]], ensure_ascii=False, default=str)


def decode(text: str | None) -> list[Line]:
    """The stored lines; text that is not a stored list reads as one line as it is."""
    try:
        raw = json.loads(text or "[]")
    except ValueError:
        return [(str(text), {})]
    if not isinstance(raw, list):
        return [(str(text), {})]
    out: list[Line] = []
    for item in raw:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[1], dict):
            out.append((str(item[0]), item[1]))
    return out


def append(text: str | None, line: Line) -> str:
    return encode([*decode(text), line])


def render(text: str | None, locale: str | None) -> str:
    """The log in ``locale``, one line per entry."""
    shown = []
    for message, values in decode(text):
        filled = {
            k.removesuffix("_msg"): gettext(str(v), locale) if k.endswith("_msg") else v
            for k, v in values.items()
        }
        try:
            shown.append(format_message(message, locale, **filled))
        except (KeyError, IndexError, ValueError):
            shown.append(gettext(message, locale))
    return "\n".join(shown)
