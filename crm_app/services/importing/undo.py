"""Undo of the last import of contacts, of companies, of deals or of tickets.

Rules:
- Only the newest not-undone batch of that kind is undone; with none left,
  ``NothingToUndo``. Undoing it makes the one before it the last.
- Records it created are removed (a contact with its addresses, numbers and tags). Companies
  it created are removed only when nothing refers to them any more (a contact, deal, ticket…
  a person linked since); the others are kept and counted.
- Records it updated get back the values it replaced, and lose the addresses, numbers and
  tags it added. Every change is audited; the batch is marked undone.
- Deals: created ones are removed with their history and their orders; updated ones get back
  their values (stage, closing and order included) and lose the history entries it added.
  Contacts a deals import created are removed unless something else refers to them now.
- Tickets: created ones are removed (their comments with them); updated ones get back their
  values. Contacts a tickets import created are removed unless something else refers to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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
    Deal,
    DealStageChange,
    ImportBatch,
    ImportChange,
    Order,
    OrderLine,
    Tag,
    Ticket,
    utcnow,
)

from .. import deal_orders, writes
from ..companies import delete_companies
from ..i18n import N_
from .fields import entity_of
from .merging import chunks
from .problems import NothingToUndo
from .ticket_import import remove_tickets

NOTHING = N_("There is no import to undo.")
_MODELS: dict[str, type[Contact] | type[Company] | type[Deal] | type[Ticket]] = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
    "ticket": Ticket,
}
_CONTACT_OWN = ("contact_emails", "contact_phones", "contact_tags")


@dataclass
class UndoResult:
    batch_id: int
    entity: str
    removed: int  # records of the batch's kind it created, now removed
    restored: int  # records it updated, now as they were
    companies_removed: int  # companies a contact import created, now removed
    companies_kept: int  # companies it created that something refers to
    contacts_removed: int = 0  # contacts a deals import created, now removed
    contacts_kept: int = 0  # contacts it created that something else refers to


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
    deals = [c.record_id for c in changes if c.action == "created" and c.entity == "deal"]
    deals_removed = _remove_deals(session, deals, batch.id or 0, actor_id=actor_id)
    tickets = [c.record_id for c in changes if c.action == "created" and c.entity == "ticket"]
    tickets_removed = remove_tickets(session, tickets, batch.id or 0, actor_id=actor_id)
    contacts_kept = 0
    if entity in ("deal", "ticket"):  # its contacts came with it: keep those in use elsewhere
        used = _referenced(session, Contact, contacts, skip=_CONTACT_OWN)
        contacts_kept = len([i for i in contacts if i in used])
        contacts = [i for i in contacts if i not in used]
    removed = _remove_contacts(session, contacts, actor_id=actor_id)
    referenced = _referenced(session, Company, companies, skip=(CompanyTag.__tablename__,))
    gone_companies = [i for i in companies if i not in referenced]
    companies_removed = delete_companies(session, gone_companies, actor_id=actor_id)
    contacts_removed = 0
    if entity == "company":
        removed, companies_removed = companies_removed, 0
    elif entity in ("deal", "ticket"):
        own = deals_removed if entity == "deal" else tickets_removed
        removed, contacts_removed = own, removed
    writes.update(session, batch, {"undone_at": utcnow()}, actor_id=actor_id)
    assert batch.id is not None
    return UndoResult(
        batch_id=batch.id,
        entity=entity,
        removed=removed,
        restored=restored,
        companies_removed=companies_removed,
        companies_kept=len(companies) - len(gone_companies),
        contacts_removed=contacts_removed,
        contacts_kept=contacts_kept,
    )


def _remove_deals(session: Session, ids: list[int], batch_id: int, *, actor_id: int | None) -> int:
    """Delete the deals an import created with their orders, in bulk as they came: one
    statement and one audit entry (naming every id) per slice. Their history and line items
    go with them (ON DELETE CASCADE), as do the orders' lines."""
    removed = 0
    note = f"undo import {batch_id}"
    for part in chunks(sorted(set(ids))):
        orders = list(session.execute(sa.select(Order.id).where(Order.deal_id.in_(part))).scalars())
        for table, model, where, gone in (
            (Order.__table__, Order, Order.id.in_(orders), orders),  # type: ignore[attr-defined]
            (Deal.__table__, Deal, Deal.id.in_(part), part),  # type: ignore[attr-defined]
        ):
            if not gone:
                continue
            count = session.execute(sa.delete(table).where(where)).rowcount
            writes.audit(session, actor_id=actor_id, entity=table.name, entity_id=None,
                         action="bulk_delete", changes={"ids": gone, "note": note})  # fmt: skip
            if model is Deal:
                removed += int(count or 0)
        for obj in list(session.identity_map.values()):
            if (isinstance(obj, Deal) and obj.id in part) or (
                isinstance(obj, Order) and obj.id in orders
            ):
                session.expunge(obj)
    return removed


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
    """A value from ``before`` as its column stores it (ISO text back to a date or datetime)."""
    if not isinstance(value, str):
        return value
    column_type = sa.inspect(model).columns[key].type
    try:
        kind = column_type.python_type
        if kind is object and isinstance(column_type, sa.types.TypeDecorator):
            kind = column_type.impl_instance.python_type  # sqlmodel's UTCDateTime
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    return date.fromisoformat(value) if kind is date else value


def _restore(session: Session, change: ImportChange, *, actor_id: int | None) -> int:
    model = _MODELS.get(change.entity)
    record = session.get(model, change.record_id) if model else None
    if model is None or record is None:
        return 0
    before = change.before or {}
    fields = {k: _typed(model, k, v) for k, v in (before.get("fields") or {}).items()}
    if fields.get("company_id") is not None and session.get(Company, fields["company_id"]) is None:
        fields["company_id"] = None  # the old company was deleted since
    if fields.get("contact_id") is not None and session.get(Contact, fields["contact_id"]) is None:
        fields["contact_id"] = None
    writes.update(session, record, fields, actor_id=actor_id)
    if isinstance(record, Deal):
        _restore_deal_extras(session, record, before, actor_id=actor_id)
        return 1
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


def _restore_deal_extras(
    session: Session, deal: Deal, before: dict[str, Any], *, actor_id: int | None
) -> None:
    """The history entries an import added go; the deal's order is as it was (none, or its
    values and lines then)."""
    added = (before.get("added") or {}).get("history") or []
    for entry in list(
        session.execute(sa.select(DealStageChange).where(DealStageChange.id.in_(added))).scalars()
    ):
        writes.delete(session, entry, actor_id=actor_id)
    if "order" not in before:
        return
    was = before["order"]
    order = deal_orders.order_of(session, deal.id or 0)
    if was is None:
        if order is not None:
            writes.delete(session, order, actor_id=actor_id)
        return
    order = session.get(Order, was["id"])
    if order is None:
        return
    fields = {k: _typed(Order, k, v) for k, v in (was.get("fields") or {}).items()}
    writes.update(session, order, fields, actor_id=actor_id)
    stored = list(
        session.execute(
            sa.select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
        ).scalars()
    )
    have = [
        list(deal_orders.line_tuple(r.product_id, r.description, r.quantity, r.unit_price,
                                    r.discount_pct))
        for r in stored
    ]  # fmt: skip
    wanted = [list(line) for line in was.get("lines") or []]
    if have != wanted:
        for row in stored:
            writes.delete(session, row, actor_id=actor_id)
        columns = ("product_id", "description", "quantity", "unit_price", "discount_pct")
        writes.create_many(
            session,
            [
                OrderLine(order_id=order.id or 0, **dict(zip(columns, w, strict=True)))
                for w in wanted
            ],
            actor_id=actor_id,
        )


def _referenced(
    session: Session, model: type[SQLModel], ids: list[int], *, skip: tuple[str, ...] = ()
) -> set[int]:
    """Which of the ``model`` rows a row of another table refers to (``skip``: their own
    child tables, e.g. a company's tag links)."""
    found: set[int] = set()
    if not ids:
        return found
    target = model.__tablename__  # type: ignore[attr-defined]
    for table in SQLModel.metadata.tables.values():
        if table.name in skip:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != target or fk.column.name != "id":
                continue
            column = fk.parent
            for part in chunks(ids):
                q = sa.select(column).where(column.in_(part)).distinct()
                found.update(int(v) for v in session.execute(q).scalars())
    return found
