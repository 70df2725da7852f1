"""Reading a ticket's status, priority, channel and satisfaction score as other tools write them.

Rules:
- Status, priority and channel cells are matched by synonyms, without case, accents, spaces
  or punctuation ("In-Progress", "in progress" and "INPROGRESS" are one word): Zendesk,
  Freshdesk, Jira, Help Scout and hand-made sheets each have their own words. The app's own
  codes ("on_hold") and their names in the app's languages match too.
- A value that matches nothing is not a problem with the row: ``match`` returns None and the
  ticket import uses the field's default (``DEFAULTS``), listing the substitution.
- A satisfaction score is a whole number from 1 to 5 ("4", "4.0", "4/5"); anything else is
  left out of the row with a warning (the ticket is still imported, without a score).
- A description keeps its line breaks (only trailing spaces and blank lines at the ends go).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from crm_app.models import TicketPriority, TicketStatus

from ..i18n import LANGUAGES, N_, gettext

CSAT_RANGE = N_("Enter a satisfaction score from 1 to 5.")
TOO_LONG_TEXT = N_("This text is too long.")
MAX_DESCRIPTION = 100_000

# The channels the app knows (the seed and the public form use the first four).
CHANNELS = ("email", "phone", "web", "chat", "social")
FIELDS = ("status", "priority", "channel")
DEFAULTS = {
    "status": TicketStatus.NEW.value,
    "priority": TicketPriority.NORMAL.value,
    "channel": "email",
}

_S = TicketStatus
_P = TicketPriority
# fmt: off
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {
        _S.NEW: ("new", "unassigned", "to do", "todo", "untriaged", "received", "submitted"),
        _S.OPEN: ("open", "in progress", "in-progress", "assigned", "working", "active",
                  "reopened", "re-opened", "escalated", "ongoing", "under investigation"),
        _S.PENDING: ("pending", "waiting", "waiting on customer", "waiting for customer",
                     "awaiting reply", "awaiting customer", "awaiting response",
                     "pending customer response", "waiting on requester", "needs info"),
        _S.ON_HOLD: ("on hold", "on-hold", "hold", "paused", "blocked", "suspended",
                     "waiting on third party", "waiting on vendor", "deferred"),
        _S.SOLVED: ("solved", "resolved", "done", "fixed", "completed", "complete", "answered"),
        _S.CLOSED: ("closed", "archived", "cancelled", "canceled", "won't fix", "wontfix",
                    "duplicate"),
    },
    "priority": {
        _P.LOW: ("low", "minor", "p4", "trivial", "lowest"),
        _P.NORMAL: ("normal", "medium", "p3", "default", "moderate", "standard"),
        _P.HIGH: ("high", "major", "p2", "important", "elevated"),
        _P.URGENT: ("urgent", "critical", "p1", "emergency", "highest", "blocker", "severe",
                    "p0"),
    },
    "channel": {
        "email": ("email", "e-mail", "mail", "inbox"),
        "phone": ("phone", "call", "telephone", "voice", "phone call", "voicemail"),
        "chat": ("chat", "live chat", "messenger", "whatsapp", "sms", "text message"),
        "web": ("web", "web form", "webform", "form", "portal", "website", "contact form",
                "help center", "feedback widget", "widget"),
        "social": ("social", "social media", "twitter", "x", "facebook", "instagram",
                   "linkedin"),
    },
}
# The app's own names for its codes (their msgids), matched in each of its languages too.
_LABELS: dict[str, dict[str, str]] = {
    "status": {_S.NEW: N_("New"), _S.OPEN: N_("Open"), _S.PENDING: N_("Pending"),
               _S.ON_HOLD: N_("On hold"), _S.SOLVED: N_("Solved"), _S.CLOSED: N_("Closed")},
    "priority": {_P.LOW: N_("Low"), _P.NORMAL: N_("Normal"), _P.HIGH: N_("High"),
                 _P.URGENT: N_("Urgent")},
    "channel": {"email": N_("E-mail"), "phone": N_("Phone"), "chat": N_("Chat"),
                "web": N_("Web form"), "social": N_("Social media")},
}
# fmt: on
_OUT_OF = re.compile(r"^\s*(\d+(?:[.,]0+)?)\s*/\s*5\s*$")


def norm(text: object) -> str:
    """ "In-Progress " → "inprogress": no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


@cache
def _words(field: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for code, spellings in SYNONYMS[field].items():
        words[norm(code)] = str(code)
        for spelling in spellings:
            words.setdefault(norm(spelling), str(code))
    for code, label in _LABELS[field].items():
        for language in LANGUAGES:
            words.setdefault(norm(gettext(label, language)), str(code))
    return words


def match(field: str, raw: object) -> str | None:
    """The code ``raw`` names for ``field`` ("status", "priority" or "channel"), or None."""
    key = norm(raw)
    return _words(field).get(key) if key else None


def label(field: str, code: str) -> str:
    """The msgid naming ``code`` of ``field`` (the code itself when it has none)."""
    return _LABELS.get(field, {}).get(code, code)


def csat(raw: str) -> tuple[int | None, str | None]:
    """A satisfaction score 1–5 from "4", "4.0", "4,0" or "4/5"; else the reason."""
    text = str(raw).strip()
    found = _OUT_OF.match(text)
    if found:
        text = found.group(1)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None, CSAT_RANGE
    if not number.is_integer() or not 1 <= number <= 5:
        return None, CSAT_RANGE
    return int(number), None


def long_text(raw: str) -> tuple[str | None, str | None]:
    """A description as written: line breaks kept, Windows line ends made plain."""
    value = "\n".join(line.rstrip() for line in str(raw).replace("\r\n", "\n").split("\n"))
    value = value.strip("\n")
    if len(value) > MAX_DESCRIPTION:
        return None, TOO_LONG_TEXT
    return value, None
