"""Saving rules from the builder, and reading them with their runs for the list and log.

Rules: a rule has a name (1–120 characters), a known trigger with valid settings, zero or
more conditions and one or more actions valid for the trigger's record (see ``conditions``
and ``actions``). Saving, enabling, disabling and deleting are audited writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import AutomationRule, AutomationRun, LeadForm, Stage

from .. import writes
from ..errors import ValidationError
from ..i18n import N_
from . import action_rules, conditions, runs, triggers
from .engine import get_rule

RUN_LOG_LIMIT = 50


@dataclass(frozen=True)
class RuleRow:
    id: int
    name: str
    trigger: str
    active: bool
    conditions: int
    actions: list[str]
    runs: int
    last_run_at: datetime | None
    last_outcome: str


@dataclass(frozen=True)
class RunRow:
    id: int
    event_key: str
    entity: str
    record_id: int | None
    outcome: str
    detail: str
    started_at: datetime
    finished_at: datetime | None


def _trigger_config(session: Session, trigger: str, raw: Any) -> dict[str, Any]:
    config = raw if isinstance(raw, dict) else {}
    if trigger == triggers.DEAL_STAGE_CHANGED:
        stage = str(config.get("stage_id") or "").strip()
        if stage and (not stage.isdigit() or session.get(Stage, int(stage)) is None):
            raise ValidationError({"trigger": N_("Choose a stage.")})
        return {"stage_id": int(stage)} if stage else {}
    if trigger == triggers.DEAL_CLOSED:
        outcome = str(config.get("outcome") or "any")
        if outcome not in triggers.OUTCOMES:
            raise ValidationError({"trigger": N_("Choose won, lost or either.")})
        return {"outcome": outcome}
    if trigger == triggers.FORM_SUBMITTED:
        form = str(config.get("form_id") or "").strip()
        if form and (not form.isdigit() or session.get(LeadForm, int(form)) is None):
            raise ValidationError({"trigger": N_("Choose a form.")})
        return {"form_id": int(form)} if form else {}
    if trigger == triggers.NO_CONTACT:
        days = str(config.get("days") or "").strip()
        if not days.isdigit() or not 0 < int(days) <= 3650:
            raise ValidationError({"trigger": N_("Enter a number of days from 1 to 3650.")})
        return {"days": int(days)}
    return {}


def validate_rule(
    session: Session,
    *,
    name: str,
    trigger: str,
    trigger_config: Any = None,
    conditions_: Any = (),
    actions_: Any = (),
) -> dict[str, Any]:
    """The clean values of a rule; raises ValidationError with the first problem per part."""
    clean_name = " ".join(str(name or "").split())
    if not clean_name:
        raise ValidationError({"name": N_("Enter a name.")})
    if len(clean_name) > 120:
        raise ValidationError({"name": N_("Use at most 120 characters.")})
    if trigger not in triggers.TRIGGERS:
        raise ValidationError({"trigger": N_("Choose a trigger.")})
    entity = triggers.entity_of(trigger)
    return {
        "name": clean_name,
        "trigger": trigger,
        "trigger_config": _trigger_config(session, trigger, trigger_config),
        "conditions": conditions.validate(list(conditions_ or []), entity),
        "actions": action_rules.validate(session, list(actions_ or []), entity),
    }


def create_rule(
    session: Session,
    *,
    name: str,
    trigger: str,
    trigger_config: Any = None,
    conditions_: Any = (),
    actions_: Any = (),
    active: bool = True,
    actor_id: int | None,
) -> AutomationRule:
    values = validate_rule(
        session,
        name=name,
        trigger=trigger,
        trigger_config=trigger_config,
        conditions_=conditions_,
        actions_=actions_,
    )
    rule = AutomationRule(**values, active=active, created_by_id=actor_id)
    return writes.create(session, rule, actor_id=actor_id)


def update_rule(
    session: Session,
    rule_id: int,
    *,
    name: str,
    trigger: str,
    trigger_config: Any = None,
    conditions_: Any = (),
    actions_: Any = (),
    actor_id: int | None,
) -> AutomationRule:
    rule = get_rule(session, rule_id)
    values = validate_rule(
        session,
        name=name,
        trigger=trigger,
        trigger_config=trigger_config,
        conditions_=conditions_,
        actions_=actions_,
    )
    if values["trigger"] != rule.trigger or values["actions"] != rule.actions:
        values["state"] = {}  # a new turn for new actions
    writes.update(session, rule, values, actor_id=actor_id)
    return rule


def set_active(session: Session, rule_id: int, active: bool, *, actor_id: int | None) -> None:
    rule = get_rule(session, rule_id)
    writes.update(session, rule, {"active": bool(active)}, actor_id=actor_id)


def delete_rule(session: Session, rule_id: int, *, actor_id: int | None) -> None:
    """Delete a rule with its run log (the audit trail keeps the rule's last values)."""
    rule = get_rule(session, rule_id)
    session.execute(sa.delete(AutomationRun).where(AutomationRun.rule_id == rule_id))
    writes.delete(session, rule, actor_id=actor_id)


def list_rules(session: Session) -> list[RuleRow]:
    """Every rule, newest first, with its number of runs and its last run."""
    counts = dict(
        session.execute(
            sa.select(AutomationRun.rule_id, sa.func.count()).group_by(AutomationRun.rule_id)
        ).all()
    )
    last_ids = (
        sa.select(sa.func.max(AutomationRun.id)).group_by(AutomationRun.rule_id).scalar_subquery()
    )
    last = {
        r.rule_id: r
        for r in session.execute(
            sa.select(AutomationRun).where(AutomationRun.id.in_(last_ids))
        ).scalars()
    }
    rules = session.execute(sa.select(AutomationRule).order_by(AutomationRule.id.desc())).scalars()
    return [
        RuleRow(
            id=r.id or 0,
            name=r.name,
            trigger=r.trigger,
            active=r.active,
            conditions=len(r.conditions or []),
            actions=[str(a.get("kind") or "") for a in r.actions or []],
            runs=int(counts.get(r.id, 0)),
            last_run_at=last[r.id].started_at if r.id in last else None,
            last_outcome=last[r.id].outcome if r.id in last else "",
        )
        for r in rules
    ]


def run_log(
    session: Session, rule_id: int, limit: int = RUN_LOG_LIMIT, *, locale: str | None = None
) -> list[RunRow]:
    """The rule's latest runs, newest first, their details in ``locale``."""
    rows = session.execute(
        sa.select(AutomationRun)
        .where(AutomationRun.rule_id == rule_id)
        .order_by(AutomationRun.id.desc())
        .limit(max(1, min(limit, 500)))
    ).scalars()
    return [
        RunRow(
            id=r.id or 0,
            event_key=r.event_key,
            entity=r.entity,
            record_id=r.record_id,
            outcome=r.outcome,
            detail=runs.render(r.detail, locale),
            started_at=r.started_at,
            finished_at=r.finished_at,
        )
        for r in rows
    ]
