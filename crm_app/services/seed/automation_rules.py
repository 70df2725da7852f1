"""The demo business's automations: a welcome mail for new customers, a task when a deal
enters negotiation, an escalation when a ticket nears its SLA breach, and a "Contact us"
lead form whose leads go round-robin to the sales team.

Written after the demo's history has committed, so the history itself fires nothing. The
SLA watch catches up on that history first: the demo's open tickets already past or close to
their targets are recorded (and their people told) before the escalation rule exists, so the
rule escalates the tickets that near their breach from then on, not the whole backlog at once.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import AutomationRule, EmailTemplate, Role, Stage, User

from .. import lead_forms, pipelines
from ..automation import create_rule, pause, resume
from ..automation import triggers as t
from ..tickets import sla_watch

WELCOME_SUBJECT = "Welcome to Kestrel Coffee, {{first_name}}"
WELCOME_BODY = (
    "Hello {{first_name}},\n\n"
    "thank you for your first order. {{owner}} is your contact person here: write back to "
    "this mail any time you need help with your machines.\n\n"
    "Kestrel Coffee Co."
)


def _negotiation_stage(session: Session) -> Stage | None:
    """The default pipeline's last open stage (Negotiation in the demo, in any language)."""
    pipeline = pipelines.default_pipeline(session)
    if pipeline is None:
        return None
    open_stages = [
        s for s in pipelines.active_stages(session, pipeline.id) if not (s.is_won or s.is_lost)
    ]
    return max(open_stages, key=lambda s: (s.probability, s.position), default=None)


def _welcome_template(session: Session) -> int:
    found = session.execute(
        sa.select(EmailTemplate.id).where(EmailTemplate.name == "Welcome")
    ).scalar()
    if found is not None:
        return int(found)
    from ..campaigns import templates

    made = templates.create_template(
        session, name="Welcome", subject=WELCOME_SUBJECT, body=WELCOME_BODY, actor_id=None
    )
    return made.id or 0


def _first(session: Session, role: Role) -> int | None:
    return session.execute(
        sa.select(User.id).where(User.active, User.role == role.value).order_by(User.id).limit(1)
    ).scalar()


def seed_rules(session: Session) -> int:
    """Add the demo rules and form once (nothing when rules exist); returns rules added."""
    if session.execute(sa.select(AutomationRule.id).limit(1)).first() is not None:
        return 0
    pause(session)  # the backlog is history (see above): its warnings are no events
    try:
        sla_watch.watch(session)
    finally:
        resume(session)
    rules = [
        (
            "Welcome new customers",
            t.DEAL_CLOSED,
            {"outcome": "won"},
            [{"kind": "tag", "op": "not", "value": "Welcomed"}],
            [
                {"kind": "send_email", "template_id": _welcome_template(session)},
                {"kind": "add_tag", "tag": "Welcomed"},
            ],
        )
    ]
    stage = _negotiation_stage(session)
    if stage is not None:
        rules.append(
            (
                "Task when a deal enters negotiation",
                t.DEAL_STAGE_CHANGED,
                {"stage_id": stage.id},
                [],
                [
                    {
                        "kind": "create_task",
                        "title": "Prepare the negotiation: terms, discount limit, decision maker",
                        "due_days": 2,
                        "assignee": "owner",
                    }
                ],
            )
        )
    manager = _first(session, Role.MANAGER) or _first(session, Role.ADMIN)
    escalate = [
        {
            "kind": "create_task",
            "title": "Reply now: this ticket is close to breaching its SLA",
            "due_days": 0,
            "assignee": "owner",
        }
    ]
    if manager is not None:
        escalate.append(
            {
                "kind": "notify",
                "user": str(manager),
                "message": "A ticket is close to breaching its SLA. Check it is in hand.",
            }
        )
    rules.append(("Escalate tickets close to breach", t.SLA_WARNING, {}, [], escalate))
    form = lead_forms.create_form(
        session,
        {
            "name": "Contact us",
            "title": "Talk to Kestrel Coffee",
            "intro": "Tell us about your café or shop and we will call you back.",
            "fields": [
                {"field": "first_name", "required": True},
                {"field": "last_name"},
                {"field": "email", "required": True},
                {"field": "phone"},
                {"field": "company"},
                {"field": "message"},
                {"field": "consent_email"},
            ],
            "tags": ["Website"],
            "source": "web form",
            "thank_you": "Thank you! Someone from our sales team will call you within a day.",
        },
        actor_id=None,
    )
    rules.append(
        (
            "Web leads go round-robin to sales",
            t.FORM_SUBMITTED,
            {"form_id": form.id},
            [{"kind": "field", "field": "owner_id", "op": "empty", "value": ""}],
            [{"kind": "assign_owner", "role": Role.SALES.value, "region": ""}],
        )
    )
    for name, trigger, config, conditions, actions in rules:
        create_rule(
            session,
            name=name,
            trigger=trigger,
            trigger_config=config,
            conditions_=conditions,
            actions_=actions,
            actor_id=None,
        )
    return len(rules)
