"""The one place rules are evaluated: when a transaction that created records commits.

Rules:
- the writes noted by ``triggers`` become events when the writer commits (so a new contact
  is complete with its addresses and tags); each event is offered to the active rules of its
  trigger whose trigger settings accept it;
- a rule meets an event at most once: a run row is claimed per (rule, event key) before
  anything else, and the unique key refuses a second. Every run is logged with its outcome:
  ``ok``, ``skipped`` (conditions not met, an action that could not apply, or a loop) or
  ``failed`` (with the error; that rule's writes are rolled back to a savepoint, the
  writer's own change and other rules still commit);
- loop prevention: writes made by a rule's actions carry the chain of rules that caused
  them; a rule is never run for an event its own actions caused (directly or through other
  rules), and chains stop at ``MAX_DEPTH`` rules;
- actions run with no acting user (the audit trail shows the rule's writes as system
  writes) and in the order the rule lists them; the first that fails ends the run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from crm_app.models import AutomationRule, AutomationRun, utcnow

from ..errors import NotFound, ValidationError
from . import actions, conditions, runs, triggers
from .triggers import CHAIN, PENDING, Event, Written

log = logging.getLogger(__name__)

MAX_DEPTH = 3
OK, FAILED, SKIPPED = "ok", "failed", "skipped"
_BUSY = "rapport.automation.busy"
_OFF = "rapport.automation.off"
_MARKS = "rapport.automation.savepoints"
MAX_ROUNDS = 20  # rounds of "actions wrote records that are events again" per commit


def pause(session: Session) -> None:
    """Drop the events noted so far and ignore this session's writes until ``resume`` (a
    seed or a restore writes history, not news)."""
    session.info.pop(PENDING, None)
    session.info[_OFF] = True


def resume(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(_OFF, None)


def _active_rules(session: Session, wanted: Iterable[str]) -> list[AutomationRule]:
    query = (
        sa.select(AutomationRule)
        .where(AutomationRule.active, AutomationRule.trigger.in_(sorted(set(wanted))))
        .order_by(AutomationRule.id)
    )
    return list(session.execute(query).scalars())


def _claim(session: Session, rule: AutomationRule, ev: Event) -> AutomationRun | None:
    """The run row for (rule, event), or None when this rule already met this event."""
    seen = session.execute(
        sa.select(AutomationRun.id).where(
            AutomationRun.rule_id == rule.id, AutomationRun.event_key == ev.key
        )
    ).first()
    if seen is not None:
        return None
    run = AutomationRun(
        rule_id=rule.id or 0,
        event_key=ev.key[:120],
        entity=ev.entity,
        record_id=ev.record_id,
        depth=len(ev.chain),
    )
    try:
        with session.begin_nested():
            session.add(run)
    except sa.exc.IntegrityError:  # another transaction claimed it first
        return None
    return run


def _finish(run: AutomationRun, outcome: str, lines: list[runs.Line]) -> None:
    run.outcome = outcome
    run.detail = runs.encode(lines)
    run.finished_at = utcnow()


def run_rule(session: Session, rule: AutomationRule, ev: Event) -> AutomationRun | None:
    """Offer one event to one rule by the module rules; returns its run (None: seen)."""
    run = _claim(session, rule, ev)
    if run is None:
        return None
    if rule.id in ev.chain or len(ev.chain) >= MAX_DEPTH:
        why = runs.LOOP_PREVENTED if rule.id in ev.chain else runs.TOO_DEEP
        _finish(run, SKIPPED, [(why, {"chain": _chain(session, ev.chain)})])
        return run
    lines: list[runs.Line] = []
    done, kind = 0, ""
    token = CHAIN.set((*ev.chain, rule.id or 0))
    try:
        with session.begin_nested():
            if not conditions.all_hold(session, rule.conditions, ev.entity, ev.record_id):
                _finish(run, SKIPPED, [(runs.CONDITIONS_NOT_MET, {})])
                return run
            for index, spec in enumerate(rule.actions or []):
                ctx = actions.Context(rule, ev, str(index), run.id or 0)
                kind = str(spec.get("kind") or "")
                try:
                    lines.append(actions.RUNNERS[kind](session, ctx, spec))
                    done += 1
                except actions.ActionSkipped as why:
                    label = actions.ACTIONS.get(kind, kind)
                    lines.append((runs.NOT_DONE, {"action_msg": label, "reason_msg": str(why)}))
            session.flush()
    except Exception as exc:  # any error rolls back this rule's writes only
        log.info("automation rule %s failed on %s: %r", rule.id, ev.key, exc)
        label = actions.ACTIONS.get(kind, kind) or runs.THE_RULE
        if isinstance(exc, ValidationError) and exc.errors:
            error = {"error_msg": next(iter(exc.errors.values()))}
        else:
            error = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        undone = [(runs.UNDONE, {})] if lines else []
        lines = [(runs.FAILED, {"action_msg": label, **error}), *undone]
        _finish(run, FAILED, lines)
        return run
    finally:
        CHAIN.reset(token)
    _finish(run, OK if done else SKIPPED, lines)
    return run


def _chain(session: Session, chain: tuple[int, ...]) -> str:
    """The rules of a chain by name, in quotes (``#<id>`` for a rule since deleted): user text
    and numbers only, so the log line reads the same in every language."""
    names = dict(
        session.execute(
            sa.select(AutomationRule.id, AutomationRule.name).where(AutomationRule.id.in_(chain))
        ).all()
    )
    return " → ".join(f"“{names[i]}”" if names.get(i) else f"#{i}" for i in chain) or "—"


def dispatch(session: Session, events: list[Event]) -> list[AutomationRun]:
    """Offer events to the active rules of their triggers; returns the runs made."""
    if not events:
        return []
    rules = _active_rules(session, {e.trigger for e in events})
    runs: list[AutomationRun] = []
    for ev in events:
        for rule in rules:
            if triggers.matches_config(rule.trigger, rule.trigger_config or {}, ev):
                run = run_rule(session, rule, ev)
                if run is not None:
                    runs.append(run)
    session.flush()
    return runs


def process_pending(session: Session) -> list[AutomationRun]:
    """Turn the writes noted in this session into events and run the rules (also what the
    commit hook calls); safe to call at any time."""
    if session.info.get(_BUSY) or session.info.get(_OFF):
        return []
    session.info[_BUSY] = True
    runs: list[AutomationRun] = []
    try:
        for _ in range(MAX_ROUNDS):
            written: list[Written] = session.info.pop(PENDING, [])
            if not written:
                break
            fed = {t for w in written for t in triggers.triggers_fed_by(w.table)}
            wanted = {r.trigger for r in _active_rules(session, fed)}
            if not wanted:
                continue
            runs += dispatch(session, triggers.events_for(session, written, wanted))
    finally:
        session.info.pop(_BUSY, None)
    return runs


def _before_commit(session: OrmSession) -> None:
    # also called when a savepoint is released: only the real commit runs the rules
    if session.in_nested_transaction():
        return
    if session.info.get(PENDING) and not session.info.get(_OFF):
        session.flush()
        process_pending(session)  # type: ignore[arg-type]


def _mark(session: OrmSession, transaction: Any, *_args: Any) -> None:
    """A savepoint begins: remember how many writes were noted, to forget the rest if it
    rolls back."""
    if transaction.nested:
        marks = session.info.setdefault(_MARKS, {})
        marks[id(transaction)] = len(session.info.get(PENDING, []))


def _forget(session: OrmSession, previous: Any) -> None:
    """A rollback: the writes it undid start nothing (only those after the savepoint)."""
    marks = session.info.get(_MARKS, {})
    if previous.nested:
        kept = marks.pop(id(previous), None)
        if kept is not None and PENDING in session.info:
            del session.info[PENDING][kept:]
        return
    session.info.pop(PENDING, None)
    session.info.pop(_MARKS, None)


for _name, _fn in (
    ("before_commit", _before_commit),
    ("after_transaction_create", _mark),
    ("after_soft_rollback", _forget),
):
    if not sa_event.contains(OrmSession, _name, _fn):
        sa_event.listen(OrmSession, _name, _fn)


def get_rule(session: Session, rule_id: int) -> AutomationRule:
    rule = session.get(AutomationRule, rule_id)
    if rule is None:
        raise NotFound(f"automation rule {rule_id}")
    return rule
