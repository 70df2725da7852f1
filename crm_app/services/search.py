"""Full-text search over contacts and companies, and the global search box.

Rules:
- Every word of the text must match, as a word prefix ("ann lee" finds "Anna Leetmaa");
  case and diacritics do not matter; a part of a phone number matches the number.
- Whatever a person types is searched as plain text: it can never form query syntax, and
  text without a letter or digit matches nothing (``None`` from the ``*_match_ids``).
- The index is kept in step by write hooks on contacts, their emails and phones, and
  companies (a rename reindexes the company's contacts), so it changes in the same
  transaction as the records. ``rebuild`` re-creates it (after bulk loads).

The database-specific SQL lives in ``services/dialect`` (SQLite FTS5; an ILIKE fallback
elsewhere).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, ContactPhone, Deal, Stage, Ticket

from . import dialect, writes

_MAX_WORDS = 8
_MAX_WORD_LENGTH = 64
_MAX_LIMIT = 50
# What FTS5's unicode61 keeps in a token ("L* N* Co"); everything else separates words, so a
# word here never tokenizes to nothing there (an empty term would match no row at all).
_WORD_CATEGORIES = ("L", "N", "Co")
_TICKET_NUMBER = re.compile(r"#\s*(\d{1,18})")

GROUPS = ("contacts", "companies", "deals", "tickets")


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: int
    title: str
    subtitle: str
    href: str


def words(text: str | None) -> list[str]:
    """The searchable words of ``text``: runs of letters and digits, as the index splits them."""
    words_: list[str] = []
    current: list[str] = []
    for ch in unicodedata.normalize("NFKC", text or "") + " ":
        category = unicodedata.category(ch)
        if category in _WORD_CATEGORIES or category[0] in _WORD_CATEGORIES:
            current.append(ch)
        elif current:
            words_.append("".join(current)[:_MAX_WORD_LENGTH])
            current = []
    return words_[:_MAX_WORDS]


def contact_match_ids(session: Session, text: str | None, *, ranked: bool = False) -> Select | None:
    """A one-column select (``id``) of the contacts matching ``text``; None for no words.

    Use it as ``Contact.id.in_(ids)`` or join it; ``ranked`` orders it best match first
    (for a LIMIT; an ORDER BY inside IN is wasted work).
    """
    found = words(text)
    return dialect.for_session(session).contact_match_ids(found, ranked=ranked) if found else None


def company_match_ids(session: Session, text: str | None, *, ranked: bool = False) -> Select | None:
    """Like ``contact_match_ids``, over company name, domain and city."""
    found = words(text)
    return dialect.for_session(session).company_match_ids(found, ranked=ranked) if found else None


def rebuild(session: Session) -> dict[str, int]:
    """Re-create the whole index from the records; returns how many rows it holds."""
    return dialect.for_session(session).rebuild(session)


def reindex_contacts(session: Session, ids: Sequence[int]) -> None:
    """For the rare writer that bypasses ``writes`` (raw SQL): bring these contacts up to date."""
    dialect.for_session(session).index_contacts(session, ids)


# --- keeping the index in step (see writes.after_write for when each hook runs) ----------

Later = Callable[[], None] | None


def _ids_filter(column: sa.ColumnElement, ids: Sequence[int]) -> sa.ColumnElement[bool]:
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids):  # a bulk insert's id range
        return column.between(low, high)
    return column.in_(ids)


def _select_ids(session: Session, wanted: Any, where: Any, ids: Sequence[int]) -> list[int]:
    """Distinct non-null ``wanted`` of the rows whose ``where`` column is in ``ids``."""
    query = sa.select(wanted).where(_ids_filter(where, ids), wanted.is_not(None)).distinct()
    return list(session.execute(query).scalars())


@writes.after_write("contacts")
def _contacts_written(session: Session, action: str, ids: list[int]) -> Later:
    backend = dialect.for_session(session)
    if action == "delete":
        return lambda: backend.unindex_contacts(session, ids)
    if action == "update":
        return lambda: backend.index_contacts(session, ids)
    backend.index_contacts(session, ids)
    return None


def _child_hook(model: type[ContactEmail] | type[ContactPhone]) -> writes.WriteHook:
    """Emails and phones: reindex their contacts (before an update or delete too, since a
    row may move to another contact or take its text away)."""

    def hook(session: Session, action: str, ids: list[int]) -> Later:
        backend = dialect.for_session(session)
        owners = _select_ids(session, model.contact_id, model.id, ids)
        if action in ("create", "bulk_create"):
            backend.index_contacts(session, owners)
            return None

        def then() -> None:
            now = _select_ids(session, model.contact_id, model.id, ids)
            backend.index_contacts(session, sorted(set(owners) | set(now)))

        return then

    return hook


writes.after_write("contact_emails")(_child_hook(ContactEmail))
writes.after_write("contact_phones")(_child_hook(ContactPhone))


@writes.after_write("companies")
def _companies_written(session: Session, action: str, ids: list[int]) -> Later:
    backend = dialect.for_session(session)
    if action == "delete":
        employees = _select_ids(session, Contact.id, Contact.company_id, ids)

        def forget() -> None:
            backend.unindex_companies(session, ids)
            backend.index_contacts(session, employees)  # their company column is now empty

        return forget

    def index() -> None:
        renamed = backend.index_companies(session, ids)
        if renamed:
            employees = _select_ids(session, Contact.id, Contact.company_id, renamed)
            backend.index_contacts(session, employees)

    if action == "update":
        return index
    index()
    return None


# --- the global search box ---------------------------------------------------------------


def global_search(
    session: Session, text: str | None, *, limit: int = 5
) -> dict[str, list[SearchHit]]:
    """The best few contacts, companies, deals and tickets for ``text``, per group.

    Every group is always present (possibly empty). Contacts and companies come from the
    index, best match first; deals by title and tickets by subject (or ``#<id>``) match
    every word anywhere, newest first.
    """
    limit = max(1, min(limit, _MAX_LIMIT))
    found: dict[str, list[SearchHit]] = {group: [] for group in GROUPS}
    if not (text or "").strip():
        return found
    found["contacts"] = _contact_hits(session, text, limit)
    found["companies"] = _company_hits(session, text, limit)
    found["deals"] = _deal_hits(session, text, limit)
    found["tickets"] = _ticket_hits(session, text, limit)
    return found


def _ranked(session: Session, ids: Select | None, limit: int) -> list[int]:
    return [] if ids is None else list(session.execute(ids.limit(limit)).scalars())


def _contact_hits(session: Session, text: str | None, limit: int) -> list[SearchHit]:
    ids = _ranked(session, contact_match_ids(session, text, ranked=True), limit)
    if not ids:
        return []
    primary_email = (
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(sa.desc(ContactEmail.is_primary), ContactEmail.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )
    query = (
        sa.select(Contact.id, Contact.first_name, Contact.last_name, primary_email, Company.name)
        .outerjoin(Company, Company.id == Contact.company_id)  # type: ignore[arg-type]
        .where(Contact.id.in_(ids))  # type: ignore[union-attr]
    )
    rows = {row[0]: row for row in session.execute(query)}
    hits = []
    for cid in ids:  # rank order
        if (row := rows.get(cid)) is not None:
            _, first, last, email, company = row
            title = f"{first} {last}".strip() or email or f"#{cid}"
            subtitle = (email if title != email else None) or company or ""
            hits.append(SearchHit("contacts", cid, title, subtitle, f"/contacts/{cid}"))
    return hits


def _company_hits(session: Session, text: str | None, limit: int) -> list[SearchHit]:
    ids = _ranked(session, company_match_ids(session, text, ranked=True), limit)
    if not ids:
        return []
    query = sa.select(Company.id, Company.name, Company.domain, Company.city).where(
        Company.id.in_(ids)  # type: ignore[union-attr]
    )
    rows = {row[0]: row for row in session.execute(query)}
    return [
        SearchHit("companies", cid, row[1], row[2] or row[3] or "", f"/companies/{cid}")
        for cid in ids
        if (row := rows.get(cid)) is not None
    ]


def _like_all(session: Session, column: Any, text: str | None) -> list[sa.ColumnElement[bool]]:
    """Each whitespace-separated word of ``text`` somewhere in ``column`` (any case)."""
    backend = dialect.for_session(session)
    out = []
    for word in (text or "").split()[:_MAX_WORDS]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        out.append(backend.like_any_case(column, f"%{escaped}%"))
    return out


def _deal_hits(session: Session, text: str | None, limit: int) -> list[SearchHit]:
    query = (
        sa.select(Deal.id, Deal.title, Company.name, Stage.name)
        .join(Stage, Stage.id == Deal.stage_id)  # type: ignore[arg-type]
        .outerjoin(Company, Company.id == Deal.company_id)  # type: ignore[arg-type]
        .where(*_like_all(session, Deal.title, text))
        .order_by(sa.desc(Deal.id))
        .limit(limit)
    )
    return [
        SearchHit(
            "deals",
            did,
            title,
            " · ".join(p for p in (company, stage) if p),
            f"/pipeline?deal={did}",
        )
        for did, title, company, stage in session.execute(query)
    ]


def _ticket_hits(session: Session, text: str | None, limit: int) -> list[SearchHit]:
    rows = []
    number = _TICKET_NUMBER.fullmatch((text or "").strip())
    if number:
        exact = sa.select(Ticket.id, Ticket.subject, Ticket.status).where(
            Ticket.id == int(number.group(1))
        )
        rows += session.execute(exact).all()
    like = (
        sa.select(Ticket.id, Ticket.subject, Ticket.status)
        .where(*_like_all(session, Ticket.subject, text), Ticket.id.not_in([r[0] for r in rows]))  # type: ignore[union-attr]
        .order_by(sa.desc(Ticket.id))
        .limit(limit - len(rows))
    )
    rows += session.execute(like).all()
    return [
        SearchHit("tickets", tid, subject, status, f"/tickets?ticket={tid}")
        for tid, subject, status in rows
    ]
