"""Tags shared by contacts and companies: one tag per name, whatever its case."""

from __future__ import annotations

import re
import zlib

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import CompanyTag, ContactTag, Tag

from . import writes
from .errors import ValidationError
from .i18n import N_

MAX_TAG_LENGTH = 60  # the column's limit
# Radix colour names; a new tag gets one picked from its name, so it keeps it across installs.
PALETTE = (
    "gray",
    "blue",
    "green",
    "orange",
    "purple",
    "crimson",
    "cyan",
    "amber",
    "teal",
    "indigo",
)
_SPACES = re.compile(r"\s+")


def clean_tag_name(name: str) -> str:
    """The name as stored: trimmed, with runs of whitespace collapsed to one space."""
    return _SPACES.sub(" ", str(name)).strip()


def clean_tag_names(names: list[str]) -> list[str]:
    """Cleaned, non-empty names without case-insensitive repeats, in the order given."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in names:
        name = clean_tag_name(raw)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def tag_errors(names: list[str]) -> dict[str, str]:
    """Problems with tag names as typed, keyed by the form field ``tags``."""
    if any(len(n) > MAX_TAG_LENGTH for n in clean_tag_names(names)):
        return {"tags": N_("A tag can be at most 60 characters long.")}
    return {}


def find_tags(session: Session, names: list[str]) -> dict[str, Tag]:
    """Existing tags for ``names`` keyed by the casefolded name (missing ones left out).

    SQLite's lower() folds only ASCII, so names it cannot match are compared in Python.
    """
    wanted = {n.casefold(): n for n in clean_tag_names(names)}
    found: dict[str, Tag] = {}
    if not wanted:
        return found
    exact = sa.select(Tag).where(Tag.name.in_(list(wanted.values())))
    for tag in session.execute(exact).scalars():
        found[tag.name.casefold()] = tag
    missing = [k for k in wanted if k not in found]
    if missing:
        folded = sa.select(Tag).where(sa.func.lower(Tag.name).in_(missing))
        for tag in session.execute(folded).scalars():
            found.setdefault(tag.name.casefold(), tag)
    if any(not k.isascii() for k in wanted if k not in found):
        for tag in session.execute(sa.select(Tag)).scalars():
            if tag.name.casefold() in wanted:
                found.setdefault(tag.name.casefold(), tag)
    return found


def ensure_tags(session: Session, names: list[str], *, actor_id: int | None) -> list[Tag]:
    """The tags for ``names``, in order: existing ones reused whatever their case, others created.

    Raises ValidationError (key ``tags``) when a name is longer than the column allows.
    """
    errors = tag_errors(names)
    if errors:
        raise ValidationError(errors)
    cleaned = clean_tag_names(names)
    found = find_tags(session, cleaned)
    out: list[Tag] = []
    for name in cleaned:
        tag = found.get(name.casefold())
        if tag is None:
            tag = writes.create(session, Tag(name=name, color=_color(name)), actor_id=actor_id)
            found[name.casefold()] = tag
        out.append(tag)
    return out


def _color(name: str) -> str:
    return PALETTE[zlib.crc32(name.casefold().encode()) % len(PALETTE)]


def list_tags(session: Session) -> list[tuple[int, str, str]]:
    """Every tag as (id, name, colour), sorted by name for pickers."""
    rows = session.execute(sa.select(Tag.id, Tag.name, Tag.color)).all()
    return sorted(((int(i), n, c) for i, n, c in rows), key=lambda r: r[1].casefold())


# -- links between records and tags (contact_tags, company_tags), every change audited -----------
type LinkModel = type[ContactTag] | type[CompanyTag]
CHUNK = 500  # ids per IN (…): well under every database's bound-parameter limit


def chunked(ids: list[int]) -> list[list[int]]:
    """Distinct ids in order, in slices small enough for one IN (…)."""
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


def set_links(
    session: Session,
    link: LinkModel,
    owner_field: str,
    owner_id: int,
    names: list[str],
    *,
    actor_id: int | None,
) -> bool:
    """Make one record's tags exactly ``names``; writes nothing when they already are."""
    wanted = {t.id for t in ensure_tags(session, names, actor_id=actor_id)}
    column = getattr(link, owner_field)
    current = list(session.execute(sa.select(link).where(column == owner_id)).scalars())
    have = {row.tag_id for row in current}
    for row in current:
        if row.tag_id not in wanted:
            writes.delete(session, row, actor_id=actor_id)
    new = [link(**{owner_field: owner_id, "tag_id": t}) for t in sorted(wanted - have)]
    if new:
        writes.create_many(session, new, actor_id=actor_id)
    return bool(new) or len(have - wanted) > 0


def add_links(
    session: Session,
    link: LinkModel,
    owner_field: str,
    owner_ids: list[int],
    names: list[str],
    *,
    actor_id: int | None,
) -> int:
    """Tag many records (unknown tags created); returns how many links were added.

    ``owner_ids`` must exist (callers pass ids they have just read).
    """
    if not owner_ids:
        return 0
    tag_ids = [t.id for t in ensure_tags(session, names, actor_id=actor_id)]
    if not tag_ids:
        return 0
    column = getattr(link, owner_field)
    added = 0
    for part in chunked(owner_ids):
        q = sa.select(column, link.tag_id).where(column.in_(part), link.tag_id.in_(tag_ids))
        have = {(int(o), int(t)) for o, t in session.execute(q)}
        new = [
            link(**{owner_field: o, "tag_id": t})
            for o in part
            for t in tag_ids
            if (o, t) not in have
        ]
        writes.create_many(session, new, actor_id=actor_id)
        added += len(new)
    return added


def remove_links(
    session: Session,
    link: LinkModel,
    owner_field: str,
    owner_ids: list[int],
    names: list[str],
    *,
    actor_id: int | None,
) -> int:
    """Remove tags from many records (unknown names ignored); returns how many links went."""
    tag_ids = [t.id for t in find_tags(session, names).values()]
    if not tag_ids or not owner_ids:
        return 0
    column = getattr(link, owner_field)
    removed = 0
    for part in chunked(owner_ids):
        q = sa.select(link).where(column.in_(part), link.tag_id.in_(tag_ids))
        for row in list(session.execute(q).scalars()):
            writes.delete(session, row, actor_id=actor_id)
            removed += 1
    return removed


def tag_names_of(session: Session, link: LinkModel, owner_field: str, owner_id: int) -> list[str]:
    """One record's tag names, sorted as the form shows them."""
    q = (
        sa.select(Tag.name)
        .join(link, link.tag_id == Tag.id)
        .where(getattr(link, owner_field) == owner_id)
    )
    return sorted(session.execute(q).scalars(), key=str.casefold)
