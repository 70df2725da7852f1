"""What a merge of two records would do, side by side, for the merge screen. Writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, CompanyTag, ContactEmail, ContactPhone, ContactTag, Tag, User

from .children import phone_same, rows_of
from .fields import default_side, field_values, load_pair
from .references import reference_counts


@dataclass(frozen=True)
class MergeField:
    """One field of both records; ``default`` is the side taken when no choice is given.

    ``*_display`` name what an id points at (company, owner, parent company); for other
    fields they are empty and the values are shown as they are.
    """

    key: str
    survivor: Any
    other: Any
    default: str
    survivor_display: str = ""
    other_display: str = ""


@dataclass(frozen=True)
class MergePreview:
    entity: str
    survivor_id: int
    other_id: int
    fields: list[MergeField]
    emails: list[str]  # the survivor's after the merge, primary first
    phones: list[str]
    tags: list[str]
    moves: dict[str, int]  # table → rows of the other that will point at the survivor


def _display(session: Session, key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in ("company_id", "parent_id"):
        return str(session.execute(sa.select(Company.name).where(Company.id == value)).scalar())
    if key == "owner_id":
        return str(session.execute(sa.select(User.name).where(User.id == value)).scalar())
    return ""


def _tag_names(session: Session, entity: str, record_id: int) -> list[str]:
    link: Any = ContactTag if entity == "contact" else CompanyTag
    column = link.contact_id if entity == "contact" else link.company_id
    query = sa.select(Tag.name).join(link, link.tag_id == Tag.id).where(column == record_id)
    return list(session.execute(query.order_by(Tag.name)).scalars())


def merge_preview(session: Session, entity: str, survivor_id: int, other_id: int) -> MergePreview:
    """Both records field by field, and what a merge would unite and move. Writes nothing."""
    survivor, other = load_pair(session, entity, survivor_id, other_id)
    fields = [
        MergeField(
            key,
            mine,
            theirs,
            default_side(mine, theirs),
            _display(session, key, mine),
            _display(session, key, theirs),
        )
        for key, mine, theirs in field_values(entity, survivor, other)
    ]
    emails: list[str] = []
    phones: list[str] = []
    if entity == "contact":
        for record_id in (survivor_id, other_id):
            for row in rows_of(session, ContactEmail, record_id):
                if row.email.lower() not in {e.lower() for e in emails}:
                    emails.append(row.email)
            for row in rows_of(session, ContactPhone, record_id):
                if phone_same(row.phone) not in {phone_same(p) for p in phones}:
                    phones.append(row.phone)
    tags = sorted(
        set(_tag_names(session, entity, survivor_id)) | set(_tag_names(session, entity, other_id)),
        key=str.casefold,
    )
    moves = reference_counts(session, other.__tablename__, survivor_id, other_id)
    return MergePreview(entity, survivor_id, other_id, fields, emails, phones, tags, moves)
