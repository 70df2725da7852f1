"""Reading a file's rows through the mapping: clean values per field, or the first problem.

A row's values hold only its non-blank mapped cells (blank never means "clear"). The row
key is a digest of those clean values, so the same row in the same file always gives the
same key, and an earlier import's record can be found again by it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import CustomField, FieldType, User

from .. import custom_fields as custom_rules
from .. import phones as phone_rules
from ..i18n import N_
from . import dates, ticket_values, values
from .fields import CUSTOM_PREFIX, ImportField, field_by_name

NO_SUCH_USER = N_("No active user has this e-mail address or name.")
INACTIVE_USER = N_("Choose an active user as the owner.")
SAME_NAME_USERS = N_("Several users have this name. Use the owner's e-mail address.")


@dataclass
class Rejection:
    """A row left out: its spreadsheet row number, the field and why (a msgid)."""

    row: int
    field: str
    reason: str
    values: dict[str, str] = field(default_factory=dict)  # the row's cells by header

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


@dataclass
class RowValues:
    row: int
    values: dict[str, Any]
    cells: dict[str, str]

    @property
    def key(self) -> str:
        text = json.dumps(self.values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


class Owners:
    """Active users by e-mail address and by name, read once per import."""

    def __init__(self, session: Session):
        self.by_email: dict[str, tuple[int, bool]] = {}
        self.by_name: dict[str, list[tuple[int, bool]]] = {}
        for uid, email, name, active in session.execute(
            sa.select(User.id, User.email, User.name, User.active)
        ):
            self.by_email[str(email).strip().casefold()] = (int(uid), bool(active))
            self.by_name.setdefault(" ".join(str(name).split()).casefold(), []).append(
                (int(uid), bool(active))
            )

    def find(self, raw: str) -> tuple[int | None, str | None]:
        wanted = " ".join(str(raw).split()).casefold()
        found = [self.by_email[wanted]] if wanted in self.by_email else self.by_name.get(wanted, [])
        active = [uid for uid, is_active in found if is_active]
        if len(active) == 1:
            return active[0], None
        if len(active) > 1:
            return None, SAME_NAME_USERS
        return None, INACTIVE_USER if found else NO_SUCH_USER


@dataclass
class ReadContext:
    entity: str
    zone: tzinfo
    default_region: str | None
    date_orders: dict[str, str | None]  # column → its date order
    owners: Owners
    customs: dict[str, CustomField]  # key → definition (new text fields included)


# Fields whose unmatched value is left out with a warning instead of rejecting the row
# (a ticket's assignee is its owner; a satisfaction score out of 1–5 costs only the score).
SOFT_FIELDS = frozenset({"owner", "assignee", "csat_score"})

type Reader = Callable[[str, dict[str, Any]], tuple[Any, str | None]]


def _custom_reader(custom: CustomField, order: str | None, ctx: ReadContext) -> Reader:
    kind = custom.field_type

    def read(raw: str, _row: dict[str, Any]) -> tuple[Any, str | None]:
        if kind == FieldType.NUMBER:
            number = custom_rules.parse_number(raw)
            return (number, None) if number is not None else (None, custom_rules.ENTER_NUMBER)
        if kind == FieldType.DATE:
            day = dates.parse_day(raw, order, ctx.zone)
            return (day.isoformat(), None) if day else (None, custom_rules.ENTER_DATE)
        if kind == FieldType.SELECT:
            match = next(
                (o for o in custom.options if o.casefold() == raw.strip().casefold()), None
            )
            return (match, None) if match is not None else (None, custom_rules.CHOOSE_OPTION)
        if kind == FieldType.CHECKBOX:
            return values.boolean(raw)
        return values.text(raw, custom_rules.MAX_TEXT)

    return read


def _reader(spec: ImportField, order: str | None, ctx: ReadContext) -> Reader:
    kind = spec.kind

    def read(raw: str, row: dict[str, Any]) -> tuple[Any, str | None]:
        if kind == "email":
            found = []
            for part in values.email_values(raw):
                address, problem = values.email(part)
                if problem:
                    return None, problem
                found.append(address)
            return found, None
        if kind == "phone":
            region = phone_rules.phone_region(row.get("country"), ctx.default_region)
            found = []
            for part in values.multi_values(raw):
                number, problem = values.phone(part, region)
                if problem:
                    return None, problem
                found.append(number)
            return found, None
        if kind == "date":
            moment = dates.parse(raw, order, ctx.zone)
            return (moment, None) if moment else (None, custom_rules.ENTER_DATE)
        if kind == "owner":
            return ctx.owners.find(raw)
        simple = {
            "bool": values.boolean,
            "stage": values.stage,
            "country": values.country,
            "tags": values.tag_names,
            "domain": values.domain,
            "whole": values.whole_number,
            "amount": values.amount,
            "csat": ticket_values.csat,
            "long_text": ticket_values.long_text,
        }.get(kind)
        if simple is not None:
            return simple(raw)
        return values.text(raw, spec.limit or 200)

    return read


def readers(mapping: dict[str, str], headers: list[str], ctx: ReadContext):
    """(column index, header, field name, reader) per mapped column, the country first
    (phones are read with the row's country)."""
    specs = field_by_name(ctx.entity)
    out = []
    for index, header in enumerate(headers):
        name = mapping.get(header) or ""
        order = ctx.date_orders.get(header)
        if name.startswith(CUSTOM_PREFIX):
            custom = ctx.customs[name.removeprefix(CUSTOM_PREFIX)]
            out.append((index, header, name, _custom_reader(custom, order, ctx)))
        elif name in specs:
            out.append((index, header, name, _reader(specs[name], order, ctx)))
    return sorted(out, key=lambda r: r[2] != "country")


def read_rows(
    table_rows: list[tuple[int, list[str]]],
    headers: list[str],
    plan: list,
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[RowValues], list[Rejection]]:
    """Every row's clean values, or its first problem as a rejection; and the warnings.

    A value in a ``SOFT_FIELDS`` column that matches nothing (an owner who is not a user
    here: another CRM's export names its own users) does not cost the row: the row is
    imported without that value and the cell is reported as a warning.
    """
    good: list[RowValues] = []
    rejected: list[Rejection] = []
    warnings: list[Rejection] = []
    for done, (number, cells) in enumerate(table_rows, start=1):
        row: dict[str, Any] = {}
        problem: tuple[str, str] | None = None
        soft: list[tuple[str, str]] = []
        for index, _header, name, read in plan:
            raw = cells[index].strip()
            if not raw:
                continue
            value, error = read(raw, row)
            if error and name in SOFT_FIELDS:
                soft.append((name, error))
                continue
            if error:
                problem = (name, error)
                break
            if value not in (None, [], ""):
                row[name] = value
        by_header = dict(zip(headers, cells, strict=True))
        if problem:
            rejected.append(Rejection(number, problem[0], problem[1], by_header))
        else:
            good.append(RowValues(number, row, by_header))
            warnings.extend(Rejection(number, name, error) for name, error in soft)
        if progress is not None and done % 500 == 0:
            progress(done)
    return good, rejected, warnings
