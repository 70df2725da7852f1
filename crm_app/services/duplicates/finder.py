"""Reading the duplicates list, one record's candidates, and dismissing a pair."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, DuplicateDismissal

from .. import writes
from ..errors import NotFound, ValidationError
from ..i18n import N_
from . import cache
from .scoring import DEFAULT_MIN_SCORE, REASON_LABELS, Reason

ENTITIES = ("contact", "company")
MODELS: dict[str, Any] = {"contact": Contact, "company": Company}
MAX_PAGE = 200


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that may be one; ``a_id`` < ``b_id``.

    ``reasons`` are ``(code, value)``: see ``REASON_LABELS`` for the codes. The value of
    ``same_company`` is the company's name, ``similar_name`` the similarity 0–100, the others
    the shared address, number, domain or city. ``a_name`` / ``b_name`` are for display.
    """

    entity: str
    a_id: int
    b_id: int
    score: int
    reasons: tuple[Reason, ...]
    a_name: str = ""
    b_name: str = ""

    def labelled(self) -> list[tuple[str, str | int]]:
        """The reasons as (message id to translate, value)."""
        return [(REASON_LABELS[code], value) for code, value in self.reasons]


@dataclass(frozen=True)
class DuplicatePage:
    pairs: list[DuplicatePair]
    total: int  # pairs at or above the minimum score, dismissed ones left out


def check_entity(entity: str) -> str:
    if entity not in ENTITIES:
        raise ValidationError({"entity": N_("Choose contacts or companies.")})
    return entity


def _dismissed(session: Session, entity: str) -> set[tuple[int, int]]:
    query = sa.select(DuplicateDismissal.low_id, DuplicateDismissal.high_id).where(
        DuplicateDismissal.entity == entity
    )
    return {(int(low), int(high)) for low, high in session.execute(query)}


def _names(session: Session, entity: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    if entity == "company":
        query = sa.select(Company.id, Company.name).where(Company.id.in_(ids))  # type: ignore[union-attr]
        return {int(i): str(n) for i, n in session.execute(query)}
    query = sa.select(Contact.id, Contact.first_name, Contact.last_name).where(
        Contact.id.in_(ids)  # type: ignore[union-attr]
    )
    return {int(i): f"{f or ''} {last or ''}".strip() for i, f, last in session.execute(query)}


def _materialise(session: Session, entity: str, rows: list[cache.Scored]) -> list[DuplicatePair]:
    """Pairs for display: record names, and company ids in reasons turned into names."""
    ids = {low for low, _, _, _ in rows} | {high for _, high, _, _ in rows}
    names = _names(session, entity, ids)
    company_ids = {v for r in rows for code, v in r[3] if code == "same_company"}
    companies = _names(session, "company", {int(v) for v in company_ids})
    out = []
    for low, high, score, reasons in rows:
        shown = tuple(
            (code, companies.get(int(value), "")) if code == "same_company" else (code, value)
            for code, value in reasons
        )
        pair = DuplicatePair(entity, low, high, score, shown)
        out.append(replace(pair, a_name=names.get(low, ""), b_name=names.get(high, "")))
    return out


def find_duplicates(
    session: Session,
    entity: str = "contact",
    *,
    limit: int = 50,
    offset: int = 0,
    min_score: int = DEFAULT_MIN_SCORE,
) -> DuplicatePage:
    """One page of possible duplicates, best first (ties by id), without dismissed pairs.

    The scan is kept per process until the data changes (see ``cache``), so paging through
    the list after the first page costs only the page.
    """
    check_entity(entity)
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    scan = cache.result(session, entity)
    dismissed = _dismissed(session, entity)
    wanted = [
        row for row in scan.pairs if row[2] >= min_score and (row[0], row[1]) not in dismissed
    ]
    return DuplicatePage(
        _materialise(session, entity, wanted[offset : offset + limit]), total=len(wanted)
    )


def duplicates_of(
    session: Session, entity: str, record_id: int, *, min_score: int = DEFAULT_MIN_SCORE
) -> list[DuplicatePair]:
    """The records that may be duplicates of one record, best first, dismissed pairs left out."""
    check_entity(entity)
    if session.get(MODELS[entity], record_id) is None:
        raise NotFound(record_id)
    scan = cache.result(session, entity)
    dismissed = _dismissed(session, entity)
    wanted = [
        r
        for r in scan.pairs
        if record_id in (r[0], r[1]) and r[2] >= min_score and (r[0], r[1]) not in dismissed
    ]
    return _materialise(session, entity, wanted)


def dismiss(
    session: Session, entity: str, a_id: int, b_id: int, *, actor_id: int | None
) -> DuplicateDismissal:
    """Record that two records are not duplicates; dismissing a pair twice changes nothing."""
    check_entity(entity)
    if a_id == b_id:
        raise ValidationError({"pair": N_("Pick two different records.")})
    for record_id in (a_id, b_id):
        if session.get(MODELS[entity], record_id) is None:
            raise NotFound(record_id)
    low, high = min(a_id, b_id), max(a_id, b_id)
    query = sa.select(DuplicateDismissal).where(
        DuplicateDismissal.entity == entity,
        DuplicateDismissal.low_id == low,
        DuplicateDismissal.high_id == high,
    )
    existing = session.execute(query).scalar_one_or_none()
    if existing is not None:
        return existing
    row = DuplicateDismissal(entity=entity, low_id=low, high_id=high, user_id=actor_id)
    return writes.create(session, row, actor_id=actor_id)
