"""The one write path. Every create, update and delete of a CRM record goes through here,
and each writes its audit entry in the same transaction, so no caller can forget it.

Other services keep derived data in step (the search index, later automations) by
registering a write hook with ``after_write``; writes.py never imports them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from crm_app.models import AuditEntry, utcnow

# Fields never copied into the audit trail.
_SECRET_FIELDS = {"password_hash", "token_hash"}

# A hook gets (session, action, ids); it may return a callable to run once the write is flushed.
WriteHook = Callable[[Session, str, list[int]], Callable[[], None] | None]
_hooks: defaultdict[str, list[WriteHook]] = defaultdict(list)


def after_write(table_name: str) -> Callable[[WriteHook], WriteHook]:
    """Register ``hook(session, action, ids)`` for every write to ``table_name``.

    ``action`` is the audit action: "create" and "bulk_create" call the hook right after the
    insert is flushed (``ids`` are the new primary keys; for a bulk insert the id range).
    "update" and "delete" call it *before* the change is flushed, while the database still
    holds the old row, so the hook can read what it needs (a deleted email's contact); if
    the hook returns a callable, that runs right after the change is flushed. Hooks run in
    the writer's transaction: whatever they write commits or rolls back with the record.
    """

    def register(hook: WriteHook) -> WriteHook:
        if hook not in _hooks[table_name]:
            _hooks[table_name].append(hook)
        return hook

    return register


def _notify(
    session: Session, table_name: str, action: str, ids: list[int]
) -> list[Callable[[], None]]:
    """Run the hooks of ``table_name``; returns what they left to do after the flush."""
    if not ids or not _hooks.get(table_name):
        return []
    later = []
    with session.no_autoflush:  # "before" hooks must see the database, not pending changes
        for hook in list(_hooks[table_name]):
            then = hook(session, action, ids)
            if then is not None:
                later.append(then)
    return later


def _run_all(todo: list[Callable[[], None]]) -> None:
    for then in todo:
        then()


def _pk(obj: SQLModel) -> int | None:
    pk = getattr(obj, "id", None)
    return pk if isinstance(pk, int) else None


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value for the audit trail."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _entity(obj_or_model: SQLModel | type[SQLModel]) -> str:
    return str(obj_or_model.__tablename__)


def _columns(obj: SQLModel) -> dict[str, Any]:
    mapper = sa.inspect(type(obj))
    return {c.key: getattr(obj, c.key) for c in mapper.column_attrs}


def audit(
    session: Session,
    *,
    actor_id: int | None,
    entity: str,
    entity_id: int | None,
    action: str,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry (also used for non-CRUD events such as login or logout)."""
    entry = AuditEntry(
        user_id=actor_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes={
            k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v]
            for k, v in (changes or {}).items()
        },
    )
    session.add(entry)
    return entry


def create[T: SQLModel](session: Session, obj: T, *, actor_id: int | None) -> T:
    """Insert ``obj`` and audit it with its initial values."""
    session.add(obj)
    session.flush()
    _audit_row(session, obj, "create", _values(obj), actor_id)
    pk = _pk(obj)
    _run_all(_notify(session, _entity(obj), "create", [pk] if pk is not None else []))
    return obj


def _values(obj: SQLModel) -> dict[str, Any]:
    """The row's non-empty, non-secret values, as the audit trail keeps them."""
    return {k: v for k, v in _columns(obj).items() if k not in _SECRET_FIELDS and v is not None}


def _audit_row(
    session: Session, obj: SQLModel, action: str, changes: Mapping[str, Any], actor_id: int | None
) -> None:
    pk = getattr(obj, "id", None)
    audit(
        session,
        actor_id=actor_id,
        entity=_entity(obj),
        entity_id=pk if isinstance(pk, int) else None,
        action=action,
        changes=changes,
    )


def update[T: SQLModel](
    session: Session, obj: T, changes: Mapping[str, Any], *, actor_id: int | None
) -> dict[str, list[Any]]:
    """Apply ``changes`` to ``obj``; audit each field that really changed as [before, after].

    Returns the diff (empty when nothing changed, in which case nothing is written).
    """
    columns = {c.key for c in sa.inspect(type(obj)).column_attrs}
    unknown = set(changes) - columns
    if unknown:
        raise ValueError(f"unknown fields for {_entity(obj)}: {sorted(unknown)}")
    diff: dict[str, list[Any]] = {}
    for key, new in changes.items():
        old = getattr(obj, key)
        if old != new:
            diff[key] = [old, new]
    if not diff:
        return {}
    pk = _pk(obj)
    later = _notify(session, _entity(obj), "update", [pk] if pk is not None else [])
    for key, (_old, new) in diff.items():
        setattr(obj, key, new)
    if "updated_at" in columns and "updated_at" not in changes:
        obj.updated_at = utcnow()  # type: ignore[attr-defined]
    session.add(obj)
    session.flush()
    _run_all(later)
    shown = {k: (["***", "***"] if k in _SECRET_FIELDS else v) for k, v in diff.items()}
    _audit_row(session, obj, "update", shown, actor_id)
    return diff


def delete(session: Session, obj: SQLModel, *, actor_id: int | None) -> None:
    """Delete ``obj`` and keep its last values in the audit trail."""
    _audit_row(session, obj, "delete", _values(obj), actor_id)
    pk = _pk(obj)
    later = _notify(session, _entity(obj), "delete", [pk] if pk is not None else [])
    session.delete(obj)
    session.flush()
    _run_all(later)


def bulk_insert(
    session: Session,
    model: type[SQLModel],
    rows: Iterable[Mapping[str, Any]],
    *,
    actor_id: int | None,
    note: str = "",
) -> int:
    """Insert many rows with one statement and one audit entry for the batch.

    For large seeds and imports, where one audit row per record would double the work;
    the entry records how many rows and the id range they received.
    """
    batch = list(rows)
    if not batch:
        return 0
    table = model.__table__  # type: ignore[attr-defined]
    before = (
        session.execute(sa.select(sa.func.max(table.c.id))).scalar() if "id" in table.c else None
    )
    session.execute(sa.insert(table), batch)
    after = (
        session.execute(sa.select(sa.func.max(table.c.id))).scalar() if "id" in table.c else None
    )
    first = (before or 0) + 1 if after else None
    audit(
        session,
        actor_id=actor_id,
        entity=_entity(model),
        entity_id=None,
        action="bulk_create",
        changes={"rows": len(batch), "first_id": first, "last_id": after, "note": note},
    )
    if first is not None and after is not None:
        _run_all(_notify(session, _entity(model), "bulk_create", list(range(first, after + 1))))
    return len(batch)


def create_many[T: SQLModel](
    session: Session, objs: Iterable[T], *, actor_id: int | None
) -> list[T]:
    """Insert many objects with one flush, still one audit entry per object.

    For seeds and imports of a few thousand rows; ``bulk_insert`` is for millions.
    """
    items = list(objs)
    session.add_all(items)
    session.flush()
    session.add_all(
        [
            AuditEntry(
                user_id=actor_id,
                entity=_entity(obj),
                action="create",
                entity_id=pk if isinstance(pk := getattr(obj, "id", None), int) else None,
                changes={k: _plain(v) for k, v in _values(obj).items()},
            )
            for obj in items
        ]
    )
    by_table: dict[str, list[int]] = defaultdict(list)
    for obj in items:
        if (pk := _pk(obj)) is not None:
            by_table[_entity(obj)].append(pk)
    for table_name, ids in by_table.items():
        _run_all(_notify(session, table_name, "create", ids))
    return items
