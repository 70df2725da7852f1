"""The fields a merge chooses between, and reading the two records of a merge."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..errors import NotFound, ValidationError
from ..i18n import N_
from .finder import MODELS, check_entity

SURVIVOR, OTHER = "survivor", "other"
CUSTOM = "custom."
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "company_id",
    "owner_id",
    "lifecycle_stage",
    "source",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "preferences",
    "consent_email",
    "do_not_call",
    "external_id",
)
COMPANY_FIELDS = (
    "name",
    "domain",
    "industry",
    "employees",
    "annual_revenue",
    "phone",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "owner_id",
    "parent_id",
    "external_id",
)
FIELDS = {"contact": CONTACT_FIELDS, "company": COMPANY_FIELDS}
# Child rows merged by value rather than moved wholesale.
CHILDREN = {"contact": ("contact_emails", "contact_phones"), "company": ()}
SAME_RECORD = N_("Pick two different records.")
BAD_CHOICE = N_("Pick each field from one of the two records.")


def blank(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def load_pair(session: Session, entity: str, survivor_id: int, other_id: int) -> tuple[Any, Any]:
    check_entity(entity)
    if survivor_id == other_id:
        raise ValidationError({"other_id": SAME_RECORD})
    model = MODELS[entity]
    survivor, other = session.get(model, survivor_id), session.get(model, other_id)
    if survivor is None:
        raise NotFound(survivor_id)
    if other is None:
        raise NotFound(other_id)
    return survivor, other


def field_values(entity: str, survivor: Any, other: Any) -> list[tuple[str, Any, Any]]:
    out = [(k, getattr(survivor, k), getattr(other, k)) for k in FIELDS[entity]]
    mine, theirs = survivor.custom_fields or {}, other.custom_fields or {}
    for key in sorted(set(mine) | set(theirs)):
        out.append((CUSTOM + key, mine.get(key), theirs.get(key)))
    return out


def default_side(mine: Any, theirs: Any) -> str:
    return OTHER if blank(mine) and not blank(theirs) else SURVIVOR
