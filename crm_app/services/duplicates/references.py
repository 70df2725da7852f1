"""Rows that point at a record, found from the table metadata, and moving them to another.

Every table with a foreign key to the record's table counts (activities, deals, tickets,
tasks, orders, tag links, contacts of a company, child companies…), so a table added later
is moved by a merge without anyone remembering to add it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from .. import writes


def _model_of(table: sa.Table) -> Any:
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        if mapper.local_table is table:
            return mapper.class_
    raise LookupError(f"no model maps {table.name}")


def referencing(target: str, skip: tuple[str, ...] = ()) -> Iterator[tuple[Any, str, bool]]:
    """(model, attribute, is_link) for every foreign key to ``target``.id, except tables in
    ``skip``; ``is_link`` when the key is part of the primary key (a link table)."""
    table = SQLModel.metadata.tables[target]
    for other in SQLModel.metadata.sorted_tables:
        if other.name in skip:
            continue
        for fk in sorted(other.foreign_keys, key=lambda k: k.parent.name):
            if fk.column.table is table and fk.column.name == "id":
                model = _model_of(other)
                attribute = sa.inspect(model).get_property_by_column(fk.parent).key
                yield model, attribute, bool(fk.parent.primary_key)


def _pointing(
    model: Any, attribute: str, target: str, survivor_id: int, other_id: int
) -> sa.Select:
    query = sa.select(model).where(getattr(model, attribute) == other_id)
    if model.__tablename__ == target:  # a self reference: the two records themselves stay
        query = query.where(model.id.not_in((survivor_id, other_id)))
    return query


def reference_counts(
    session: Session, target: str, survivor_id: int, other_id: int
) -> dict[str, int]:
    """Table → rows pointing at ``other_id`` (for the merge screen), non-zero only."""
    out: dict[str, int] = {}
    for model, attribute, _link in referencing(target):
        query = _pointing(model, attribute, target, survivor_id, other_id)
        count = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
        if count:
            out[model.__tablename__] = out.get(model.__tablename__, 0) + int(count)
    return out


def _move_link(
    session: Session, model: Any, attribute: str, row: Any, survivor_id: int, actor_id: int | None
) -> int:
    """A link row is re-created for the survivor (unless it has it) and the old one deleted:
    its key is its identity, so it is not updated in place."""
    mapper = sa.inspect(model)
    values = {c.key: getattr(row, c.key) for c in mapper.column_attrs}
    values[attribute] = survivor_id
    key = [
        getattr(model, c.key) == values[c.key]
        for c in mapper.column_attrs
        if c.columns[0].primary_key
    ]
    exists = session.execute(sa.select(sa.literal(1)).where(*key)).first()
    if not exists:
        writes.create(session, model(**values), actor_id=actor_id)
    writes.delete(session, row, actor_id=actor_id)
    return 0 if exists else 1


def move_references(
    session: Session,
    target: str,
    survivor_id: int,
    other_id: int,
    *,
    skip: tuple[str, ...] = (),
    actor_id: int | None,
) -> dict[str, int]:
    """Point every row that points at ``other_id`` at ``survivor_id``, each change audited.

    Returns table → rows moved (a link the survivor already had is deleted, not counted).
    """
    moved: dict[str, int] = {}
    for model, attribute, link in referencing(target, skip):
        query = _pointing(model, attribute, target, survivor_id, other_id)
        count = 0
        for row in list(session.execute(query).scalars()):
            if link:
                count += _move_link(session, model, attribute, row, survivor_id, actor_id)
            else:
                writes.update(session, row, {attribute: survivor_id}, actor_id=actor_id)
                count += 1
        moved[model.__tablename__] = moved.get(model.__tablename__, 0) + count
    return moved
