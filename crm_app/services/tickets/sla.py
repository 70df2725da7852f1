"""SLA policies and the state of a ticket's two targets (first response, resolution).

Rules:
- one policy per priority, in business minutes of the business calendar; a blank target
  means none. Defaults (seeded by migration 0007, used for any missing row): urgent 1 h / 4 h,
  high 4 h / 8 h, normal 8 h / 24 h, low 16 h / 40 h (a business day is 8 hours);
- due times are computed when a ticket is created, from its creation time; a priority change
  recomputes the targets not yet met (from the creation time, plus the time paused so far);
- while a ticket is pending (waiting on the customer) both clocks stop: ``sla_paused_at``
  holds when; on leaving pending each target not yet met is pushed by the business minutes
  paused, which also accumulate in ``sla_paused_minutes``;
- a target is met when its moment (first public reply; solved) comes on or before its due
  time, breached when it comes later or the due time passes first. Solving a ticket before
  any reply also ends the first-response clock (at the solving time);
- the level is "breached" once breached, "warning" while running or paused with less than
  25% of the target's window left (window = due time minus creation time in business
  minutes, less the time paused), else "ok". 25% scales with the target: an urgent first
  response warns 15 minutes ahead, a low resolution 10 business hours ahead;
- breaches are recorded once per ticket and target in ``ticket_sla_events`` (kind
  "breach") and set ``Ticket.sla_breached``; a warning event ("warning") marks that the
  near-breach notification went out (see sla_watch).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import SlaPolicy, Ticket, TicketPriority, TicketSlaEvent, utcnow

from .. import writes
from ..errors import ValidationError
from ..i18n import N_
from .calendar import (
    BusinessCalendar,
    add_business_minutes,
    aware,
    business_minutes_between,
    last_loaded,
    load_calendar,
)

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
TARGETS = (FIRST_RESPONSE, RESOLUTION)
TARGET_LABELS = {FIRST_RESPONSE: N_("First response"), RESOLUTION: N_("Resolution")}
WARNING = "warning"
BREACH = "breach"
BREACHED = "breached"  # the level
WARNING_SHARE = 0.25
MAX_TARGET_MINUTES = 365 * 8 * 60  # a business year
PRIORITIES = tuple(p.value for p in TicketPriority)
DEFAULT_POLICIES: dict[str, tuple[int | None, int | None]] = {
    "urgent": (60, 240),
    "high": (240, 480),
    "normal": (480, 1440),
    "low": (960, 2400),
}


@dataclass(frozen=True)
class Policy:
    priority: str
    first_response_minutes: int | None
    resolution_minutes: int | None


def policies(session: Session) -> dict[str, Policy]:
    """The policy of every priority (a missing row reads as its default)."""
    stored = {p.priority: p for p in session.execute(sa.select(SlaPolicy)).scalars()}
    out = {}
    for priority in PRIORITIES:
        row = stored.get(priority)
        first, resolution = (
            (row.first_response_minutes, row.resolution_minutes)
            if row is not None
            else DEFAULT_POLICIES[priority]
        )
        out[priority] = Policy(priority, first, resolution)
    return out


def validate_policies(
    raw: Mapping[str, tuple[str | float | None, str | float | None]],
) -> tuple[dict[str, tuple[int | None, int | None]], dict[str, str]]:
    """Form values in *hours* (blank: no target) → minutes; errors keyed
    ``<priority>.first_response`` / ``<priority>.resolution``."""
    errors: dict[str, str] = {}
    out: dict[str, tuple[int | None, int | None]] = {}
    for priority in PRIORITIES:
        first_raw, resolution_raw = raw.get(priority, (None, None))
        values: list[int | None] = []
        for target, value in zip(TARGETS, (first_raw, resolution_raw), strict=True):
            text = str(value if value is not None else "").strip().replace(",", ".")
            if not text:
                values.append(None)
                continue
            try:
                minutes = round(float(text) * 60)
            except ValueError:
                minutes = -1
            if not 1 <= minutes <= MAX_TARGET_MINUTES:
                errors[f"{priority}.{target}"] = N_("Enter a number of hours above 0.")
                values.append(None)
                continue
            values.append(minutes)
        first, resolution = values
        if first and resolution and resolution < first and f"{priority}.resolution" not in errors:
            errors[f"{priority}.resolution"] = N_(
                "Resolution cannot be due before the first response."
            )
        out[priority] = (first, resolution)
    return out, errors


def save_policies(
    session: Session,
    values: Mapping[str, tuple[int | None, int | None]],
    *,
    actor_id: int | None,
) -> None:
    """Store targets in minutes per priority (audited). Tickets keep their due times until
    their priority changes."""
    for priority, (first, resolution) in values.items():
        if priority not in PRIORITIES:
            raise ValidationError({"priority": N_("Choose a priority from the list.")})
        row = session.get(SlaPolicy, priority)
        changes = {"first_response_minutes": first, "resolution_minutes": resolution}
        if row is None:
            writes.create(session, SlaPolicy(priority=priority, **changes), actor_id=actor_id)
        elif writes.update(session, row, changes, actor_id=actor_id):
            writes.update(session, row, {"updated_at": utcnow()}, actor_id=None)


def compute_due(
    session: Session,
    *,
    priority: str,
    created_at: datetime,
    paused_minutes: int = 0,
    calendar: BusinessCalendar | None = None,
    policy_table: Mapping[str, Policy] | None = None,
) -> tuple[datetime | None, datetime | None]:
    """(first response due, resolution due) for a ticket of ``priority`` created then.
    Callers computing many (an import) pass the calendar and ``policies(session)`` once."""
    cal = calendar or load_calendar(session)
    table = policy_table or policies(session)
    policy = table.get(priority) or table["normal"]

    def due(minutes: int | None) -> datetime | None:
        return add_business_minutes(cal, created_at, minutes + paused_minutes) if minutes else None

    return due(policy.first_response_minutes), due(policy.resolution_minutes)


def pause_changes(ticket: Ticket, now: datetime) -> dict[str, object]:
    """Stop the clocks (entering pending)."""
    return {} if ticket.sla_paused_at is not None else {"sla_paused_at": now}


def resume_changes(cal: BusinessCalendar, ticket: Ticket, now: datetime) -> dict[str, object]:
    """Restart the clocks (leaving pending): push the unmet due times by the time paused."""
    if ticket.sla_paused_at is None:
        return {}
    paused = business_minutes_between(cal, ticket.sla_paused_at, now)
    changes: dict[str, object] = {
        "sla_paused_at": None,
        "sla_paused_minutes": (ticket.sla_paused_minutes or 0) + paused,
    }
    if paused:
        if ticket.first_response_due_at and ticket.first_response_at is None:
            changes["first_response_due_at"] = add_business_minutes(
                cal, ticket.first_response_due_at, paused
            )
        if ticket.resolution_due_at and ticket.resolved_at is None:
            changes["resolution_due_at"] = add_business_minutes(
                cal, ticket.resolution_due_at, paused
            )
    return changes


def recompute_changes(
    session: Session, cal: BusinessCalendar, ticket: Ticket, priority: str
) -> dict[str, object]:
    """New due times for the targets not yet met, after a priority change."""
    first, resolution = compute_due(
        session,
        priority=priority,
        created_at=ticket.created_at,
        paused_minutes=ticket.sla_paused_minutes or 0,
        calendar=cal,
    )
    changes: dict[str, object] = {}
    if ticket.first_response_at is None and ticket.resolved_at is None:
        changes["first_response_due_at"] = first
    if ticket.resolved_at is None:
        changes["resolution_due_at"] = resolution
    return changes


# --- state -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetState:
    target: str  # first_response | resolution
    due_at: datetime | None
    status: str  # none | running | paused | met | breached
    minutes_left: int | None  # business minutes; negative once overdue; None when done/none
    level: str  # ok | warning | breached


@dataclass(frozen=True)
class SlaState:
    first_response: TargetState
    resolution: TargetState
    paused: bool

    @property
    def level(self) -> str:
        """The worse of the two targets' levels."""
        levels = {self.first_response.level, self.resolution.level}
        return BREACHED if BREACHED in levels else WARNING if WARNING in levels else "ok"

    @property
    def next_due(self) -> TargetState | None:
        """The running or paused target that is due first (what the queue shows)."""
        live = [
            t
            for t in (self.first_response, self.resolution)
            if t.status in ("running", "paused") and t.due_at
        ]
        return min(live, key=lambda t: t.due_at) if live else None  # type: ignore[arg-type,return-value]


def done_at(ticket: Ticket, target: str) -> datetime | None:
    if target == FIRST_RESPONSE:
        return ticket.first_response_at or ticket.resolved_at
    return ticket.resolved_at


def due_at(ticket: Ticket, target: str) -> datetime | None:
    return ticket.first_response_due_at if target == FIRST_RESPONSE else ticket.resolution_due_at


def target_state(ticket: Ticket, target: str, now: datetime, cal: BusinessCalendar) -> TargetState:
    due = due_at(ticket, target)
    if due is None:
        return TargetState(target, None, "none", None, "ok")
    due = aware(due)
    done = done_at(ticket, target)
    if done is not None:
        met = aware(done) <= due
        return TargetState(
            target, due, "met" if met else "breached", None, "ok" if met else "breached"
        )
    paused_at = ticket.sla_paused_at
    moment = aware(paused_at) if paused_at is not None else aware(now)
    status = "paused" if paused_at is not None else "running"
    if moment >= due:
        return TargetState(
            target, due, "breached", -business_minutes_between(cal, due, moment), "breached"
        )
    left = business_minutes_between(cal, moment, due)
    window = business_minutes_between(cal, ticket.created_at, due) - (
        ticket.sla_paused_minutes or 0
    )
    level = WARNING if window > 0 and left < WARNING_SHARE * window else "ok"
    return TargetState(target, due, status, left, level)


def sla_state(
    ticket: Ticket, now: datetime | None = None, *, calendar: BusinessCalendar | None = None
) -> SlaState:
    """Both targets of ``ticket`` at ``now``. Pass the calendar (``load_calendar``) when you
    have a session; without one the calendar this process read last is used."""
    cal = calendar or last_loaded()
    at = now or utcnow()
    return SlaState(
        target_state(ticket, FIRST_RESPONSE, at, cal),
        target_state(ticket, RESOLUTION, at, cal),
        ticket.sla_paused_at is not None,
    )


# --- events -------------------------------------------------------------------------------


def has_event(session: Session, ticket_id: int, target: str, kind: str) -> bool:
    return (
        session.execute(
            sa.select(TicketSlaEvent.id).where(
                TicketSlaEvent.ticket_id == ticket_id,
                TicketSlaEvent.target == target,
                TicketSlaEvent.kind == kind,
            )
        ).first()
        is not None
    )


def record_event(session: Session, ticket: Ticket, target: str, kind: str, *, at: datetime) -> bool:
    """Record a warning or breach once per ticket and target; a breach also sets
    ``sla_breached``. Returns False when it was already recorded."""
    assert ticket.id is not None
    if has_event(session, ticket.id, target, kind):
        return False
    due = due_at(ticket, target)
    writes.create(
        session,
        TicketSlaEvent(ticket_id=ticket.id, target=target, kind=kind, due_at=due or at, at=at),
        actor_id=None,
    )
    if kind == BREACH and not ticket.sla_breached:
        writes.update(session, ticket, {"sla_breached": True}, actor_id=None)
    return True


def record_late_targets(session: Session, ticket: Ticket) -> None:
    """After a first response or a resolution: a target met after its due time is a breach."""
    for target in TARGETS:
        due, done = due_at(ticket, target), done_at(ticket, target)
        if due is not None and done is not None and aware(done) > aware(due):
            record_event(session, ticket, target, BREACH, at=aware(done))


def breaches(session: Session, ticket_id: int) -> list[TicketSlaEvent]:
    """The ticket's recorded breaches, oldest first."""
    return list(
        session.execute(
            sa.select(TicketSlaEvent)
            .where(TicketSlaEvent.ticket_id == ticket_id, TicketSlaEvent.kind == BREACH)
            .order_by(TicketSlaEvent.at, TicketSlaEvent.id)
        ).scalars()
    )
