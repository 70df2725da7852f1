"""Workflow automation: rules of trigger → conditions → actions, evaluated in one place
(``engine``, when a transaction that created records commits, and ``quiet`` for the
time-based trigger), each run logged. Importing this package registers the write hooks, the
commit hook, the webhook job and the periodic "no contact" work."""

from . import quiet, webhooks  # noqa: F401  (registers the periodic work and the job)
from .actions import ACTIONS, UPDATABLE
from .conditions import FIELDS, KINDS, OPS, SEGMENT_OPS, TAG_OPS
from .engine import (
    FAILED,
    MAX_DEPTH,
    OK,
    SKIPPED,
    dispatch,
    get_rule,
    pause,
    process_pending,
    resume,
    run_rule,
)
from .quiet import run_quiet_rules
from .rules import (
    RuleRow,
    RunRow,
    create_rule,
    delete_rule,
    list_rules,
    run_log,
    set_active,
    update_rule,
    validate_rule,
)
from .triggers import TRIGGERS, Event

__all__ = [
    "ACTIONS",
    "FAILED",
    "FIELDS",
    "KINDS",
    "MAX_DEPTH",
    "OK",
    "OPS",
    "SEGMENT_OPS",
    "SKIPPED",
    "TAG_OPS",
    "TRIGGERS",
    "UPDATABLE",
    "Event",
    "RuleRow",
    "RunRow",
    "create_rule",
    "delete_rule",
    "dispatch",
    "get_rule",
    "list_rules",
    "pause",
    "process_pending",
    "resume",
    "run_log",
    "run_quiet_rules",
    "run_rule",
    "set_active",
    "update_rule",
    "validate_rule",
]
