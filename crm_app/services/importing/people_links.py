"""The contact and company a deal or ticket row names: found, else created once by the import.

Rules:
- The company is found by name in any case (``CompanyLinks``), else created once however many
  rows name it.
- The contact is found by its e-mail address (any of a contact's addresses), else — with no
  address — by full name in any case; else created once per address (or, without one, per
  name) with that name and address, at the company of the first row that names one.
- Found contacts and companies are only linked, never changed. Records the plan does not end
  up linking to are not created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Contact, ContactEmail

from .. import writes
from .bulk import insert_rows
from .company_links import CompanyLinks, fold_name
from .merging import Change, chunks
from .values import split_name

NOTE = "import"

type Link = int | str | None  # a stored record's id, "new:<key>" to create, or nothing


class ContactLinks:
    """Existing contacts by e-mail address and by full name; new ones once per key."""

    def __init__(self, session: Session, wanted: list[tuple[str, str | None]]):
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.new: dict[str, dict[str, Any]] = {}
        addresses = sorted({e for _, e in wanted if e})
        for part in chunks(addresses):
            q = sa.select(ContactEmail.email, ContactEmail.contact_id).where(
                ContactEmail.email.in_(part)
            )
            for email, cid in session.execute(q.order_by(ContactEmail.id)):
                self.by_email.setdefault(email, int(cid))
        names = sorted({fold_name(n) for n, e in wanted if n and not e})
        full = sa.func.lower(sa.func.trim(Contact.first_name + " " + Contact.last_name))
        for part in chunks(names):
            q = sa.select(Contact.id, Contact.first_name, Contact.last_name).where(full.in_(part))
            self._add_names(session.execute(q.order_by(Contact.id)))
        if any(not n.isascii() for n in names if n not in self.by_name):
            # SQLite's lower() folds ASCII only: compare the other names in Python
            q = sa.select(Contact.id, Contact.first_name, Contact.last_name).order_by(Contact.id)
            self._add_names(session.execute(q))

    def _add_names(self, rows) -> None:
        for cid, first, last in rows:
            self.by_name.setdefault(fold_name(f"{first} {last}"), int(cid))

    def resolve(self, name: str, email: str | None, company: Link) -> Link:
        """A found contact's id, or the key of one to create; None when nothing is named."""
        if email:
            if email in self.by_email:
                return self.by_email[email]
            key = "e:" + email
        elif name:
            if fold_name(name) in self.by_name:
                return self.by_name[fold_name(name)]
            key = "n:" + fold_name(name)
        else:
            return None
        first, last = split_name(name) if name else ("", "")
        entry = self.new.setdefault(
            key, {"first_name": first[:100], "last_name": last[:100], "email": email}
        )
        if entry.get("company") is None and company is not None:
            entry["company"] = company
        return "new:" + key

    def stored_companies(self, session: Session) -> dict[int, int]:
        """The company of each found contact that has one (one query per slice)."""
        ids = sorted(set(self.by_email.values()) | set(self.by_name.values()))
        found: dict[int, int] = {}
        for part in chunks(ids):
            q = sa.select(Contact.id, Contact.company_id).where(
                Contact.id.in_(part), Contact.company_id.is_not(None)
            )
            found.update({int(cid): int(company) for cid, company in session.execute(q)})
        return found


@dataclass
class CreatedPeople:
    """The companies and contacts ``PeopleLinks.create`` made, and their batch changes."""

    company_ids: dict[str, int] = field(default_factory=dict)  # "new:<key>" → id
    contact_ids: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    def company_id(self, link: Link) -> int | None:
        return self.company_ids.get(link) if isinstance(link, str) else link

    def contact_id(self, link: Link) -> int | None:
        return self.contact_ids.get(link) if isinstance(link, str) else link


class PeopleLinks:
    """The companies and contacts a file's rows name, looked up once: each row's pair is
    resolved in file order, and the new ones the plan keeps are created by ``create``."""

    def __init__(self, session: Session, wanted: list[tuple[str | None, str, str | None]]):
        """``wanted``: (company name, contact name, contact e-mail) of every row."""
        self.companies = CompanyLinks(session, [(c, None) for c, _, _ in wanted if c])
        self.contacts = ContactLinks(session, [(name, email) for _, name, email in wanted])

    def resolve(self, company: str | None, name: str, email: str | None) -> tuple[Link, Link]:
        """(the row's company link, its contact link); a new contact is at that company."""
        link = self.companies.resolve(company, None) if company else None
        return link, self.contacts.resolve(name, email, link)

    def new_records(
        self, contacts: Iterable[Link], companies: Iterable[Link]
    ) -> tuple[dict[str, dict[str, Any]], set[str]]:
        """(the new contacts, the new companies) among the links the plan uses — a new
        contact's company included."""
        used = {c for c in contacts if isinstance(c, str)}
        new_contacts = {k: v for k, v in self.contacts.new.items() if "new:" + k in used}
        linked = set(companies) | {entry.get("company") for entry in new_contacts.values()}
        return new_contacts, {c for c in linked if isinstance(c, str) and c.startswith("new:")}

    def create(
        self,
        session: Session,
        new_companies: set[str],
        new_contacts: dict[str, dict[str, Any]],
        *,
        actor_id: int | None,
    ) -> CreatedPeople:
        """Create the new companies, then the new contacts at them."""
        out = CreatedPeople()
        out.company_ids = self.companies.create(session, new_companies, actor_id=actor_id)
        out.changes = [Change("company", cid, "created") for cid in out.company_ids.values()]
        out.contact_ids = create_contacts(session, new_contacts, out.company_id, actor_id=actor_id)
        out.changes += [Change("contact", cid, "created") for cid in out.contact_ids.values()]
        return out


def create_contacts(
    session: Session,
    new: dict[str, dict[str, Any]],
    company_id: Callable[[Link], int | None],
    *,
    actor_id: int | None,
) -> dict[str, int]:
    """Insert the contacts ``ContactLinks.new`` holds (their address as the primary work
    address) at the company ``company_id`` gives for their link; "new:<key>" → id."""
    keys = list(new)
    rows = [
        {
            "first_name": new[k]["first_name"],
            "last_name": new[k]["last_name"],
            "company_id": company_id(new[k].get("company")),
        }
        for k in keys
    ]
    ids = insert_rows(session, Contact, rows, actor_id=actor_id, note=NOTE)
    emails = [
        {"contact_id": cid, "email": new[k]["email"], "label": "work", "is_primary": True}
        for k, cid in zip(keys, ids, strict=True)
        if new[k].get("email")
    ]
    for part in chunks(emails, 5000):
        writes.bulk_insert(session, ContactEmail, part, actor_id=actor_id, note=NOTE)
    return {"new:" + k: cid for k, cid in zip(keys, ids, strict=True)}
