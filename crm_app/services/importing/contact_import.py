"""Contacts from imported rows: who each row is, what would change, and the audited writes.

Rules:
- A row needs an e-mail address or a name. Rows sharing an address are one contact.
- A row matches the contact that has any of its addresses (stored lower-case, so the match
  ignores case); a row without an address matches the contact an earlier, not undone import
  created from the same row (its row key), if that contact still exists.
- A match is updated with the row's non-blank cells only; its addresses, numbers and tags
  are added to, never replaced. Nothing to change → "unchanged", and nothing is written.
- Addresses that belong to two different contacts reject the row (merging is for a person).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    ImportBatch,
    ImportChange,
    Tag,
    utcnow,
)

from .. import tags as tag_rules
from .. import writes
from ..companies import TOO_LONG
from ..i18n import N_
from .bulk import insert_rows
from .company_links import CompanyLinks
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
from .rows import Rejection, RowValues
from .values import split_name

ENTITY = "contact"
NO_NAME_OR_EMAIL = N_("Enter a name or an e-mail address.")
ADDRESSES_OF_TWO = N_("These e-mail addresses belong to different contacts.")
_COLUMNS = ("first_name", "last_name", "title", "lifecycle_stage", "source", "street", "city",
            "region", "postal_code", "country", "do_not_call", "last_contacted_at",
            "external_id")  # fmt: skip
_EMAILS = (("email", "work"), ("email_2", "other"), ("email_3", "other"))
_PHONES = (("phone", "work"), ("mobile_phone", "mobile"), ("phone_2", "other"))


def incoming(row: RowValues) -> Incoming | Rejection:
    """One row as a contact's values, or why it cannot be one."""
    v = row.values
    columns = {k: v[k] for k in _COLUMNS if k in v}
    if "owner" in v:
        columns["owner_id"] = v["owner"]
    if "consent_email" in v:
        columns["consent_email"] = v["consent_email"]
    elif "email_opt_out" in v:
        columns["consent_email"] = not v["email_opt_out"]
    if not columns.get("first_name") and not columns.get("last_name") and v.get("full_name"):
        first, last = split_name(v["full_name"])
        if max(len(first), len(last)) > 100:
            return Rejection(row.row, "full_name", TOO_LONG[100], row.cells)
        columns.update(first_name=first, last_name=last)
    item = Incoming(rows=[row], columns=columns)
    for into, kinds in ((item.emails, _EMAILS), (item.phones, _PHONES)):
        seen: set[str] = set()
        for name, label in kinds:
            for value in v.get(name, []):
                if value not in seen:
                    seen.add(value)
                    into.append((value, label))
    item.tags = list(v.get("tags", []))
    item.custom = {
        k.removeprefix(CUSTOM_PREFIX): x for k, x in v.items() if k.startswith(CUSTOM_PREFIX)
    }
    if v.get("company") or v.get("company_domain"):
        item.company = (v.get("company"), v.get("company_domain"))
    if not item.emails and not columns.get("first_name") and not columns.get("last_name"):
        return Rejection(row.row, "email", NO_NAME_OR_EMAIL, row.cells)
    return item


def plan(session: Session, rows: list[RowValues]) -> Plan:
    """What importing ``rows`` would do to contacts; writes nothing."""
    out = Plan()
    items: list[Incoming] = []
    for row in rows:
        got = incoming(row)
        if isinstance(got, Rejection):
            out.rejected.append(got)
        else:
            items.append(got)
    keys = [[("e", a) for a, _ in i.emails] or [("k", i.key)] for i in items]
    merged: list[Incoming] = []
    for members in groups(keys):
        first = items[members[0]]
        for other in members[1:]:
            first.absorb(items[other])
        merged.append(first)
    out.merged = len(items) - len(merged)
    owners = _matches(session, merged)
    stored = _Stored(session, sorted({cid for cids in owners for cid in cids}))
    ok = []
    for item, cids in zip(merged, owners, strict=True):
        if len(cids) > 1:
            out.rejected += item.reject("email", ADDRESSES_OF_TWO)
        else:
            ok.append((item, next(iter(cids), None)))
    links = CompanyLinks(session, [i.company for i, _ in ok if i.company])
    for item, cid in ok:
        link = links.resolve(*item.company) if item.company else None
        decision = _decide(item, stored, cid, link)
        out.decisions.append(decision)
        if isinstance(decision.link, str):
            out.new_companies.add(decision.link)
    out.rejected.sort(key=lambda r: r.row)
    out.links = links
    return out


def _matches(session: Session, items: list[Incoming]) -> list[set[int]]:
    """Per item, the ids of the existing contacts it matches."""
    by_email: dict[str, int] = {}
    addresses = sorted({a for i in items for a, _ in i.emails})
    for part in chunks(addresses):
        q = sa.select(ContactEmail.email, ContactEmail.contact_id).where(
            ContactEmail.email.in_(part)
        )
        by_email.update({e: int(c) for e, c in session.execute(q)})
    by_key: dict[str, int] = {}
    wanted = sorted({i.key for i in items if not i.emails})
    for part in chunks(wanted):
        q = (
            sa.select(ImportChange.row_key, ImportChange.record_id)
            .join(ImportBatch, ImportBatch.id == ImportChange.batch_id)
            .join(Contact, Contact.id == ImportChange.record_id)
            .where(
                ImportChange.entity == ENTITY,
                ImportChange.action == "created",
                ImportChange.row_key.in_(part),
                ImportBatch.undone_at.is_(None),
            )
            .order_by(ImportChange.id)
        )
        by_key.update({k: int(c) for k, c in session.execute(q)})
    out = []
    for item in items:
        if item.emails:
            out.append({by_email[a] for a, _ in item.emails if a in by_email})
        else:
            out.append({by_key[item.key]} if item.key in by_key else set())
    return out


class _Stored:
    """The matched contacts with their addresses, numbers and tag names, read in chunks."""

    def __init__(self, session: Session, ids: list[int]):
        self.contacts: dict[int, Contact] = {}
        self.emails: dict[int, list[str]] = {}
        self.phones: dict[int, list[str]] = {}
        self.tags: dict[int, list[str]] = {}
        for part in chunks(ids):
            q = sa.select(Contact).where(Contact.id.in_(part))
            self.contacts.update({c.id: c for c in session.execute(q).scalars()})
            for model, key, into in (
                (ContactEmail, "email", self.emails),
                (ContactPhone, "phone", self.phones),
            ):
                q2 = sa.select(model.contact_id, getattr(model, key)).where(
                    model.contact_id.in_(part)
                )
                for cid, value in session.execute(q2.order_by(model.id)):
                    into.setdefault(int(cid), []).append(value)
            q3 = (
                sa.select(ContactTag.contact_id, Tag.name)
                .join(Tag, Tag.id == ContactTag.tag_id)
                .where(ContactTag.contact_id.in_(part))
            )
            for cid, name in session.execute(q3.order_by(Tag.name)):
                self.tags.setdefault(int(cid), []).append(name)


def _decide(item: Incoming, stored: _Stored, cid: int | None, link: int | str | None) -> Decision:
    if cid is None:
        return Decision(CREATE, item, link=link, new_emails=item.emails,
                        new_phones=item.phones, new_tags=item.tags)  # fmt: skip
    contact = stored.contacts[cid]
    changes = {k: v for k, v in item.columns.items() if getattr(contact, k) != v}
    if "consent_email" in changes:
        changes["consent_at"] = utcnow() if changes["consent_email"] else None
    custom = {**(contact.custom_fields or {}), **item.custom}
    if custom != (contact.custom_fields or {}):
        changes["custom_fields"] = custom
    if link is not None and link != contact.company_id:
        changes["company_id"] = link
    emails, phones = stored.emails.get(cid, []), stored.phones.get(cid, [])
    tags = stored.tags.get(cid, [])
    folded = {t.casefold() for t in tags}
    decision = Decision(
        UPDATE,
        item,
        record_id=cid,
        record=contact,
        changes=changes,
        link=link if "company_id" in changes else None,
        new_emails=[e for e in item.emails if e[0] not in emails],
        new_phones=[p for p in item.phones if p[0] not in phones],
        new_tags=[t for t in item.tags if t.casefold() not in folded],
    )
    if not (changes or decision.new_emails or decision.new_phones or decision.new_tags):
        decision.action = UNCHANGED
        return decision
    decision.before = {
        "fields": {k: jsonable(getattr(contact, k)) for k in changes},
        "emails": emails,
        "phones": phones,
        "tags": tags,
        "added": {
            "emails": [e for e, _ in decision.new_emails],
            "phones": [p for p, _ in decision.new_phones],
            "tags": decision.new_tags,
        },
    }
    return decision


def apply(session: Session, out: Plan, *, actor_id: int | None) -> list[Change]:
    """Write the plan: new companies, new contacts, updates, then addresses, numbers, tags."""
    links: CompanyLinks = out.links
    company_ids = links.create(session, out.new_companies, actor_id=actor_id)
    changes = [Change("company", cid, "created") for cid in company_ids.values()]
    creating = [d for d in out.decisions if d.action == CREATE]
    now = utcnow()
    rows = []
    for d in creating:
        columns: dict[str, Any] = dict(d.incoming.columns, custom_fields=d.incoming.custom)
        if columns.get("consent_email"):
            columns["consent_at"] = now
        columns["company_id"] = company_ids.get(d.link, d.link) if d.link else None  # type: ignore[arg-type]
        rows.append(columns)
    ids = insert_rows(session, Contact, rows, actor_id=actor_id, note="import")
    for d, cid in zip(creating, ids, strict=True):
        d.record_id = cid
        changes.append(Change(ENTITY, cid, "created", row_key=d.incoming.key))
    for d in out.decisions:
        if d.action != UPDATE:
            continue
        if "company_id" in d.changes and isinstance(d.link, str):
            d.changes["company_id"] = company_ids[d.link]
        if d.changes:
            writes.update(session, d.record, d.changes, actor_id=actor_id)
        changes.append(Change(ENTITY, int(d.record_id), "updated", d.incoming.key, d.before))  # type: ignore[arg-type]
    _add_children(session, out.decisions, actor_id=actor_id)
    return changes


def _add_children(session: Session, decisions: list[Decision], *, actor_id: int | None) -> None:
    """Addresses, numbers and tag links of every created or updated contact, in bulk."""
    emails, phones, links = [], [], []
    names = [t for d in decisions for t in d.new_tags]
    tag_ids = {
        t.name.casefold(): t.id for t in tag_rules.ensure_tags(session, names, actor_id=actor_id)
    }
    for d in decisions:
        if d.action == UNCHANGED:
            continue
        first = d.action == CREATE or not d.before.get("emails")
        for i, (address, label) in enumerate(d.new_emails):
            emails.append({"contact_id": d.record_id, "email": address, "label": label,
                           "is_primary": first and i == 0})  # fmt: skip
        first = d.action == CREATE or not d.before.get("phones")
        for i, (number, label) in enumerate(d.new_phones):
            phones.append({"contact_id": d.record_id, "phone": number, "label": label,
                           "is_primary": first and i == 0})  # fmt: skip
        linked = {tag_ids[t.casefold()] for t in d.new_tags}
        links += [{"contact_id": d.record_id, "tag_id": t} for t in sorted(linked)]
    for model, rows in ((ContactEmail, emails), (ContactPhone, phones), (ContactTag, links)):
        for part in chunks(rows, 5000):
            writes.bulk_insert(session, model, part, actor_id=actor_id, note="import")
