"""What a rule does. Each action is one call into the service that owns that write, so its
side effects (audit, timeline, notifications, search index) happen as if a person did it.

Actions and their settings:
- ``send_email``: a template (``template_id``, the campaigns' template service) or a
  ``subject`` and ``body`` with merge fields, to the contact's primary address, through the
  mail service's queue. Not sent (and said so in the run) when the campaigns would not send
  either: no address, no e-mail consent, or unsubscribed;
- ``create_task``: ``title``, due in ``due_days`` days, for the record's owner or a user,
  linked to the record;
- ``assign_owner``: the next active user of ``role`` (optionally ``region``) in the rule's
  round-robin turn becomes the owner (a ticket's assignee);
- ``add_tag``: ``tag`` on the contact;
- ``update_field``: ``field`` of the record set to ``value`` (see ``UPDATABLE``); a deal's
  stage moves it through the board's move rules;
- ``notify``: ``message`` to the record's owner or a user, linking to the record;
- ``webhook``: POST a JSON body (the event, the record, and the rule's own ``body`` object)
  to ``url`` as a background job with retries; a request never waits on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from crm_app.models import AutomationRule, Contact, User, utcnow

from .. import notifications, writes
from ..i18n import N_
from . import round_robin, runs
from .conditions import FIELDS, MODELS, contact_id_of
from .triggers import Event

SEND_EMAIL = "send_email"
CREATE_TASK = "create_task"
ASSIGN_OWNER = "assign_owner"
ADD_TAG = "add_tag"
UPDATE_FIELD = "update_field"
NOTIFY = "notify"
WEBHOOK = "webhook"

ACTIONS: dict[str, str] = {
    SEND_EMAIL: N_("Send a template e-mail"),
    CREATE_TASK: N_("Create a task"),
    ASSIGN_OWNER: N_("Assign an owner (round-robin)"),
    ADD_TAG: N_("Add a tag"),
    UPDATE_FIELD: N_("Update a field"),
    NOTIFY: N_("Notify a user"),
    WEBHOOK: N_("Call a webhook"),
}
# entity → fields an action may set
UPDATABLE: dict[str, tuple[str, ...]] = {
    "contacts": ("lifecycle_stage", "source", "title"),
    "deals": ("stage_id", "source"),
    "tickets": ("category",),
}
OWNER_FIELD = {"contacts": "owner_id", "deals": "owner_id", "tickets": "assignee_id"}
NOTIFY_MESSAGE = N_("Automation “{rule}”: {message}")
NOTIFY_KIND = "automation"


class ActionSkipped(Exception):
    """The action could not apply to this record (no address, no owner): the run says so.
    The message is a msgid."""


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.name if user is not None else f"#{user_id}"


@dataclass(frozen=True)
class Context:
    rule: AutomationRule
    event: Event
    slot: str  # the action's index in the rule, as text
    run_id: int


def _record(session: Session, ctx: Context) -> Any:
    record = session.get(MODELS[ctx.event.entity], ctx.event.record_id)
    if record is None:
        raise ActionSkipped(N_("the record no longer exists"))
    return record


def _contact(session: Session, ctx: Context) -> Contact:
    contact_id = contact_id_of(session, ctx.event.entity, ctx.event.record_id)
    contact = session.get(Contact, contact_id) if contact_id else None
    if contact is None:
        raise ActionSkipped(N_("the record has no contact"))
    return contact


def _user(session: Session, ctx: Context, who: Any) -> int:
    """``owner`` (the record's owner or assignee) or a user id; must be active."""
    if str(who or "owner") == "owner":
        user_id = getattr(_record(session, ctx), OWNER_FIELD[ctx.event.entity], None)
    else:
        user_id = int(who) if str(who).isdigit() else None
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        raise ActionSkipped(N_("there is no active user to give it to"))
    return user_id or 0


def send_email(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    from ..campaigns import audience
    from ..mail import queue_mail

    contact = _contact(session, ctx)
    # the campaigns' rule: a primary address, e-mail consent, not unsubscribed
    address, reason = audience.check_contact(session, contact.id)
    if reason is not None or not address:
        raise ActionSkipped(reason or audience.NO_ADDRESS)
    subject, body = str(config.get("subject") or ""), str(config.get("body") or "")
    template_id = config.get("template_id")
    if template_id:
        subject, body = _template(session, int(template_id))
    queued = queue_mail(
        session, to=address, subject=subject, body=body, contact_id=contact.id, actor_id=None
    )
    return runs.MAIL_QUEUED, {"address": address, "mail": queued.mail.id}


def _template(session: Session, template_id: int) -> tuple[str, str]:
    """(subject, plain-text body) of a campaigns template; the mail service fills the merge
    fields."""
    from ..campaigns import templates
    from ..errors import NotFound

    try:
        found = templates.get_template(session, template_id)
    except NotFound as exc:
        raise ActionSkipped(N_("the template no longer exists")) from exc
    return found.subject, found.text_body or found.body


def create_task(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    from ..tasks import TaskInput
    from ..tasks import create_task as create

    record = _record(session, ctx)
    try:
        assignee = _user(session, ctx, config.get("assignee"))
    except ActionSkipped:
        assignee = None  # an unowned record: the task waits in no one's list, unassigned
    days = int(config.get("due_days") or 0)
    links = {f"{ctx.event.entity[:-1]}_id": record.id}
    if ctx.event.entity != "contacts" and getattr(record, "contact_id", None):
        links["contact_id"] = record.contact_id
    task = create(
        session,
        TaskInput(
            title=str(config.get("title") or "")[:200],
            due_at=utcnow() + timedelta(days=days),
            assignee_id=assignee,
            **links,
        ),
        actor_id=None,
    )
    return runs.TASK_CREATED, {"title": task.title, "task": task.id}


def assign_owner(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    record = _record(session, ctx)
    user_id = round_robin.next_user(session, ctx.rule, ctx.slot, config)
    if user_id is None:
        raise ActionSkipped(N_("no active user has that role"))
    writes.update(session, record, {OWNER_FIELD[ctx.event.entity]: user_id}, actor_id=None)
    return runs.ASSIGNED, {"user": _name(session, user_id)}


def add_tag(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    from ..contacts import tag_contacts

    contact = _contact(session, ctx)
    name = str(config.get("tag") or "")
    added = tag_contacts(session, [contact.id or 0], [name], actor_id=None)
    return (runs.TAG_ADDED if added else runs.TAG_THERE), {"tag": name}


def update_field(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    record = _record(session, ctx)
    name, value = str(config.get("field") or ""), config.get("value")
    if ctx.event.entity == "deals" and name == "stage_id":
        from ..deal_moves import move_deal

        move_deal(session, record.id, int(value), actor_id=None, lost_reason="other")
    else:
        writes.update(session, record, {name: value or None}, actor_id=None)
    entity_fields = FIELDS.get(ctx.event.entity, {})
    return runs.FIELD_SET, {"field_msg": entity_fields.get(name, name), "value": value}


def notify(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    user_id = _user(session, ctx, config.get("user"))
    entity, record_id = ctx.event.entity, ctx.event.record_id
    link = notifications.link_for(**{f"{entity[:-1]}_id": record_id})
    notifications.notify(
        session,
        user_id,
        NOTIFY_KIND,
        NOTIFY_MESSAGE,
        {"rule": ctx.rule.name, "message": str(config.get("message") or "")},
        link,
    )
    return runs.NOTIFIED, {"user": _name(session, user_id)}


def webhook(session: Session, ctx: Context, config: dict[str, Any]) -> runs.Line:
    from .webhooks import enqueue_webhook

    job = enqueue_webhook(session, ctx, str(config.get("url") or ""), config.get("body") or {})
    return runs.WEBHOOK_QUEUED, {"job": job.id}


RUNNERS: dict[str, Callable[[Session, Context, dict[str, Any]], runs.Line]] = {
    SEND_EMAIL: send_email,
    CREATE_TASK: create_task,
    ASSIGN_OWNER: assign_owner,
    ADD_TAG: add_tag,
    UPDATE_FIELD: update_field,
    NOTIFY: notify,
    WEBHOOK: webhook,
}
