"""What the imports share: rows merged into one incoming record, the plan of what happens to
each record, whether a stored value differs from the row's, and the changes a batch keeps for
undo."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .rows import Rejection, RowValues

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class Incoming:
    """One record's worth of rows (rows sharing an e-mail address merge into one)."""

    rows: list[RowValues]
    columns: dict[str, Any] = field(default_factory=dict)
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, label)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (E.164, label)
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    company: tuple[str | None, str | None] | None = None  # (name, domain) to link a contact to

    @property
    def key(self) -> str:
        return self.rows[0].key

    def absorb(self, other: Incoming) -> None:
        """Add a later row: its non-blank values win, its addresses, numbers and tags add up."""
        self.rows += other.rows
        self.columns.update(other.columns)
        self.custom.update(other.custom)
        self.company = other.company or self.company
        for mine, theirs in ((self.emails, other.emails), (self.phones, other.phones)):
            have = {value for value, _ in mine}
            mine.extend(item for item in theirs if item[0] not in have)
        folded = {t.casefold() for t in self.tags}
        self.tags.extend(t for t in other.tags if t.casefold() not in folded)

    def reject(self, field_name: str, reason: str) -> list[Rejection]:
        return [Rejection(r.row, field_name, reason, r.cells) for r in self.rows]


@dataclass
class Decision:
    action: str
    incoming: Incoming
    record_id: int | None = None
    record: Any = None  # the stored record an update changes (kept: the session holds it weakly)
    changes: dict[str, Any] = field(default_factory=dict)
    link: int | str | None = None  # the company to link (an id, or "new:<key>")
    new_emails: list[tuple[str, str]] = field(default_factory=list)
    new_phones: list[tuple[str, str]] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    decisions: list[Decision] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    merged: int = 0  # rows folded into another row's record
    new_companies: set[str] = field(default_factory=set)  # "new:<key>" a contact import creates
    links: Any = None  # CompanyLinks (contacts) or PeopleLinks (deals, tickets), for ``apply``

    def count(self, action: str) -> int:
        return sum(d.action == action for d in self.decisions)


@dataclass
class Change:
    """One ImportChange row: a record the import created or updated."""

    entity: str
    record_id: int
    action: str  # "created" or "updated"
    row_key: str | None = None
    before: dict[str, Any] = field(default_factory=dict)


def groups(keys: list[list[Hashable]]) -> list[list[int]]:
    """Indexes that share any key, transitively, in order of their first member."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[Hashable, int] = {}
    for i, item_keys in enumerate(keys):
        for key in item_keys:
            if key in first_with:
                a, b = root(first_with[key]), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first_with[key] = i
    out: dict[int, list[int]] = {}
    for i in range(len(keys)):
        out.setdefault(root(i), []).append(i)
    return list(out.values())


def differs(stored: Any, new: Any) -> bool:
    """Whether a row's value changes a stored one: a link to a record the import creates
    ("new:…") always does; amounts compare to the cent; a stored naive time is UTC."""
    if isinstance(new, str) and new.startswith("new:"):
        return True
    if isinstance(stored, float) or isinstance(new, float):
        return stored is None or new is None or round(float(stored), 2) != round(float(new), 2)
    if isinstance(stored, datetime) and isinstance(new, datetime):
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        return stored != new
    return stored != new


def jsonable(value: Any) -> Any:
    """A stored value as ``before`` keeps it (dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
