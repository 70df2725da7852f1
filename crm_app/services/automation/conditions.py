"""Conditions of a rule: all must hold for the actions to run.

Kinds:
- ``field``: a field of the record compared with a value (``op``: eq, ne, contains, gt, lt,
  empty, not_empty). Text compares without regard to case; numbers as numbers;
- ``tag``: the contact (the record's contact for a deal or ticket) has (``has``) or has not
  (``not``) a tag, by name without regard to case;
- ``segment``: the contact is (``in``) or is not (``not_in``) a member of a saved segment
  right now; a segment that is gone matches nobody.
A deal or ticket without a contact has no tags and is in no segment.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Contact, ContactTag, Deal, Segment, Tag, Ticket

from .. import segments
from ..errors import ValidationError
from ..i18n import N_

MODELS: dict[str, type] = {"contacts": Contact, "deals": Deal, "tickets": Ticket}
# entity → field → label msgid (fields a rule may compare)
FIELDS: dict[str, dict[str, str]] = {
    "contacts": {
        "lifecycle_stage": N_("Lifecycle stage"),
        "source": N_("Source"),
        "title": N_("Job title"),
        "city": N_("City"),
        "country": N_("Country"),
        "owner_id": N_("Owner"),
        "consent_email": N_("E-mail consent"),
    },
    "deals": {
        "title": N_("Title"),
        "value": N_("Value"),
        "currency": N_("Currency"),
        "source": N_("Source"),
        "stage_id": N_("Stage"),
        "pipeline_id": N_("Pipeline"),
        "owner_id": N_("Owner"),
    },
    "tickets": {
        "subject": N_("Subject"),
        "priority": N_("Priority"),
        "status": N_("Status"),
        "channel": N_("Channel"),
        "category": N_("Category"),
        "assignee_id": N_("Assignee"),
    },
}
OPS: dict[str, str] = {
    "eq": N_("is"),
    "ne": N_("is not"),
    "contains": N_("contains"),
    "gt": N_("is more than"),
    "lt": N_("is less than"),
    "empty": N_("is empty"),
    "not_empty": N_("is not empty"),
}
KINDS: dict[str, str] = {
    "field": N_("Field"),
    "tag": N_("Tag"),
    "segment": N_("Segment"),
}
TAG_OPS = {"has": N_("has tag"), "not": N_("has not tag")}
SEGMENT_OPS = {"in": N_("is in segment"), "not_in": N_("is not in segment")}


def contact_id_of(session: Session, entity: str, record_id: int | None) -> int | None:
    """The contact a record is about (itself for a contact)."""
    if record_id is None:
        return None
    if entity == "contacts":
        return record_id
    record = session.get(MODELS[entity], record_id)
    return getattr(record, "contact_id", None) if record is not None else None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().casefold()


def compare(actual: Any, op: str, expected: Any) -> bool:
    """One field comparison by the module rules."""
    if op == "empty":
        return actual is None or _text(actual) == ""
    if op == "not_empty":
        return not (actual is None or _text(actual) == "")
    if op in ("gt", "lt"):
        a, b = _number(actual), _number(expected)
        if a is None or b is None:
            return False
        return a > b if op == "gt" else a < b
    if op == "contains":
        return _text(expected) in _text(actual)
    same = _text(actual) == _text(expected)
    return same if op == "eq" else not same


def _has_tag(session: Session, contact_id: int | None, name: str) -> bool:
    if contact_id is None:
        return False
    found = session.execute(
        sa.select(ContactTag.tag_id)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(ContactTag.contact_id == contact_id, sa.func.lower(Tag.name) == name.casefold())
        .limit(1)
    ).first()
    return found is not None


def _in_segment(session: Session, contact_id: int | None, segment_id: Any) -> bool:
    segment = session.get(Segment, int(segment_id)) if str(segment_id).isdigit() else None
    if contact_id is None or segment is None or segment.entity != "contact":
        return False
    members = segments.member_ids(session, segment)
    query = sa.select(Contact.id).where(Contact.id == contact_id, Contact.id.in_(members))
    return session.execute(query.limit(1)).first() is not None


def holds(session: Session, condition: dict[str, Any], entity: str, record_id: int) -> bool:
    kind = condition.get("kind")
    op = str(condition.get("op") or "")
    value = condition.get("value")
    if kind == "field":
        name = str(condition.get("field") or "")
        if name not in FIELDS.get(entity, {}):
            return False
        record = session.get(MODELS[entity], record_id)
        return record is not None and compare(getattr(record, name), op, value)
    contact_id = contact_id_of(session, entity, record_id)
    if kind == "tag":
        found = _has_tag(session, contact_id, str(value or ""))
        return found if op != "not" else not found
    if kind == "segment":
        found = _in_segment(session, contact_id, value)
        return found if op != "not_in" else not found
    return False


def all_hold(
    session: Session, conditions: list[dict[str, Any]], entity: str, record_id: int
) -> bool:
    return all(holds(session, c, entity, record_id) for c in conditions or [])


def validate(conditions: Any, entity: str) -> list[dict[str, Any]]:
    """Clean condition rows for ``entity``; raises ValidationError naming the first bad row."""
    if not isinstance(conditions, list):
        raise ValidationError({"conditions": N_("The conditions are not valid.")})
    out: list[dict[str, Any]] = []
    for row in conditions:
        if not isinstance(row, dict):
            raise ValidationError({"conditions": N_("The conditions are not valid.")})
        kind = str(row.get("kind") or "")
        op = str(row.get("op") or "")
        value = row.get("value")
        value = "" if value is None else str(value).strip()[:200]
        if kind == "field":
            name = str(row.get("field") or "")
            if name not in FIELDS.get(entity, {}):
                raise ValidationError({"conditions": N_("Choose a field of this record.")})
            if op not in OPS:
                raise ValidationError({"conditions": N_("Choose a comparison.")})
            out.append({"kind": kind, "field": name, "op": op, "value": value})
        elif kind == "tag":
            if op not in TAG_OPS or not value:
                raise ValidationError({"conditions": N_("Enter a tag.")})
            out.append({"kind": kind, "op": op, "value": value})
        elif kind == "segment":
            if op not in SEGMENT_OPS or not value.isdigit():
                raise ValidationError({"conditions": N_("Choose a segment.")})
            out.append({"kind": kind, "op": op, "value": value})
        else:
            raise ValidationError({"conditions": N_("The conditions are not valid.")})
    return out
