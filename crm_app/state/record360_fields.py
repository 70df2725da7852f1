"""What the record page's inline edit needs: the raw field values and the choices of its
selects (owner, lifecycle stage, preferred channel and language), in the caller's language.

Only loaded for a caller who may edit the record; a read-only user never receives them.
"""

from __future__ import annotations

from crm_app.db import session_scope
from crm_app.services import i18n, inline_edit, users
from crm_app.services.i18n import N_

from . import list_views

NONE = "__none__"  # a select's "nothing chosen" (Radix items cannot have an empty value)
SELECTS = ("owner_id", "lifecycle_stage", "channel", "language")


def field_values(kind: str, key: int) -> dict[str, str]:
    """The record's inline fields as the inputs show them; selects use ``NONE`` for empty."""
    with session_scope() as session:
        if kind == "contact":
            values = inline_edit.contact_values(session, key)
        else:
            values = inline_edit.company_values(session, key)
    for name in SELECTS:
        if name in values and not values[name]:
            values[name] = NONE
    return values


def _with_current(options: list[list[str]], current: str, label: str) -> list[list[str]]:
    """Keep a stored value the list no longer offers (an inactive owner, "en-GB") choosable."""
    if current and current != NONE and all(o[0] != current for o in options):
        return [*options, [current, label or current]]
    return options


def choices(kind: str, values: dict[str, str], owner_name: str, loc: str) -> dict:
    """Options of the selects as [value, label] rows, the empty choice first."""
    with session_scope() as session:
        owners = [[str(u.id), u.name] for u in users.list_users(session) if u.active]
    no_owner = [NONE, i18n.gettext(N_("No owner"), loc)]
    out = {"owner_id": [no_owner, *_with_current(owners, values["owner_id"], owner_name)]}
    if kind != "contact":
        return out
    no_preference = [NONE, i18n.gettext(N_("No preference"), loc)]
    out["lifecycle_stage"] = [
        [str(s), i18n.gettext(label, loc)] for s, label in list_views.STAGE_LABELS.items()
    ]
    out["channel"] = [
        no_preference,
        *[[c, i18n.gettext(label, loc)] for c, label in list_views.CHANNEL_LABELS.items()],
    ]
    languages = _with_current(list_views.all_languages(loc), values["language"], "")
    out["language"] = [no_preference, *languages]
    return out
