"""What the rule builder may save as actions: each kind's settings, cleaned, or a
ValidationError under ``actions`` naming the problem."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from crm_app.models import Stage

from .. import tags
from ..contacts import STAGES
from ..errors import ValidationError
from ..i18n import N_
from . import round_robin, url_guard
from .actions import (
    ADD_TAG,
    ASSIGN_OWNER,
    CREATE_TASK,
    NOTIFY,
    SEND_EMAIL,
    UPDATABLE,
    UPDATE_FIELD,
    WEBHOOK,
)

MAX_TEXT = 2000


def _bad(message: str) -> ValidationError:
    return ValidationError({"actions": message})


def _clean_user(value: Any) -> str:
    text = str(value or "owner").strip()
    if text != "owner" and not text.isdigit():
        raise _bad(N_("Choose who gets it."))
    return text


def _clean_field(session: Session, entity: str, row: dict[str, Any]) -> dict[str, Any]:
    name, value = str(row.get("field") or ""), str(row.get("value") or "").strip()[:200]
    if name not in UPDATABLE.get(entity, ()):
        raise _bad(N_("Choose a field this action may set."))
    if name == "lifecycle_stage" and value not in STAGES:
        raise _bad(N_("Choose a lifecycle stage."))
    if name == "stage_id" and (not value.isdigit() or session.get(Stage, int(value)) is None):
        raise _bad(N_("Choose a stage."))
    return {"field": name, "value": value}


def clean_url(raw: Any) -> str:
    """An http(s) address of a public host (see url_guard); raises ValidationError."""
    url = str(raw or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise _bad(N_("Enter a web address starting with http:// or https://."))
    if url_guard.refused_at_save(url):
        raise _bad(url_guard.NOT_PUBLIC)
    return url


def _clean_body(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    text = str(raw or "").strip()
    if not text:
        return {}
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise _bad(N_("The body must be a JSON object.")) from exc
    if not isinstance(body, dict):
        raise _bad(N_("The body must be a JSON object."))
    return body


def _text(row: dict[str, Any], key: str, message: str, limit: int = MAX_TEXT) -> str:
    text = str(row.get(key) or "").strip()
    if not text:
        raise _bad(message)
    return text[:limit]


def validate(session: Session, actions: Any, entity: str) -> list[dict[str, Any]]:
    """Clean action rows for a rule about ``entity``; raises ValidationError."""
    if not isinstance(actions, list) or not actions:
        raise _bad(N_("Add at least one action."))
    out: list[dict[str, Any]] = []
    for row in actions:
        kind = str(row.get("kind") or "") if isinstance(row, dict) else ""
        if kind == SEND_EMAIL:
            if str(row.get("template_id") or "").isdigit():
                out.append({"kind": kind, "template_id": int(row["template_id"])})
            else:
                subject = _text(row, "subject", N_("Enter the e-mail's subject."), 300)
                body = _text(row, "body", N_("Write the e-mail."), 20000)
                out.append({"kind": kind, "subject": subject, "body": body})
        elif kind == CREATE_TASK:
            title = _text(row, "title", N_("Enter the task's title."), 200)
            days = str(row.get("due_days") or "0").strip()
            if not days.isdigit() or int(days) > 365:
                raise _bad(N_("Enter the days until the task is due (0–365)."))
            assignee = _clean_user(row.get("assignee"))
            out.append({"kind": kind, "title": title, "due_days": int(days), "assignee": assignee})
        elif kind == ASSIGN_OWNER:
            role = str(row.get("role") or "")
            if not round_robin.valid_role(role):
                raise _bad(N_("Choose the role whose users take turns."))
            region = str(row.get("region") or "").strip()[:60]
            out.append({"kind": kind, "role": role, "region": region})
        elif kind == ADD_TAG:
            name = tags.clean_tag_name(_text(row, "tag", N_("Enter a tag."), tags.MAX_TAG_LENGTH))
            out.append({"kind": kind, "tag": name})
        elif kind == UPDATE_FIELD:
            out.append({"kind": kind, **_clean_field(session, entity, row)})
        elif kind == NOTIFY:
            message = _text(row, "message", N_("Enter the message."), 500)
            out.append({"kind": kind, "user": _clean_user(row.get("user")), "message": message})
        elif kind == WEBHOOK:
            body = _clean_body(row.get("body"))
            out.append({"kind": kind, "url": clean_url(row.get("url")), "body": body})
        else:
            raise _bad(N_("Choose an action."))
    return out
