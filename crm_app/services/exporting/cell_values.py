"""Stored values as spreadsheet cells.

Rules:
- Times are local to the export's zone, to the second, without a zone (spreadsheets have
  none); dates stay dates. Checkboxes read yes / no; several values are joined with "; ".
- Custom fields are typed: numbers as numbers, dates as dates, checkboxes yes/no, lists
  joined; a stored value that does not fit its type is written as text. A custom label that
  repeats a built-in header says it is the custom field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import CustomField, FieldType, Tag

from .. import custom_fields

TRAILING_HEADERS = ("Created", "External ID", "ID")


def local(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored (UTC) moment as local wall time to the second; spreadsheets have no zones."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def yes_no(value: Any) -> str:
    return "yes" if value else "no"


def joined(values: list[str] | None) -> str:
    return "; ".join(values or [])


def custom_value(kind: str, value: Any) -> Any:
    """A stored custom value, typed for a spreadsheet (text when it does not fit its type)."""
    if value is None or value == "":
        return None
    if kind == FieldType.CHECKBOX and isinstance(value, bool):
        return yes_no(value)
    if kind == FieldType.NUMBER:
        number = custom_fields.parse_number(value)
        return value if number is None else number
    if kind == FieldType.DATE:
        day = custom_fields.parse_date(value)
        return date.fromisoformat(day) if day else value
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value if isinstance(value, str | int | float) else str(value)


def custom_headers(fields: list[CustomField], builtin: tuple[str, ...]) -> list[str]:
    """Labels; one that repeats a built-in header says it is the custom field."""
    taken = {h.casefold() for h in builtin}
    return [f"{f.label} (custom field)" if f.label.casefold() in taken else f.label for f in fields]


def tag_names(session: Session, link: Any, owner: Any, ids: list[int]) -> dict[int, list[str]]:
    """Each record's tag names, by name (one query for the chunk)."""
    query = sa.select(owner, Tag.name).join(Tag, Tag.id == link.tag_id).where(owner.in_(ids))
    out: dict[int, list[str]] = {}
    for owner_id, name in session.connection().execute(query.order_by(Tag.name)).all():
        out.setdefault(owner_id, []).append(name)
    return out
