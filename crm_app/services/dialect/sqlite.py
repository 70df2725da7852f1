"""SQLite: full-text search with FTS5.

Two FTS5 tables hold one row per record, rowid = the record's id:
``fts_contacts(name, emails, phones, company)`` and ``fts_companies(name, domain, city)``.
They are regular (self-contained) FTS5 tables: SQLite 3.40 cannot delete from a contentless
one, and external content would need the exact old text on every change.

The tokenizer folds case and diacritics ("Jüri" is found by "juri"). Phone numbers are
indexed as stored and as every digit suffix of at least three digits, because FTS5 only
matches token prefixes and people type the local part of a number ("5551234" for
+3725551234).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
CONTACTS_DDL = (
    f"CREATE VIRTUAL TABLE fts_contacts USING fts5(name, emails, phones, company, {TOKENIZE})"
)
COMPANIES_DDL = f"CREATE VIRTUAL TABLE fts_companies USING fts5(name, domain, city, {TOKENIZE})"

# Column weights for relevance: a hit in the name counts most, the company name least.
_CONTACT_WEIGHTS = "10.0, 5.0, 5.0, 1.0"
_COMPANY_WEIGHTS = "10.0, 5.0, 1.0"
_MIN_PHONE_SUFFIX = 3
_CHUNK = 5000  # ids per statement (SQLite allows 32766 variables)
_SEP = "\x1f"  # char(31) joins a contact's phones: a phone may itself contain spaces

_CONTACT_SOURCE = """
SELECT c.id, c.first_name, c.last_name,
       (SELECT group_concat(e.email, ' ') FROM contact_emails e WHERE e.contact_id = c.id),
       (SELECT group_concat(p.phone, char(31))
          FROM contact_phones p WHERE p.contact_id = c.id),
       co.name
FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
"""
_INSERT_CONTACT = sa.text(
    "INSERT INTO fts_contacts (rowid, name, emails, phones, company)"
    " VALUES (:id, :name, :emails, :phones, :company)"
)
_INSERT_COMPANIES = """
INSERT INTO fts_companies (rowid, name, domain, city)
SELECT id, name, coalesce(domain, ''), coalesce(city, '') FROM companies
"""


def fts_query(words: Sequence[str]) -> str:
    """Every word as a quoted prefix term, implicitly ANDed: ``"ann"* "lee"*``.

    Quoting (with ``"`` doubled) makes operators and punctuation plain text, so no user
    input can form FTS5 syntax.
    """
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _match(table: str, weights: str, words: Sequence[str], ranked: bool) -> Select:
    fts = sa.table(table)
    query = (
        sa.select(sa.literal_column(f"{table}.rowid").label("id"))
        .select_from(fts)
        .where(sa.literal_column(table).op("MATCH")(fts_query(words)))
    )
    return query.order_by(sa.text(f"bm25({table}, {weights})")) if ranked else query


def contact_match_ids(words: Sequence[str], *, ranked: bool = False) -> Select:
    """Ids of contacts matching every word (best first when ``ranked``)."""
    return _match("fts_contacts", _CONTACT_WEIGHTS, words, ranked)


def company_match_ids(words: Sequence[str], *, ranked: bool = False) -> Select:
    """Ids of companies matching every word (best first when ``ranked``)."""
    return _match("fts_companies", _COMPANY_WEIGHTS, words, ranked)


def like_any_case(column: Any, pattern: str) -> sa.ColumnElement[bool]:
    """``column`` LIKE ``pattern`` (escaped with backslash), ignoring case.

    SQLite's LIKE already ignores ASCII case, as its lower() does; ILIKE would wrap both sides
    in lower() and double the cost of a scan.
    """
    return column.like(pattern, escape="\\")


def phone_terms(phones: str | None) -> str:
    """The phones as stored plus the digit suffixes that make partial numbers findable."""
    terms: list[str] = []
    for phone in (phones or "").split(_SEP):
        digits = "".join(ch for ch in phone if ch.isdigit())
        terms.append(phone)
        # an E.164 number already tokenizes to its full digit string
        first = 1 if phone.lstrip("+") == digits else 0
        terms.extend(digits[i:] for i in range(first, len(digits) - _MIN_PHONE_SUFFIX + 1))
    return " ".join(t for t in terms if t)


def _contact_doc(row: Sequence[Any]) -> dict[str, Any]:
    cid, first, last, emails, phones, company = row
    return {
        "id": cid,
        "name": f"{first or ''} {last or ''}".strip(),
        "emails": emails or "",
        "phones": phone_terms(phones),
        "company": company or "",
    }


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for i in range(0, len(unique), _CHUNK):
        yield unique[i : i + _CHUNK]


def _in(sql: str) -> sa.TextClause:
    return sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))


def index_contacts(session: Session, ids: Sequence[int]) -> None:
    """(Re)index these contacts from the tables; ids that no longer exist are dropped."""
    for chunk in _chunks(ids):
        session.execute(_in("DELETE FROM fts_contacts WHERE rowid IN :ids"), {"ids": chunk})
        rows = session.execute(_in(_CONTACT_SOURCE + " WHERE c.id IN :ids"), {"ids": chunk})
        docs = [_contact_doc(row) for row in rows]
        if docs:
            session.execute(_INSERT_CONTACT, docs)


def unindex_contacts(session: Session, ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        session.execute(_in("DELETE FROM fts_contacts WHERE rowid IN :ids"), {"ids": chunk})


def index_companies(session: Session, ids: Sequence[int]) -> list[int]:
    """(Re)index these companies; returns those whose indexed name changed (a rename), whose
    contacts then need their company column reindexed."""
    renamed: list[int] = []
    for chunk in _chunks(ids):
        renamed += session.execute(
            _in(
                "SELECT c.id FROM companies c JOIN fts_companies f ON f.rowid = c.id"
                " WHERE c.id IN :ids AND f.name IS NOT c.name"
            ),
            {"ids": chunk},
        ).scalars()
        session.execute(_in("DELETE FROM fts_companies WHERE rowid IN :ids"), {"ids": chunk})
        session.execute(_in(_INSERT_COMPANIES + " WHERE id IN :ids"), {"ids": chunk})
    return renamed


def unindex_companies(session: Session, ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        session.execute(_in("DELETE FROM fts_companies WHERE rowid IN :ids"), {"ids": chunk})


def rebuild(session: Session, *, batch: int = 20_000) -> dict[str, int]:
    """Drop and refill both tables from the records (after bulk loads, or to repair).

    Dropping is much faster than deleting row by row from an FTS5 table; the tables are
    re-created from the current DDL, so this also repairs a missing table.
    """
    for table, ddl in (("fts_contacts", CONTACTS_DDL), ("fts_companies", COMPANIES_DDL)):
        session.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        session.execute(sa.text(ddl))
    session.execute(sa.text(_INSERT_COMPANIES))
    top = session.execute(sa.text("SELECT max(id) FROM contacts")).scalar() or 0
    for low in range(0, top, batch):
        rows = session.execute(
            sa.text(_CONTACT_SOURCE + " WHERE c.id > :low AND c.id <= :high"),
            {"low": low, "high": low + batch},
        )
        docs = [_contact_doc(row) for row in rows]
        if docs:
            session.execute(_INSERT_CONTACT, docs)
    count = "SELECT count(*) FROM {}"
    return {
        "contacts": session.execute(sa.text(count.format("fts_contacts"))).scalar() or 0,
        "companies": session.execute(sa.text(count.format("fts_companies"))).scalar() or 0,
    }
