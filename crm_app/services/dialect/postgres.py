"""PostgreSQL (and any other database): a portable search fallback with ILIKE.

There is no index to keep in step: every word must appear (case-insensitively, anywhere,
so a little broader than SQLite's prefix match) in one of the same columns the SQLite index
covers; digits also match inside phone numbers. Without an index this scans, which is fine
for thousands of records; for 100k+ a ``tsvector`` column with a GIN index (and the
``unaccent`` extension, since ILIKE does not fold diacritics) is the planned replacement.
The tables are aliased so the query can sit inside any query on contacts or companies
without being correlated to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, ContactPhone


def _contains(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ilike(column: sa.ColumnElement, word: str) -> sa.ColumnElement[bool]:
    return column.ilike(_contains(word), escape="\\")


def like_any_case(column: Any, pattern: str) -> sa.ColumnElement[bool]:
    """``column`` ILIKE ``pattern`` (escaped with backslash)."""
    return column.ilike(pattern, escape="\\")


def contact_match_ids(words: Sequence[str], *, ranked: bool = False) -> Select:
    """Ids of contacts where each word is in the name, an email, a phone or the company."""
    c = sa.alias(Contact.__table__, "search_contact")  # type: ignore[attr-defined]
    co = sa.alias(Company.__table__, "search_company")  # type: ignore[attr-defined]
    emails = ContactEmail.__table__  # type: ignore[attr-defined]
    phones = ContactPhone.__table__  # type: ignore[attr-defined]
    conditions = []
    for word in words:
        either = [
            _ilike(c.c.first_name, word),
            _ilike(c.c.last_name, word),
            _ilike(co.c.name, word),
            sa.exists().where(emails.c.contact_id == c.c.id, _ilike(emails.c.email, word)),
        ]
        digits = "".join(ch for ch in word if ch.isdigit())
        if digits:
            either.append(
                sa.exists().where(
                    phones.c.contact_id == c.c.id, phones.c.phone.like(_contains(digits), "\\")
                )
            )
        conditions.append(sa.or_(*either))
    query = (
        sa.select(c.c.id.label("id"))
        .select_from(c.outerjoin(co, co.c.id == c.c.company_id))
        .where(*conditions)
    )
    return query.order_by(c.c.last_name, c.c.first_name, c.c.id) if ranked else query


def company_match_ids(words: Sequence[str], *, ranked: bool = False) -> Select:
    """Ids of companies where each word is in the name, the domain or the city."""
    co = sa.alias(Company.__table__, "search_company")  # type: ignore[attr-defined]
    conditions = [
        sa.or_(_ilike(co.c.name, w), _ilike(co.c.domain, w), _ilike(co.c.city, w)) for w in words
    ]
    query = sa.select(co.c.id.label("id")).where(*conditions)
    return query.order_by(co.c.name, co.c.id) if ranked else query


# Nothing is indexed: the fallback reads the tables themselves.


def index_contacts(session: Session, ids: Sequence[int]) -> None:
    return None


def unindex_contacts(session: Session, ids: Sequence[int]) -> None:
    return None


def index_companies(session: Session, ids: Sequence[int]) -> list[int]:
    return []


def unindex_companies(session: Session, ids: Sequence[int]) -> None:
    return None


def rebuild(session: Session) -> dict[str, int]:
    return {"contacts": 0, "companies": 0}
