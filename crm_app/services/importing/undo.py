"""Undo of the last import of contacts or of companies.

Rules:
- Only the newest not-undone batch of that kind is undone; with none left,
  ``NothingToUndo``. Undoing it makes the one before it the last.
- Records it created are removed (a contact with its addresses, numbers and tags). Companies
  it created are removed only when nothing refers to them any more (a contact, deal, ticket…
  a person linked since); the others are kept and counted.
- Records it updated get back the values it replaced, and lose the addresses, numbers and
  tags it added. Every change is audited; the batch is marked undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from crm_app.models import (
    Company,
    CompanyTag,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    ImportBatch,
    ImportChange,
    Tag,
    utcnow,
)

from .. import writes
from ..companies import delete_companies
from ..i18n import N_
from .fields import entity_of
from .merging import chunks
from .problems import NothingToUndo

NOTHING = N_("There is no import to undo.")
_MODELS: dict[str, type[Contact] | type[Company]] = {"contact": Contact, "company": Company}


@dataclass
class UndoResult:
    batch_id: int
    entity: str
    removed: int  # records of the batch's kind it created, now removed
    restored: int  # records it updated, now as they were
    companies_removed: int  # companies a contact import created, now removed
    companies_kept: int  # companies it created that something refers to


def last_import(session: Session, entity: str) -> ImportBatch | None:
    """The import an undo would revert, or None."""
    q = (
        sa.select(ImportBatch)
        .where(ImportBatch.entity == entity_of(entity), ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )
    return session.execute(q).scalars().first()


def undo_last_import(session: Session, entity: str, *, actor_id: int | None) -> UndoResult:
    """Revert the last import of ``entity`` (see the module rules); the caller commits."""
    entity = entity_of(entity)
    batch = last_import(session, entity)
    if batch is None:
        raise NothingToUndo(NOTHING)
    changes = list(
        session.execute(
            sa.select(ImportChange)
            .where(ImportChange.batch_id == batch.id)
            .order_by(ImportChange.id)
        ).scalars()
    )
    restored = 0
    for change in reversed([c for c in changes if c.action == "updated"]):
        restored += _restore(session, change, actor_id=actor_id)
    contacts = [c.record_id for c in changes if c.action == "created" and c.entity == "contact"]
    companies = [c.record_id for c in changes if c.action == "created" and c.entity == "company"]
    removed = _remove_contacts(session, contacts, actor_id=actor_id)
    referenced = _referenced(session, companies)
    gone_companies = [i for i in companies if i not in referenced]
    companies_removed = delete_companies(session, gone_companies, actor_id=actor_id)
    if entity == "company":
        removed, companies_removed = companies_removed, 0
    writes.update(session, batch, {"undone_at": utcnow()}, actor_id=actor_id)
    assert batch.id is not None
    return UndoResult(
        batch_id=batch.id,
        entity=entity,
        removed=removed,
        restored=restored,
        companies_removed=companies_removed,
        companies_kept=len(companies) - len(gone_companies),
    )


def _remove_contacts(session: Session, ids: list[int], *, actor_id: int | None) -> int:
    """Delete the contacts an import created, each audited with its values. Their addresses,
    numbers and tag links go with them (ON DELETE CASCADE), as they came: in bulk."""
    removed = 0
    for part in chunks(sorted(set(ids))):
        for contact in list(
            session.execute(sa.select(Contact).where(Contact.id.in_(part))).scalars()
        ):
            writes.delete(session, contact, actor_id=actor_id)
            removed += 1
    return removed


def _typed(model: type[SQLModel], key: str, value: Any) -> Any:
    """A value from ``before`` as its column stores it (ISO text back to a datetime)."""
    if not isinstance(value, str):
        return value
    try:
        kind = sa.inspect(model).columns[key].type.python_type
    except NotImplementedError:
        return value
    return datetime.fromisoformat(value) if kind is datetime else value


def _restore(session: Session, change: ImportChange, *, actor_id: int | None) -> int:
    model = _MODELS.get(change.entity)
    record = session.get(model, change.record_id) if model else None
    if model is None or record is None:
        return 0
    before = change.before or {}
    fields = {k: _typed(model, k, v) for k, v in (before.get("fields") or {}).items()}
    if fields.get("company_id") is not None and session.get(Company, fields["company_id"]) is None:
        fields["company_id"] = None  # the old company was deleted since
    writes.update(session, record, fields, actor_id=actor_id)
    added = before.get("added") or {}
    if model is Contact:
        for child, column, values in (
            (ContactEmail, ContactEmail.email, added.get("emails")),
            (ContactPhone, ContactPhone.phone, added.get("phones")),
        ):
            if values:
                q = sa.select(child).where(child.contact_id == record.id, column.in_(values))
                for row in list(session.execute(q).scalars()):
                    writes.delete(session, row, actor_id=actor_id)
    link, owner = (
        (ContactTag, ContactTag.contact_id)
        if model is Contact
        else (CompanyTag, CompanyTag.company_id)
    )
    names = {str(t).casefold() for t in added.get("tags") or []}
    if names:
        q = sa.select(link, Tag.name).join(Tag, Tag.id == link.tag_id).where(owner == record.id)
        for row, name in list(session.execute(q)):
            if name.casefold() in names:
                writes.delete(session, row, actor_id=actor_id)
    return 1


def _referenced(session: Session, company_ids: list[int]) -> set[int]:
    """Which of the companies a row of another table refers to (their own tag links aside)."""
    found: set[int] = set()
    if not company_ids:
        return found
    for table in SQLModel.metadata.tables.values():
        if table.name == CompanyTag.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != Company.__tablename__ or fk.column.name != "id":
                continue
            column = fk.parent
            for part in chunks(company_ids):
                q = sa.select(column).where(column.in_(part)).distinct()
                found.update(int(v) for v in session.execute(q).scalars())
    return found
