"""Companies from imported rows: which company each row is, what would change, the writes.

Rules:
- A row matches the company with its ID from the other system or its website (any case);
  failing both, the company with exactly its name (any case), unless that company has another
  website or ID. Rows of the file that match each other this way are one company.
- A match is updated with the row's non-blank cells only, and its tags are added to.
  A row that matches nothing needs a name to be created.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, CompanyTag, Tag

from .. import tags as tag_rules
from .. import writes
from ..i18n import N_
from .bulk import insert_rows
from .fields import CUSTOM_PREFIX
from .merging import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Change,
    Decision,
    Incoming,
    Plan,
    chunks,
    groups,
    jsonable,
)
from .rows import RowValues

ENTITY = "company"
NEED_NAME = N_("Enter the company name.")
MATCHES_TWO = N_("These rows match different companies.")
_COLUMNS = ("name", "domain", "industry", "employees", "annual_revenue", "street", "city",
            "region", "postal_code", "country", "external_id")  # fmt: skip


def _fold(text: str | None) -> str:
    return " ".join(str(text or "").split()).casefold()


def incoming(row: RowValues) -> Incoming:
    v = row.values
    columns = {k: v[k] for k in _COLUMNS if k in v}
    if v.get("phone"):
        columns["phone"] = v["phone"][0]
    if "owner" in v:
        columns["owner_id"] = v["owner"]
    custom = {k.removeprefix(CUSTOM_PREFIX): x for k, x in v.items() if k.startswith(CUSTOM_PREFIX)}
    return Incoming(rows=[row], columns=columns, tags=list(v.get("tags", [])), custom=custom)


def _strong_keys(item: Incoming) -> list[tuple[str, str]]:
    keys = []
    if item.columns.get("external_id"):
        keys.append(("x", str(item.columns["external_id"])))
    if item.columns.get("domain"):
        keys.append(("d", str(item.columns["domain"])))
    return keys


def _merge(items: list[Incoming]) -> list[Incoming]:
    """Rows sharing an ID or website are one company; a row with only a name joins the
    company of that name in the file."""
    keys = [_strong_keys(i) or [("n", _fold(i.columns.get("name")))] for i in items]
    named: dict[str, int] = {}
    for i, item in enumerate(items):
        if _strong_keys(item) and item.columns.get("name"):
            named.setdefault(_fold(item.columns["name"]), i)
    for i, item in enumerate(items):
        first = named.get(_fold(item.columns.get("name")))
        if not _strong_keys(item) and first is not None:
            keys[i].append(("i", first))
            keys[first].append(("i", first))
    merged = []
    for members in groups(keys):
        head = items[members[0]]
        for other in members[1:]:
            head.absorb(items[other])
        merged.append(head)
    return merged


def plan(session: Session, rows: list[RowValues]) -> Plan:
    """What importing ``rows`` would do to companies; writes nothing."""
    out = Plan()
    items = [incoming(row) for row in rows]
    merged = _merge(items)
    out.merged = len(items) - len(merged)
    found = _Found(session, merged)
    for item in merged:
        ids = {
            found.by_key[k]
            for r in item.rows
            for k in _strong_keys(incoming(r))
            if k in found.by_key
        }
        if len(ids) > 1:
            out.rejected += item.reject("external_id", MATCHES_TWO)
            continue
        company = found.companies.get(next(iter(ids))) if ids else found.by_name(item)
        if company is None and not item.columns.get("name"):
            out.rejected += item.reject("name", NEED_NAME)
            continue
        out.decisions.append(_decide(item, company, found.tags))
    out.rejected.sort(key=lambda r: r.row)
    return out


class _Found:
    """Existing companies the file names, by ID, website and name, with their tag names."""

    def __init__(self, session: Session, items: list[Incoming]):
        self.by_key: dict[tuple[str, str], int] = {}
        self.companies: dict[int, Company] = {}
        self.named: dict[str, list[Company]] = {}
        ext = sorted({str(i.columns["external_id"]) for i in items if i.columns.get("external_id")})
        dom = sorted({str(i.columns["domain"]) for i in items if i.columns.get("domain")})
        names = sorted({_fold(i.columns.get("name")) for i in items if i.columns.get("name")})
        for part in chunks(ext):
            self._load(session, Company.external_id.in_(part), "x", "external_id")
        for part in chunks(dom):
            self._load(session, sa.func.lower(Company.domain).in_(part), "d", "domain")
        for part in chunks(names):
            self._load(session, sa.func.lower(Company.name).in_(part), None, None)
        missing = {n for n in names if not n.isascii() and n not in self.named}
        if missing:  # SQLite's lower() folds ASCII only: find those names in Python
            everyone = session.execute(sa.select(Company.id, Company.name))
            ids = [int(cid) for cid, name in everyone if _fold(name) in missing]
            for part in chunks(ids):
                self._load(session, Company.id.in_(part), None, None)
        self.tags: dict[int, list[str]] = {}
        for part in chunks(sorted(self.companies)):
            q = (
                sa.select(CompanyTag.company_id, Tag.name)
                .join(Tag, Tag.id == CompanyTag.tag_id)
                .where(CompanyTag.company_id.in_(part))
            )
            for cid, name in session.execute(q.order_by(Tag.name)):
                self.tags.setdefault(int(cid), []).append(name)

    def _load(self, session: Session, where: Any, kind: str | None, column: str | None) -> None:
        query = sa.select(Company).where(where).order_by(Company.id)
        for company in session.execute(query).scalars():
            assert company.id is not None
            if company.id not in self.companies:
                self.companies[company.id] = company
                self.named.setdefault(_fold(company.name), []).append(company)
            if kind and column:
                value = str(getattr(company, column))
                key = (kind, value.lower() if kind == "d" else value)
                self.by_key.setdefault(key, company.id)

    def by_name(self, item: Incoming) -> Company | None:
        """The first company with the row's name that has no other website or ID."""
        for company in self.named.get(_fold(item.columns.get("name")), []):
            if all(
                not getattr(company, k)
                or not item.columns.get(k)
                or getattr(company, k) == item.columns[k]
                for k in ("domain", "external_id")
            ):
                return company
        return None


def _decide(item: Incoming, company: Company | None, tags: dict[int, list[str]]) -> Decision:
    if company is None:
        return Decision(CREATE, item, new_tags=item.tags)
    changes = {k: v for k, v in item.columns.items() if getattr(company, k) != v}
    if _fold(changes.get("name")) == _fold(company.name):
        del changes["name"]  # matched by name in another case: the stored spelling stays
    custom = {**(company.custom_fields or {}), **item.custom}
    if custom != (company.custom_fields or {}):
        changes["custom_fields"] = custom
    stored = tags.get(company.id, [])  # type: ignore[arg-type]
    folded = {t.casefold() for t in stored}
    new_tags = [t for t in item.tags if t.casefold() not in folded]
    if not changes and not new_tags:
        return Decision(UNCHANGED, item, record_id=company.id)
    before = {
        "fields": {k: jsonable(getattr(company, k)) for k in changes},
        "tags": stored,
        "added": {"tags": new_tags},
    }
    return Decision(
        UPDATE,
        item,
        record_id=company.id,
        record=company,
        changes=changes,
        new_tags=new_tags,
        before=before,
    )


def apply(session: Session, out: Plan, *, actor_id: int | None) -> list[Change]:
    """Write the plan: new companies, updates, then tag links."""
    creating = [d for d in out.decisions if d.action == CREATE]
    rows = [dict(d.incoming.columns, custom_fields=d.incoming.custom) for d in creating]
    ids = insert_rows(session, Company, rows, actor_id=actor_id, note="import")
    changes = []
    for d, cid in zip(creating, ids, strict=True):
        d.record_id = cid
        changes.append(Change(ENTITY, cid, "created", row_key=d.incoming.key))
    for d in out.decisions:
        if d.action == UPDATE:
            if d.changes:
                writes.update(session, d.record, d.changes, actor_id=actor_id)
            changes.append(Change(ENTITY, int(d.record_id), "updated", d.incoming.key, d.before))  # type: ignore[arg-type]
    names = [t for d in out.decisions for t in d.new_tags]
    tag_ids = {
        t.name.casefold(): t.id for t in tag_rules.ensure_tags(session, names, actor_id=actor_id)
    }
    links = [
        {"company_id": d.record_id, "tag_id": t}
        for d in out.decisions
        if d.action != UNCHANGED
        for t in sorted({tag_ids[n.casefold()] for n in d.new_tags})
    ]
    for part in chunks(links, 5000):
        writes.bulk_insert(session, CompanyTag, part, actor_id=actor_id, note="import")
    return changes
