"""Segments: saved, named filters over contacts or companies — the reusable audience.

Rules:
- A segment is private to its owner unless shared; a user sees their own and the shared ones.
- Names are required and unique per owner and entity (ignoring case).
- Only the owner, or a user who may manage everything (admin/manager), edits or deletes one.
- Filters are stored as ``ContactFilters``/``CompanyFilters.to_dict()`` (parsed with
  ``from_dict`` on the way in and out, so stale or foreign keys are harmless) and evaluated
  live: ``member_ids``/``member_count`` always reflect the data as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session

from crm_app.models import Segment, User

from . import company_query, contact_query, writes
from .errors import NotFound, PermissionDenied, ValidationError
from .i18n import N_

ENTITIES = ("contact", "company")
MAX_NAME = 120


@dataclass
class SegmentRow:
    id: int
    name: str
    entity: str
    shared: bool
    owner: str
    is_mine: bool


def parse_filters(entity: str, filters: dict[str, Any] | None) -> Any:
    """The stored JSON as ``ContactFilters`` or ``CompanyFilters``."""
    if entity == "company":
        return company_query.CompanyFilters.from_dict(filters)
    return contact_query.ContactFilters.from_dict(filters)


def _check_name(
    session: Session, name: str, entity: str, owner_id: int | None, skip_id: int | None
) -> dict[str, str]:
    if not name:
        return {"name": N_("Enter a name for the segment.")}
    if len(name) > MAX_NAME:
        return {"name": N_("Use at most 120 characters.")}
    same = sa.select(Segment.id).where(
        sa.func.lower(Segment.name) == name.lower(),
        Segment.entity == entity,
        Segment.owner_id == owner_id if owner_id is not None else Segment.owner_id.is_(None),
    )
    if skip_id is not None:
        same = same.where(Segment.id != skip_id)
    if session.execute(same.limit(1)).first():
        return {"name": N_("You already have a segment with this name.")}
    return {}


def create_segment(
    session: Session,
    *,
    name: str,
    entity: str,
    filters: dict[str, Any],
    owner_id: int | None,
    shared: bool,
) -> Segment:
    """Save ``filters`` under ``name`` for ``owner_id`` (who is also the audit actor)."""
    name = (name or "").strip()
    if entity not in ENTITIES:
        raise ValidationError({"entity": N_("Choose contacts or companies.")})
    errors = _check_name(session, name, entity, owner_id, None)
    if errors:
        raise ValidationError(errors)
    segment = Segment(
        name=name,
        entity=entity,
        filters=parse_filters(entity, filters).to_dict(),
        owner_id=owner_id,
        shared=bool(shared),
    )
    return writes.create(session, segment, actor_id=owner_id)


def _managed(session: Session, segment_id: int, actor_id: int, can_manage_all: bool) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None or not (segment.owner_id == actor_id or segment.shared or can_manage_all):
        raise NotFound(segment_id)  # another user's private segment does not exist for you
    if segment.owner_id != actor_id and not can_manage_all:
        raise PermissionDenied(N_("Only its owner or a manager can change this segment."))
    return segment


def update_segment(
    session: Session,
    segment_id: int,
    *,
    actor_id: int,
    can_manage_all: bool = False,
    name: str | None = None,
    filters: dict[str, Any] | None = None,
    shared: bool | None = None,
) -> Segment:
    """Rename, re-filter or (un)share a segment; None leaves a value as it is."""
    segment = _managed(session, segment_id, actor_id, can_manage_all)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name.strip()
        errors = _check_name(session, changes["name"], segment.entity, segment.owner_id, segment.id)
        if errors:
            raise ValidationError(errors)
    if filters is not None:
        changes["filters"] = parse_filters(segment.entity, filters).to_dict()
    if shared is not None:
        changes["shared"] = bool(shared)
    writes.update(session, segment, changes, actor_id=actor_id)
    return segment


def delete_segment(
    session: Session, segment_id: int, *, actor_id: int, can_manage_all: bool = False
) -> None:
    """Delete a segment: its owner may, and an admin or manager (``can_manage_all``)."""
    segment = _managed(session, segment_id, actor_id, can_manage_all)
    writes.delete(session, segment, actor_id=actor_id)


def _visible(user_id: int) -> Any:
    return sa.or_(Segment.owner_id == user_id, Segment.shared == sa.true())


def visible_segments(session: Session, user_id: int) -> list[SegmentRow]:
    """The user's own segments and the shared ones, by entity and name."""
    query = (
        sa.select(
            Segment.id, Segment.name, Segment.entity, Segment.shared, Segment.owner_id, User.name
        )
        .outerjoin(User, User.id == Segment.owner_id)
        .where(_visible(user_id))
        .order_by(Segment.entity, sa.func.lower(Segment.name), Segment.id)
    )
    return [
        SegmentRow(sid, name, entity, shared, owner or "", owner_id == user_id)
        for sid, name, entity, shared, owner_id, owner in session.execute(query)
    ]


def get_visible(session: Session, segment_id: int, user_id: int) -> Segment | None:
    """The segment if ``user_id`` may see it (own or shared), else None."""
    query = sa.select(Segment).where(Segment.id == segment_id, _visible(user_id))
    return session.execute(query).scalar_one_or_none()


def member_ids(session: Session, segment: Segment, tz: str = "UTC") -> Select:
    """The live audience: a one-column select of the ids of the segment's contacts or
    companies, to use as ``Contact.id.in_(...)`` (campaigns, analytics, exports)."""
    filters = parse_filters(segment.entity, segment.filters)
    if segment.entity == "company":
        return company_query.company_id_query(session, filters, tz=tz)
    return contact_query.contact_id_query(session, filters, tz=tz)


def member_count(session: Session, segment: Segment | None, tz: str = "UTC") -> int:
    """How many records match the segment right now (0 for a segment that is gone)."""
    if segment is None:
        return 0
    filters = parse_filters(segment.entity, segment.filters)
    if segment.entity == "company":
        return company_query.count_companies(session, filters, tz=tz)
    return contact_query.count_contacts(session, filters, tz=tz)
