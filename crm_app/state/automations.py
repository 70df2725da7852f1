"""The automations page: the rules list with each rule's last run and run log, and the rule
builder (trigger, condition rows, action rows). Admins and managers build rules: rules
assign records, change fields and message people on everyone's behalf, so they take the
permission to assign any record."""

from __future__ import annotations

import json

import reflex as rx

from crm_app.db import session_scope
from crm_app.models import Role
from crm_app.services import automation, formatting, segments
from crm_app.services.automation import actions as action_rules
from crm_app.services.automation import choices, triggers
from crm_app.services.automation import conditions as condition_rules
from crm_app.services.campaigns import templates
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import ROLE_LABELS, Perm, can

from . import list_views
from . import tickets as ticket_labels
from .base import AppState
from .guard import caller, guarded

MANAGE = Perm.ASSIGN
ACTION_KEYS = (
    "kind", "tag", "title", "due_days", "assignee", "role", "region", "field", "value",
    "user", "message", "url", "json", "template_id", "subject", "body",
)  # fmt: skip
CONDITION_KEYS = ("kind", "field", "op", "value")
OUTCOME_LABELS = {"ok": N_("Done"), "failed": N_("Failed"), "skipped": N_("Skipped")}
CLOSED_LABELS = {"any": N_("Won or lost"), "won": N_("Won"), "lost": N_("Lost")}
RECORD_PATHS = {"contacts": "/contacts/", "deals": "/deals/", "tickets": "/tickets/"}
RECORD_LABELS = {"contacts": N_("Contact"), "deals": N_("Deal"), "tickets": N_("Ticket")}


def _opts(pairs) -> list[dict[str, str]]:
    return [{"value": str(v), "label": str(label)} for v, label in pairs]


def _action_row(spec: dict | None = None) -> dict[str, str]:
    spec = dict(spec or {})
    if spec.get("kind") == "webhook":
        spec["json"] = (
            json.dumps(spec.pop("body", {}) or {}, ensure_ascii=False) if spec.get("body") else ""
        )
    row = {k: "" if spec.get(k) is None else str(spec.get(k)) for k in ACTION_KEYS}
    row["kind"] = row["kind"] or action_rules.ADD_TAG
    row["assignee"] = row["assignee"] or "owner"
    row["user"] = row["user"] or "owner"
    row["due_days"] = row["due_days"] or "1"
    return row


def _action_spec(row: dict[str, str]) -> dict[str, str]:
    spec = {k: v for k, v in row.items() if v != ""}
    if spec.get("kind") == "webhook":
        spec["body"] = spec.pop("json", "")
    return spec


class AutomationsState(AppState):
    rules: list[dict[str, str]] = []
    can_manage: bool = False
    tab: str = "rules"
    # the run log of one rule
    log_rule_id: int = 0
    log_rule_name: str = ""
    run_log: list[dict[str, str]] = []
    # the builder
    builder_open: bool = False
    editing_id: int = 0
    b_name: str = ""
    b_trigger: str = triggers.CONTACT_CREATED
    b_config: dict[str, str] = {}
    b_conditions: list[dict[str, str]] = []
    b_actions: list[dict[str, str]] = []
    b_errors: dict[str, str] = {}
    # choices
    trigger_options: list[dict[str, str]] = []
    action_options: list[dict[str, str]] = []
    op_options: list[dict[str, str]] = []
    tag_op_options: list[dict[str, str]] = []
    segment_op_options: list[dict[str, str]] = []
    kind_options: list[dict[str, str]] = []
    outcome_options: list[dict[str, str]] = []
    field_options: list[dict[str, str]] = []
    updatable_options: list[dict[str, str]] = []
    stage_options: list[dict[str, str]] = []
    pipeline_options: list[dict[str, str]] = []
    form_options: list[dict[str, str]] = []
    segment_options: list[dict[str, str]] = []
    user_options: list[dict[str, str]] = []
    role_options: list[dict[str, str]] = []
    template_options: list[dict[str, str]] = []
    lifecycle_options: list[dict[str, str]] = []
    yes_no_options: list[dict[str, str]] = []
    priority_options: list[dict[str, str]] = []
    status_options: list[dict[str, str]] = []
    channel_options: list[dict[str, str]] = []

    # --- reading -------------------------------------------------------------------------------
    def _reload(self) -> None:
        with session_scope() as session:
            rows = automation.list_rules(session)
        tz = caller().time_zone
        self.rules = [
            {
                "id": str(r.id),
                "name": r.name,
                "trigger": self._t(triggers.TRIGGERS.get(r.trigger, (r.trigger,))[0]),
                "active": "1" if r.active else "",
                "actions": ", ".join(self._t(action_rules.ACTIONS.get(a, a)) for a in r.actions),
                "runs": str(r.runs),
                "last_run": formatting.when(r.last_run_at, tz, self.locale)
                if r.last_run_at
                else "—",
                "last_outcome": r.last_outcome,
                "last_outcome_label": self._t(OUTCOME_LABELS.get(r.last_outcome, ""))
                if r.last_outcome
                else "",
            }
            for r in rows
        ]
        if self.log_rule_id:
            self._load_log(self.log_rule_id)

    def _choices(self) -> None:
        t = self._t
        self.trigger_options = _opts((k, t(v[0])) for k, v in triggers.TRIGGERS.items())
        self.action_options = _opts((k, t(v)) for k, v in action_rules.ACTIONS.items())
        self.op_options = _opts((k, t(v)) for k, v in condition_rules.OPS.items())
        self.tag_op_options = _opts((k, t(v)) for k, v in condition_rules.TAG_OPS.items())
        self.segment_op_options = _opts((k, t(v)) for k, v in condition_rules.SEGMENT_OPS.items())
        self.kind_options = _opts((k, t(v)) for k, v in condition_rules.KINDS.items())
        self.outcome_options = _opts((k, t(v)) for k, v in CLOSED_LABELS.items())
        self.lifecycle_options = _opts((k, t(v)) for k, v in list_views.STAGE_LABELS.items())
        self.yes_no_options = _opts((("true", t(N_("Yes"))), ("false", t(N_("No")))))
        self.priority_options = _opts((k, t(v)) for k, v in ticket_labels.PRIORITY_LABELS.items())
        self.status_options = _opts((k, t(v)) for k, v in ticket_labels.STATUS_LABELS.items())
        self.channel_options = _opts((k, t(v)) for k, v in ticket_labels.CHANNEL_LABELS.items())
        self.role_options = _opts((r.value, t(ROLE_LABELS[r])) for r in Role if r != Role.READ_ONLY)
        with session_scope() as session:
            self.stage_options = _opts(choices.active_stages(session))
            self.pipeline_options = _opts(choices.active_pipelines(session))
            self.form_options = _opts(choices.lead_forms(session))
            self.segment_options = _opts(
                (s.id, s.name)
                for s in segments.visible_segments(session, caller().id)
                if s.entity == "contact"
            )
            self.user_options = _opts(choices.active_users(session))
            self.template_options = _opts((r.id, r.name) for r in templates.list_templates(session))
        self._entity_choices()

    def _entity_choices(self) -> None:
        entity = triggers.entity_of(self.b_trigger)
        self.field_options = _opts(
            (k, self._t(v)) for k, v in condition_rules.FIELDS[entity].items()
        )
        self.updatable_options = _opts(
            (k, self._t(condition_rules.FIELDS[entity].get(k, k)))
            for k in action_rules.UPDATABLE[entity]
        )

    def _load_log(self, rule_id: int) -> None:
        tz = caller().time_zone
        with session_scope() as session:
            rows = automation.run_log(session, rule_id, locale=self.locale)
        self.run_log = [
            {
                "id": str(r.id),
                "at": formatting.when(r.started_at, tz, self.locale),
                "outcome": r.outcome,
                "outcome_label": self._t(OUTCOME_LABELS.get(r.outcome, r.outcome)),
                "record": f"{self._t(RECORD_LABELS.get(r.entity, r.entity))} #{r.record_id}"
                if r.record_id
                else "—",
                "link": f"{RECORD_PATHS.get(r.entity, '/')}{r.record_id}" if r.record_id else "",
                "event": r.event_key,
                "detail": r.detail,
            }
            for r in rows
        ]

    @guarded()
    def load(self):
        self.can_manage = can(caller().role, MANAGE)
        self._choices()
        self._reload()

    @guarded()
    def set_tab(self, tab: str):
        self.tab = tab if tab in ("rules", "forms") else "rules"

    @guarded()
    def show_runs(self, rule_id: int):
        with session_scope() as session:
            try:
                rule = automation.get_rule(session, int(rule_id))
            except (NotFound, TypeError, ValueError):
                return
            self.log_rule_id, self.log_rule_name = rule.id or 0, rule.name
        self._load_log(self.log_rule_id)

    @guarded()
    def refresh_runs(self):
        self._reload()

    @guarded()
    def close_runs(self):
        self.log_rule_id, self.run_log = 0, []

    # --- the builder ----------------------------------------------------------------------------
    @guarded(MANAGE)
    def new_rule(self):
        self.editing_id, self.b_name, self.b_trigger = 0, "", triggers.CONTACT_CREATED
        self.b_config, self.b_conditions, self.b_errors = {}, [], {}
        self.b_actions = [_action_row()]
        self._choices()
        self.builder_open = True

    @guarded(MANAGE)
    def edit_rule(self, rule_id: int):
        with session_scope() as session:
            try:
                rule = automation.get_rule(session, int(rule_id))
            except (NotFound, TypeError, ValueError):
                return
            self.editing_id, self.b_name, self.b_trigger = rule.id or 0, rule.name, rule.trigger
            self.b_config = {k: str(v) for k, v in (rule.trigger_config or {}).items()}
            self.b_conditions = [
                {k: str(c.get(k) or "") for k in CONDITION_KEYS} for c in rule.conditions or []
            ]
            self.b_actions = [_action_row(a) for a in rule.actions or []]
        self.b_errors = {}
        self._choices()
        self.builder_open = True

    @guarded(MANAGE)
    def close_builder(self):
        self.builder_open, self.b_errors = False, {}

    @guarded(MANAGE)
    def set_name(self, value: str):
        self.b_name = str(value)[:200]

    @guarded(MANAGE)
    def set_trigger(self, value: str):
        if value in triggers.TRIGGERS and value != self.b_trigger:
            self.b_trigger, self.b_config = value, {}
            self.b_conditions = [c for c in self.b_conditions if c["kind"] != "field"]
            self.b_actions = [a for a in self.b_actions if a["kind"] != "update_field"] or [
                _action_row()
            ]
            self._entity_choices()

    @guarded(MANAGE)
    def set_config(self, key: str, value: str):
        if key in ("stage_id", "outcome", "form_id", "days"):
            self.b_config = {**self.b_config, key: str(value)[:20]}

    @guarded(MANAGE)
    def add_condition(self):
        if len(self.b_conditions) < 10:
            row = {"kind": "field", "field": "", "op": "eq", "value": ""}
            if self.field_options:
                row["field"] = self.field_options[0]["value"]
            self.b_conditions = [*self.b_conditions, row]

    @guarded(MANAGE)
    def remove_condition(self, index: int):
        rows = list(self.b_conditions)
        if isinstance(index, int) and 0 <= index < len(rows):
            rows.pop(index)
            self.b_conditions = rows

    @guarded(MANAGE)
    def set_condition(self, index: int, key: str, value: str):
        rows = list(self.b_conditions)
        if not (isinstance(index, int) and 0 <= index < len(rows)) or key not in CONDITION_KEYS:
            return
        row = {**rows[index], key: str(value)[:200]}
        if key == "kind":  # a sensible operator for the new kind
            row["op"] = {"tag": "has", "segment": "in"}.get(str(value), "eq")
            row["value"] = ""
        elif key == "field" and value != rows[index].get("field"):
            row["value"] = ""  # a user, a stage or text: the old value may not fit the new field
        rows[index] = row
        self.b_conditions = rows

    @guarded(MANAGE)
    def add_action(self):
        if len(self.b_actions) < 10:
            self.b_actions = [*self.b_actions, _action_row()]

    @guarded(MANAGE)
    def remove_action(self, index: int):
        rows = list(self.b_actions)
        if isinstance(index, int) and 0 <= index < len(rows) and len(rows) > 1:
            rows.pop(index)
            self.b_actions = rows

    @guarded(MANAGE)
    def set_action(self, index: int, key: str, value: str):
        rows = list(self.b_actions)
        if not (isinstance(index, int) and 0 <= index < len(rows)) or key not in ACTION_KEYS:
            return
        rows[index] = {**rows[index], key: str(value)[:20000]}
        self.b_actions = rows

    @guarded(MANAGE)
    def save_rule(self):
        values = {
            "name": self.b_name,
            "trigger": self.b_trigger,
            "trigger_config": dict(self.b_config),
            "conditions_": [dict(c) for c in self.b_conditions],
            "actions_": [_action_spec(a) for a in self.b_actions],
        }
        try:
            with session_scope() as session:
                if self.editing_id:
                    automation.update_rule(session, self.editing_id, **values, actor_id=caller().id)
                else:
                    automation.create_rule(session, **values, actor_id=caller().id)
        except ValidationError as exc:
            self.b_errors = {k: self._t(v) for k, v in exc.errors.items()}
            return
        except NotFound:
            self.builder_open = False
            self._reload()
            return
        self.builder_open, self.b_errors = False, {}
        self._reload()
        return rx.toast.success(self._t(N_("Rule saved.")))

    @guarded(MANAGE)
    def toggle_rule(self, rule_id: int, active: bool):
        try:
            with session_scope() as session:
                automation.set_active(session, int(rule_id), bool(active), actor_id=caller().id)
        except (NotFound, TypeError, ValueError):
            return
        self._reload()

    @guarded(MANAGE)
    def delete_rule(self, rule_id: int):
        try:
            with session_scope() as session:
                automation.delete_rule(session, int(rule_id), actor_id=caller().id)
        except (NotFound, TypeError, ValueError):
            return
        if self.log_rule_id == rule_id:
            self.log_rule_id, self.run_log = 0, []
        self._reload()
