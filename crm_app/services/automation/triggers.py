"""What can start a rule, and how a write becomes an event.

Every write goes through ``writes``; the hooks below only note which rows were created (and
by which chain of rules, for loop prevention, see ``engine``). When the transaction commits,
``engine`` turns the notes into events with ``events_for`` and runs the matching rules.

Triggers and their events (one event key per happening, so each fires once):
- contact created: a new contact row (``contact:<id>``); bulk inserts of large imports and
  seeds are not events;
- deal stage changed: a stage-history row (``stage_change:<id>``), also for the first stage
  of a new deal; config ``stage_id`` narrows it to one stage entered;
- deal won or lost: a stage-history row into a won or lost stage; config ``outcome``;
- ticket created: a new ticket row (``ticket:<id>``);
- SLA close to breach: the SLA watch's ``warning`` event (``sla:<id>``), except the one the
  watch records only to close the books on a breach it first saw more than a day late (a
  worker that was off, a fresh demo, imported tickets): that is history, not news, and the
  watch sends no notification for it either;
- form submitted: an accepted lead-form submission (``submission:<id>``), about its
  contact; config ``form_id`` narrows it to one form;
- N days without contact: found by the periodic job in ``quiet`` (``quiet:<contact>:<day>``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import DealStageChange, LeadFormSubmission, Stage, TicketSlaEvent

from .. import writes
from ..i18n import N_

CONTACT_CREATED = "contact_created"
DEAL_STAGE_CHANGED = "deal_stage_changed"
DEAL_CLOSED = "deal_closed"
TICKET_CREATED = "ticket_created"
SLA_WARNING = "sla_warning"
FORM_SUBMITTED = "form_submitted"
NO_CONTACT = "no_contact"

# trigger → (label msgid, the entity its record is)
TRIGGERS: dict[str, tuple[str, str]] = {
    CONTACT_CREATED: (N_("Contact created"), "contacts"),
    DEAL_STAGE_CHANGED: (N_("Deal stage changed"), "deals"),
    DEAL_CLOSED: (N_("Deal won or lost"), "deals"),
    TICKET_CREATED: (N_("Ticket created"), "tickets"),
    SLA_WARNING: (N_("Ticket close to SLA breach"), "tickets"),
    FORM_SUBMITTED: (N_("Lead form submitted"), "contacts"),
    NO_CONTACT: (N_("No contact for N days"), "contacts"),
}
OUTCOMES = ("won", "lost", "any")

# Which written table feeds which triggers.
_FEEDS: dict[str, tuple[str, ...]] = {
    "contacts": (CONTACT_CREATED,),
    "deal_stage_changes": (DEAL_STAGE_CHANGED, DEAL_CLOSED),
    "tickets": (TICKET_CREATED,),
    "ticket_sla_events": (SLA_WARNING,),
    "lead_form_submissions": (FORM_SUBMITTED,),
}
PENDING = "rapport.automation.pending"

# The rules whose actions are running right now (outermost first): writes made meanwhile
# carry it, so the engine knows which rules caused them.
CHAIN: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar(
    "automation_chain", default=()
)


@dataclass(frozen=True)
class Event:
    trigger: str
    entity: str
    record_id: int
    key: str
    data: dict[str, Any] = field(default_factory=dict)
    chain: tuple[int, ...] = ()


@dataclass(frozen=True)
class Written:
    """Rows of ``table`` created while ``chain`` was running."""

    table: str
    ids: tuple[int, ...]
    chain: tuple[int, ...]


def entity_of(trigger: str) -> str:
    return TRIGGERS[trigger][1]


def _note(session: Session, action: str, table: str, ids: list[int]) -> None:
    if action != "create":  # updates and deletes start nothing; bulk inserts are not events
        return
    pending = session.info.setdefault(PENDING, [])
    pending.append(Written(table, tuple(ids), CHAIN.get()))


def _hook(table: str) -> writes.WriteHook:
    def hook(session: Session, action: str, ids: list[int]) -> None:
        _note(session, action, table, ids)

    return hook


for _table in _FEEDS:
    writes.after_write(_table)(_hook(_table))


def triggers_fed_by(table: str) -> tuple[str, ...]:
    return _FEEDS.get(table, ())


def _stage_changes(session: Session, w: Written, wanted: set[str]) -> Iterable[Event]:
    rows = session.execute(
        sa.select(DealStageChange, Stage.is_won, Stage.is_lost)
        .join(Stage, Stage.id == DealStageChange.to_stage_id)
        .where(DealStageChange.id.in_(w.ids))
        .order_by(DealStageChange.id)
    ).all()
    for change, won, lost in rows:
        data = {"from_stage_id": change.from_stage_id, "to_stage_id": change.to_stage_id}
        key = f"stage_change:{change.id}"
        if DEAL_STAGE_CHANGED in wanted:
            yield Event(DEAL_STAGE_CHANGED, "deals", change.deal_id, key, data, w.chain)
        if DEAL_CLOSED in wanted and (won or lost):
            outcome = {**data, "outcome": "won" if won else "lost"}
            yield Event(DEAL_CLOSED, "deals", change.deal_id, key, outcome, w.chain)


def events_for(session: Session, written: list[Written], wanted: set[str]) -> list[Event]:
    """The events of these writes, for the triggers some active rule listens to."""
    out: list[Event] = []
    for w in written:
        feeds = set(_FEEDS.get(w.table, ())) & wanted
        if not feeds:
            continue
        if w.table == "contacts":
            out += [
                Event(CONTACT_CREATED, "contacts", i, f"contact:{i}", {}, w.chain) for i in w.ids
            ]
        elif w.table == "tickets":
            out += [Event(TICKET_CREATED, "tickets", i, f"ticket:{i}", {}, w.chain) for i in w.ids]
        elif w.table == "deal_stage_changes":
            out += list(_stage_changes(session, w, feeds))
        elif w.table == "ticket_sla_events":
            rows = session.execute(
                sa.select(TicketSlaEvent).where(
                    TicketSlaEvent.id.in_(w.ids), TicketSlaEvent.kind == "warning"
                )
            ).scalars()
            out += [
                Event(
                    SLA_WARNING,
                    "tickets",
                    r.ticket_id,
                    f"sla:{r.id}",
                    {"target": r.target},
                    w.chain,
                )
                for r in rows
                if not _stale_warning(r)
            ]
        elif w.table == "lead_form_submissions":
            rows = session.execute(
                sa.select(LeadFormSubmission).where(LeadFormSubmission.id.in_(w.ids))
            ).scalars()
            out += [
                Event(
                    FORM_SUBMITTED,
                    "contacts",
                    r.contact_id,
                    f"submission:{r.id}",
                    {"form_id": r.form_id},
                    w.chain,
                )
                for r in rows
                if r.contact_id is not None
            ]
    return out


def _stale_warning(row: TicketSlaEvent) -> bool:
    """A warning recorded a day or more after the target was due (with its late breach)."""
    from ..tickets.sla_watch import NOTIFY_WINDOW  # the watch's own "too late to tell" window

    return row.at - row.due_at >= NOTIFY_WINDOW


def matches_config(trigger: str, config: dict[str, Any], event: Event) -> bool:
    """Whether the rule's trigger settings accept this event (a stage, an outcome, a form)."""
    if event.trigger != trigger:
        return False
    if trigger == DEAL_STAGE_CHANGED and config.get("stage_id"):
        return event.data.get("to_stage_id") == _int(config.get("stage_id"))
    if trigger == DEAL_CLOSED:
        outcome = config.get("outcome") or "any"
        return outcome == "any" or event.data.get("outcome") == outcome
    if trigger == FORM_SUBMITTED and config.get("form_id"):
        return event.data.get("form_id") == _int(config.get("form_id"))
    return True


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
