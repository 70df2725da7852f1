"""The pipeline board's view rows (a column, a card) and its limits, built from the
board service's plain data for one caller."""

from __future__ import annotations

import dataclasses
from datetime import date

from crm_app.services import deal_board, formatting, i18n
from crm_app.services.auth import CurrentUser
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import can_edit_deal

PAGE = deal_board.DEFAULT_LIMIT  # cards per "Show more"
MAX_SHOWN = 1000  # per column; past this, filters are the better tool
CLOSED_DAYS = ("7", "30", "90", "365", "all")
DEFAULT_CLOSED_DAYS = "30"
FILTER_NAMES = frozenset({"owner", "close_from", "close_to", "closed_days"})
DAYS = NP_("{n} day", "{n} days")
OPEN_DEALS = NP_("{n} open deal", "{n} open deals")
CANNOT_EDIT = N_("Your role does not allow changing this deal.")
GONE = N_("That deal no longer exists.")


@dataclasses.dataclass
class CardView:
    id: str
    title: str
    company: str
    value: str
    owner: str
    initials: str
    days: str
    task: str
    task_when: str
    task_exact: str
    overdue: bool
    editable: bool


@dataclasses.dataclass
class ColumnView:
    stage_id: str
    name: str
    kind: str  # "open", "won" or "lost"
    probability: str
    count: int
    count_label: str
    total: str
    weighted: str
    more_label: str
    has_more: bool
    cards: list[CardView] = dataclasses.field(default_factory=list)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _initials(name: str) -> str:
    return "".join(p[0] for p in name.split()[:2]).upper()


def card_view(card: deal_board.Card, me: CurrentUser, now) -> CardView:
    loc = me.locale
    due = card.next_task_due
    return CardView(
        id=str(card.id),
        title=card.title,
        company=card.company_name,
        value=formatting.money(card.value, card.currency, loc),
        owner=card.owner_name,
        initials=_initials(card.owner_name),
        days=i18n.ngettext(*DAYS, card.days_in_stage, loc),
        task=card.next_task_title,
        task_when=formatting.ago(due, loc, now) if due else "",
        task_exact=formatting.when(due, me.time_zone, loc) if due else "",
        overdue=due is not None and due < now,
        editable=can_edit_deal(me.role, me.id, card.owner_id),
    )
