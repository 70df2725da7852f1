"""Merging two contacts or two companies into one, in the caller's transaction.

Rules:
- Each field takes the value of the record chosen for it (``"survivor"`` or ``"other"``);
  a field without a choice keeps the survivor's value, or the other's when the survivor's
  is blank. Custom fields are chosen one by one as ``"custom.<key>"``. The consent time
  follows the consent choice; the earlier ``created_at`` and the later
  ``last_contacted_at`` win.
- E-mails (compared without case) and phones (as stored, E.164) are united; the survivor's
  primary stays primary (the other's becomes it when the survivor has none). Tags are
  united.
- Every row of any table with a foreign key to the other record moves to the survivor.
  The tables are found in the metadata, so a table added later is moved too; a link table
  (the key is part of its primary key, like ``contact_tags``) gets the survivor's link
  unless it already has it. Pairs dismissed with the other now name the survivor.
- The other record is deleted. Every change goes through ``writes`` (so the search index
  follows) and one ``merge`` audit entry on the survivor records the merged id, the choices
  and each changed field's old and new value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from crm_app.models import Company, Contact, ContactEmail, ContactPhone

from .. import writes
from ..errors import ValidationError
from .children import phone_same, remap_dismissals, unite
from .fields import (
    BAD_CHOICE,
    CHILDREN,
    CUSTOM,
    OTHER,
    SURVIVOR,
    blank,
    default_side,
    field_values,
    load_pair,
)
from .references import move_references


def _pick(
    values: list[tuple[str, Any, Any]], choices: Mapping[str, str]
) -> dict[str, tuple[str, Any]]:
    """Field → (side, value) per the choices; unknown fields or sides raise ValidationError."""
    known = {k for k, _, _ in values}
    bad = {k for k, side in choices.items() if k not in known or side not in (SURVIVOR, OTHER)}
    if bad:
        raise ValidationError({f"choices.{k}": BAD_CHOICE for k in sorted(bad)})
    picked = {}
    for key, mine, theirs in values:
        side = choices.get(key) or default_side(mine, theirs)
        picked[key] = (side, mine if side == SURVIVOR else theirs)
    return picked


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _new_columns(
    entity: str, survivor: Any, other: Any, picked: dict[str, tuple[str, Any]]
) -> dict[str, Any]:
    columns = {k: v for k, (_, v) in picked.items() if not k.startswith(CUSTOM)}
    columns["custom_fields"] = {
        k.removeprefix(CUSTOM): v
        for k, (_, v) in picked.items()
        if k.startswith(CUSTOM) and not blank(v)
    }
    columns["created_at"] = min(survivor.created_at, other.created_at, key=_aware)
    if entity == "contact":
        if picked["consent_email"][0] == OTHER:
            columns["consent_at"] = other.consent_at
        moments = [m for m in (survivor.last_contacted_at, other.last_contacted_at) if m]
        columns["last_contacted_at"] = max(moments, key=_aware) if moments else None
    elif columns.get("parent_id") in (survivor.id, other.id):
        columns["parent_id"] = None  # a company cannot be its own parent
    return columns


def _plain(value: Any) -> Any:
    """A JSON-safe copy for the audit entry (nested values too)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _merge(
    session: Session,
    entity: str,
    survivor_id: int,
    other_id: int,
    choices: Mapping[str, str] | None,
    actor_id: int | None,
) -> SQLModel:
    survivor, other = load_pair(session, entity, survivor_id, other_id)
    choices = dict(choices or {})
    picked = _pick(field_values(entity, survivor, other), choices)
    columns = _new_columns(entity, survivor, other, picked)
    table = str(survivor.__tablename__)
    moved: dict[str, int] = {}
    if entity == "contact":
        moved["contact_emails"] = unite(
            session, ContactEmail, "email", str.lower, survivor_id, other_id, actor_id
        )
        moved["contact_phones"] = unite(
            session, ContactPhone, "phone", phone_same, survivor_id, other_id, actor_id
        )
    moved.update(
        move_references(
            session, table, survivor_id, other_id, skip=CHILDREN[entity], actor_id=actor_id
        )
    )
    remap_dismissals(session, entity, survivor_id, other_id, actor_id)
    diff = writes.update(session, survivor, columns, actor_id=actor_id)
    writes.delete(session, other, actor_id=actor_id)
    writes.audit(
        session,
        actor_id=actor_id,
        entity=table,
        entity_id=survivor_id,
        action="merge",
        changes={
            "merged_id": other_id,
            "choices": {k: v for k, v in sorted(choices.items())},
            "fields": _plain(diff),
            "moved": {k: v for k, v in moved.items() if v},
        },
    )
    return survivor


def merge_contacts(
    session: Session,
    survivor_id: int,
    other_id: int,
    choices: Mapping[str, str] | None = None,
    *,
    actor_id: int | None,
) -> Contact:
    """Merge contact ``other_id`` into ``survivor_id`` (see the module's rules); returns it."""
    merged = _merge(session, "contact", survivor_id, other_id, choices, actor_id)
    assert isinstance(merged, Contact)
    return merged


def merge_companies(
    session: Session,
    survivor_id: int,
    other_id: int,
    choices: Mapping[str, str] | None = None,
    *,
    actor_id: int | None,
) -> Company:
    """Merge company ``other_id`` into ``survivor_id``; its contacts, deals, tickets and the
    rest move to the survivor (see the module's rules)."""
    merged = _merge(session, "company", survivor_id, other_id, choices, actor_id)
    assert isinstance(merged, Company)
    return merged
