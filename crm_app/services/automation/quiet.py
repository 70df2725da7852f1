"""The time-based trigger "N days without contact", run as periodic work by the elected
worker (about every 15 minutes).

Rules: a contact is quiet for a rule when its last contact (``last_contacted_at``, else when
it was created) is at least ``days`` days ago. The rule fires once per quiet stretch: the
event key names the day of that last contact, so a contact reached again and then quiet
again fires again. Each run looks at ``BATCH`` contacts per rule at most, longest quiet
first, leaving out contacts the rule has already run for since their last contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import AutomationRule, AutomationRun, Contact, utcnow

from ..jobs import every
from . import engine
from .triggers import NO_CONTACT, Event

BATCH = 200
MAX_DAYS = 3650


def _days(rule: AutomationRule) -> int | None:
    raw = (rule.trigger_config or {}).get("days")
    return int(raw) if str(raw).isdigit() and 0 < int(raw) <= MAX_DAYS else None


def quiet_events(session: Session, rule: AutomationRule, now: datetime) -> list[Event]:
    days = _days(rule)
    if days is None:
        return []
    last = sa.func.coalesce(Contact.last_contacted_at, Contact.created_at)
    already = sa.exists().where(
        AutomationRun.rule_id == rule.id,
        AutomationRun.record_id == Contact.id,
        AutomationRun.started_at >= last,
    )
    rows = session.execute(
        sa.select(Contact.id, last)
        .where(last <= now - timedelta(days=days), ~already)
        .order_by(last, Contact.id)
        .limit(BATCH)
    ).all()
    return [
        Event(NO_CONTACT, "contacts", cid, f"quiet:{cid}:{at.date().isoformat()}", {"days": days})
        for cid, at in rows
    ]


def run_quiet_rules(session: Session, now: datetime | None = None) -> int:
    """One pass over the active "no contact" rules; returns how many runs it made."""
    at = now or utcnow()
    count = 0
    rules = session.execute(
        sa.select(AutomationRule).where(AutomationRule.active, AutomationRule.trigger == NO_CONTACT)
    ).scalars()
    for rule in list(rules):
        for ev in quiet_events(session, rule, at):
            if engine.run_rule(session, rule, ev) is not None:
                count += 1
    session.flush()
    return count


@every("automation_no_contact", seconds=900)
def _quiet(session: Session, now: datetime) -> None:
    run_quiet_rules(session, now)
