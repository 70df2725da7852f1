"""Which rows an export writes, in which order, ``CHUNK`` ids at a time.

Rows stream: the ordered ids are read first (integers only), then the rows ``CHUNK`` ids at a
time. A selection keeps the order of the ids given (each once); a list keeps its sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Select
from sqlmodel import Session

from ..query_paging import Tier

CHUNK = 2000


def chunks_of(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids given, once each and in their order, ``CHUNK`` at a time."""
    unique = list(dict.fromkeys(int(i) for i in ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def sorted_chunks(session: Session, base: Select, tiers: list[Tier]) -> Iterator[list[int]]:
    """The ids of ``base`` in the list's sort (tier after tier, as the list pages them)."""
    for tier in tiers:
        query = base
        for target, on in tier.joins:
            query = query.join(target, on)
        yield from chunks_of(
            session.execute(query.where(*tier.where).order_by(*tier.order)).scalars()
        )
