"""Exporting contacts or companies: a filtered list, a selection or a segment.

Rules:
- At most one of a list's filters, a selection (ids) or a segment (of the same kind); none
  means every record. A list keeps its filters and sort; a selection keeps the order of the
  ids given (unknown ids are skipped); a segment exports its live members in the sort given.
- Columns: the record's fields in a human order under English headers, then every active
  custom field under its label, typed, then created, external id and id.
- Times are local to ``tz`` (default: the installation time zone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session

from crm_app.models import Segment

from .. import app_settings, clock, custom_fields, segments
from ..query_paging import Tier
from .cell_values import TRAILING_HEADERS, custom_headers
from .selection import chunks_of, sorted_chunks
from .writers import Target, format_of, write

type RowReader = Callable[[Session, list[int], list[tuple[str, str]], tzinfo], list[list[Any]]]


@dataclass(frozen=True)
class RecordList:
    """What differs between exporting contacts and companies."""

    entity: str  # "contact" / "company": custom fields and segments of this kind
    model: Any
    sheet: str
    headers: tuple[str, ...]  # the built-in columns, before custom fields
    read: RowReader  # (session, ids, custom (key, type) pairs, zone) → rows in the ids' order
    id_query: Callable[[Session, Any, str, datetime | None], Select]  # (filters, tz, now)
    tiers: Callable[[Session, str, bool], list[Tier]]  # the list's sort tiers


def export_list(
    session: Session,
    kind: RecordList,
    target: Target,
    fmt: str | None,
    tz: str | None,
    *,
    filters: Any,
    ids: list[int] | None,
    segment: Segment | None,
    sort: str,
    descending: bool,
    now: datetime | None = None,
) -> int:
    """Write the list, selection or segment of ``kind`` to ``target``; the number of rows."""
    fmt = format_of(target, fmt)
    if sum(x is not None for x in (filters, ids, segment)) > 1:
        raise ValueError("Export a list (filters), a selection (ids) or a segment, not several.")
    if segment is not None and segment.entity != kind.entity:
        raise ValueError(f"Segment {segment.name!r} is a {segment.entity} segment.")
    tz = tz or app_settings.get(session, "time_zone")
    if ids is not None:
        chunks = chunks_of(ids)
    else:
        if segment is not None:
            base = segments.member_ids(session, segment, tz=tz)
        else:
            base = kind.id_query(session, filters, tz, now)
        tiers = kind.tiers(session, sort, descending)
        chunks = sorted_chunks(session, base.select_from(kind.model), tiers)
    fields = custom_fields.list_fields(session, kind.entity)
    header = [*kind.headers, *custom_headers(fields, kind.headers), *TRAILING_HEADERS]
    zone = clock.zone(tz)
    keys = [(f.key, f.field_type) for f in fields]  # (plain values: read once per row)
    rows = (kind.read(session, chunk, keys, zone) for chunk in chunks)
    return write(target, fmt, kind.sheet, header, rows)
