"""Export contacts, companies and deals to CSV or XLSX: a filtered list, a selection or a
segment (deals: a pipeline, the board's filters or a selection).

Rules:
- The format is the file's extension (``.csv`` / ``.xlsx``); anything else is refused before
  a file is touched. A written file appears whole or not at all (temporary file, then rename).
- Columns: the record's fields in a human order under English headers, then every active
  custom field under its label, typed (numbers as numbers, dates as dates, checkboxes yes/no),
  then created, external id and id.
- Every text cell, headers included, goes through ``cells.neutralize`` in both formats, so
  nothing in the data can run as a formula; XLSX text is written as strings, never formulas.
  Phones are exported as stored (E.164), so ``'+372…`` stays readable.
- Times are local to ``tz`` (default: the installation time zone), to the second, ISO order
  (``2026-11-25 14:05:00``); dates are ``2026-11-25``. CSV is UTF-8 with a BOM (Excel).
- Rows stream: the ordered ids are read first (integers only), then the rows ``CHUNK`` ids at
  a time with their emails, phones, tags, company and owner batched per chunk; XLSX is
  written with openpyxl's write-only mode.
- A list keeps its filters and sort; a selection keeps the order of the ids given (unknown
  ids are skipped); a segment exports its live members in the sort given.
- Deals: title, value, currency, value in the base currency (a closed deal at the rate it
  closed at, an open one at today's rate, as the board counts), pipeline, stage, probability,
  owner, contact and its e-mail, company, expected close, created, closed, lost reason (the
  picklist label, ": note" after it), source, external id, id — in board order (pipeline,
  stage, card). The headers are ones ``rapport import deals`` maps back by itself.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select
from sqlmodel import Session

from crm_app.models import (
    Company,
    CompanyTag,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    CustomField,
    Deal,
    FieldType,
    Pipeline,
    Segment,
    Stage,
    Tag,
    User,
)

from . import app_settings, clock, company_query, contact_query, custom_fields, money, segments
from .cells import neutralize
from .deal_board import BoardFilters
from .deal_moves import lost_reason_label
from .errors import ValidationError
from .query_paging import Tier

FORMATS = ("csv", "xlsx")
ENTITIES = {"contacts": "contact", "companies": "company", "deals": "deal", "tickets": "ticket"}
CHUNK = 2000
XLSX_MAX_TEXT = 32767  # characters Excel keeps in one cell
CONTACT_HEADERS = ("First name", "Last name", "Emails", "Phones", "Title", "Company", "Owner",
                   "Lifecycle stage", "Source", "Street", "City", "Region", "Postal code",
                   "Country code", "Tags", "Email consent", "Email consent at", "Do not call",
                   "Last contacted")  # fmt: skip
COMPANY_HEADERS = ("Name", "Domain", "Industry", "Employees", "Annual revenue", "Phone",
                   "Street", "City", "Region", "Postal code", "Country code", "Owner", "Tags")  # fmt: skip
TRAILING_HEADERS = ("Created", "External ID", "ID")
DEAL_HEADERS = ("Title", "Value", "Currency", "Value in base currency", "Pipeline", "Stage",
                "Probability", "Owner", "Contact", "Contact email", "Company", "Expected close",
                "Created", "Closed", "Lost reason", "Source", "External ID", "ID")  # fmt: skip

type Target = str | os.PathLike[str] | IO[bytes] | IO[str]


class ExportFormatError(ValueError):
    """The file name (or ``fmt``) names no format we write."""


def format_of(target: Any, fmt: str | None = None) -> str:
    """``"csv"`` or ``"xlsx"``: ``fmt`` when given, else the file's extension."""
    if fmt is None and isinstance(target, str | os.PathLike):
        fmt = Path(target).suffix.lstrip(".")
    chosen = (fmt or "").strip().lower().lstrip(".")
    if chosen not in FORMATS:
        shown = f".{chosen}" if chosen else "no extension"
        raise ExportFormatError(
            f"Cannot export to {shown}: use a file name ending in .csv or .xlsx."
        )
    return chosen


# -- which rows, in which order -----------------------------------------------------------------
def _chunks_of(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids given, once each and in their order, ``CHUNK`` at a time."""
    unique = list(dict.fromkeys(int(i) for i in ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def _sorted_chunks(session: Session, base: Select, tiers: list[Tier]) -> Iterator[list[int]]:
    """The ids of ``base`` in the list's sort (tier after tier, as the list pages them)."""
    for tier in tiers:
        query = base
        for target, on in tier.joins:
            query = query.join(target, on)
        yield from _chunks_of(
            session.execute(query.where(*tier.where).order_by(*tier.order)).scalars()
        )


# -- cell values --------------------------------------------------------------------------------
def _local(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored (UTC) moment as local wall time to the second; spreadsheets have no zones."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def _custom_value(kind: str, value: Any) -> Any:
    """A stored custom value, typed for a spreadsheet (text when it does not fit its type)."""
    if value is None or value == "":
        return None
    if kind == FieldType.CHECKBOX and isinstance(value, bool):
        return _yes_no(value)
    if kind == FieldType.NUMBER:
        number = custom_fields.parse_number(value)
        return value if number is None else number
    if kind == FieldType.DATE:
        day = custom_fields.parse_date(value)
        return date.fromisoformat(day) if day else value
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value if isinstance(value, str | int | float) else str(value)


def _custom_headers(fields: list[CustomField], builtin: tuple[str, ...]) -> list[str]:
    """Labels; one that repeats a built-in header says it is the custom field."""
    taken = {h.casefold() for h in builtin}
    return [f"{f.label} (custom field)" if f.label.casefold() in taken else f.label for f in fields]


def _joined(values: list[str] | None) -> str:
    return "; ".join(values or [])


def _tags(session: Session, link: Any, owner: Any, ids: list[int]) -> dict[int, list[str]]:
    """Each record's tag names, by name (one query for the chunk)."""
    query = sa.select(owner, Tag.name).join(Tag, Tag.id == link.tag_id).where(owner.in_(ids))
    out: dict[int, list[str]] = {}
    for owner_id, name in session.connection().execute(query.order_by(Tag.name)).all():
        out.setdefault(owner_id, []).append(name)
    return out


# -- contacts -----------------------------------------------------------------------------------
def _contact_values(session: Session, model: Any, ids: list[int]) -> dict[int, list[str]]:
    """Each contact's emails or phones, primary first (one query for the chunk)."""
    column = model.email if model is ContactEmail else model.phone
    query = (
        sa.select(model.contact_id, column)
        .where(model.contact_id.in_(ids))
        .order_by(model.contact_id, model.is_primary.desc(), model.id)
    )
    out: dict[int, list[str]] = {}
    for contact_id, value in session.connection().execute(query).all():
        out.setdefault(contact_id, []).append(value)
    return out


def _contact_rows(
    session: Session, ids: list[int], fields: list[tuple[str, str]], zone: tzinfo
) -> list[list[Any]]:
    c = Contact
    query = (
        sa.select(c.id, c.first_name, c.last_name, c.title, Company.name.label("company"),
                  User.name.label("owner"), c.lifecycle_stage, c.source, c.street, c.city,
                  c.region, c.postal_code, c.country, c.consent_email, c.consent_at,
                  c.do_not_call, c.last_contacted_at, c.custom_fields, c.created_at,
                  c.external_id)
        .outerjoin(Company, Company.id == c.company_id)
        .outerjoin(User, User.id == c.owner_id)
        .where(c.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    emails = _contact_values(session, ContactEmail, ids)
    phones = _contact_values(session, ContactPhone, ids)
    tags = _tags(session, ContactTag, ContactTag.contact_id, ids)
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:  # deleted meanwhile, or an unknown id in a selection
            continue
        custom = r.custom_fields or {}
        row = [
            r.first_name, r.last_name, _joined(emails.get(i)), _joined(phones.get(i)), r.title,
            r.company, r.owner, r.lifecycle_stage, r.source, r.street, r.city, r.region,
            r.postal_code, r.country, _joined(tags.get(i)), _yes_no(r.consent_email),
            _local(r.consent_at, zone), _yes_no(r.do_not_call), _local(r.last_contacted_at, zone),
            *[_custom_value(kind, custom.get(key)) for key, kind in fields],
            _local(r.created_at, zone), r.external_id, i,
        ]  # fmt: skip
        rows.append(row)
    return rows


def export_contacts(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    filters: contact_query.ContactFilters | None = None,
    ids: list[int] | None = None,
    segment: Segment | None = None,
    tz: str | None = None,
    sort: str = "name",
    descending: bool = False,
    now: datetime | None = None,
) -> int:
    """Write contacts to ``target`` (a path, or a binary/text stream with ``fmt``); the number
    of rows written. At most one of ``filters`` / ``ids`` / ``segment``; none = everyone."""
    options = {"filters": filters, "ids": ids, "segment": segment, "sort": sort}
    return _export(session, "contact", target, fmt, tz, descending=descending, now=now, **options)


# -- companies ----------------------------------------------------------------------------------
def _company_rows(
    session: Session, ids: list[int], fields: list[tuple[str, str]], zone: tzinfo
) -> list[list[Any]]:
    c = Company
    query = (
        sa.select(c.id, c.name, c.domain, c.industry, c.employees, c.annual_revenue, c.phone,
                  c.street, c.city, c.region, c.postal_code, c.country, User.name.label("owner"),
                  c.custom_fields, c.created_at, c.external_id)
        .outerjoin(User, User.id == c.owner_id)
        .where(c.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    tags = _tags(session, CompanyTag, CompanyTag.company_id, ids)
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        custom = r.custom_fields or {}
        row = [
            r.name, r.domain, r.industry, r.employees, r.annual_revenue, r.phone, r.street,
            r.city, r.region, r.postal_code, r.country, r.owner, _joined(tags.get(i)),
            *[_custom_value(kind, custom.get(key)) for key, kind in fields],
            _local(r.created_at, zone), r.external_id, i,
        ]  # fmt: skip
        rows.append(row)
    return rows


def export_companies(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    filters: company_query.CompanyFilters | None = None,
    ids: list[int] | None = None,
    segment: Segment | None = None,
    tz: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> int:
    """Write companies to ``target``, as ``export_contacts`` does; the number of rows."""
    options = {"filters": filters, "ids": ids, "segment": segment, "sort": sort}
    return _export(session, "company", target, fmt, tz, descending=descending, **options)


def _export(
    session: Session,
    entity: str,
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
    fmt = format_of(target, fmt)
    if sum(x is not None for x in (filters, ids, segment)) > 1:
        raise ValueError("Export a list (filters), a selection (ids) or a segment, not several.")
    if segment is not None and segment.entity != entity:
        raise ValueError(f"Segment {segment.name!r} is a {segment.entity} segment.")
    tz = tz or app_settings.get(session, "time_zone")
    contacts = entity == "contact"
    query, model = (contact_query, Contact) if contacts else (company_query, Company)
    if ids is not None:
        chunks = _chunks_of(ids)
    else:
        if segment is not None:
            base = segments.member_ids(session, segment, tz=tz)
        elif contacts:
            flt = filters or contact_query.ContactFilters()
            base = contact_query.contact_id_query(session, flt, tz=tz, now=now)
        else:
            base = company_query.company_id_query(session, filters or query.CompanyFilters(), tz=tz)
        # the list's own sort tiers (private there), so the export is in the list's order
        tiers = query._tiers(session, sort, descending)
        chunks = _sorted_chunks(session, base.select_from(model), tiers)
    fields = custom_fields.list_fields(session, entity)
    builtin = CONTACT_HEADERS if contacts else COMPANY_HEADERS
    header = [*builtin, *_custom_headers(fields, builtin), *TRAILING_HEADERS]
    read = _contact_rows if contacts else _company_rows
    zone = clock.zone(tz)
    keys = [(f.key, f.field_type) for f in fields]  # (plain values: read once per row)
    rows = (read(session, chunk, keys, zone) for chunk in chunks)
    return _write(target, fmt, "Contacts" if contacts else "Companies", header, rows)


# -- deals --------------------------------------------------------------------------------------
def _deal_id_query(
    pipeline_id: int | None, filters: BoardFilters | None, stage_ids: list[int] | None
) -> Select:
    """Deal ids in board order: pipeline, stage, card (position, id)."""
    query = (
        sa.select(Deal.id)
        .join(Stage, Stage.id == Deal.stage_id)
        .join(Pipeline, Pipeline.id == Deal.pipeline_id)
        .order_by(Pipeline.position, Pipeline.id, Stage.position, Stage.id, Deal.position, Deal.id)
    )
    if pipeline_id is not None:
        query = query.where(Deal.pipeline_id == pipeline_id)
    if stage_ids is not None:
        query = query.where(Deal.stage_id.in_(stage_ids))
    return (filters or BoardFilters()).apply(query)


def _lost_reason(code: str | None, note: str | None) -> str | None:
    if not code and not note:
        return None
    label = lost_reason_label(code)
    return f"{label}: {note}" if note and label else (label or note)


def _deal_rows(session: Session, ids: list[int], zone: tzinfo) -> list[list[Any]]:
    d = Deal
    primary_email = (
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == d.contact_id)
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        .limit(1)
        .correlate(d)
        .scalar_subquery()
    )
    query = (
        sa.select(d.id, d.title, d.value, d.currency,
                  money.deal_value_in_base(session).label("base_value"),
                  Pipeline.name.label("pipeline"), Stage.name.label("stage"), Stage.probability,
                  User.name.label("owner"), Contact.first_name, Contact.last_name,
                  primary_email.label("contact_email"), Company.name.label("company"),
                  d.expected_close, d.created_at, d.closed_at, d.lost_reason, d.lost_note,
                  d.source, d.external_id)
        .join(Pipeline, Pipeline.id == d.pipeline_id)
        .join(Stage, Stage.id == d.stage_id)
        .outerjoin(User, User.id == d.owner_id)
        .outerjoin(Contact, Contact.id == d.contact_id)
        .outerjoin(Company, Company.id == d.company_id)
        .where(d.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        contact = " ".join(p for p in (r.first_name, r.last_name) if p) or None
        base = round(float(r.base_value), 2) if r.base_value is not None else None
        row = [
            r.title, float(r.value or 0), r.currency, base, r.pipeline, r.stage, r.probability,
            r.owner, contact, r.contact_email, r.company, r.expected_close,
            _local(r.created_at, zone), _local(r.closed_at, zone),
            _lost_reason(r.lost_reason, r.lost_note), r.source, r.external_id, i,
        ]  # fmt: skip
        rows.append(row)
    return rows


def export_deals(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    pipeline_id: int | None = None,
    filters: BoardFilters | None = None,
    stage_ids: list[int] | None = None,
    ids: list[int] | None = None,
    tz: str | None = None,
) -> int:
    """Write deals to ``target`` (a path, or a stream with ``fmt``); the number of rows.

    A selection (``ids``, in the order given) or a list: every deal, or a pipeline's, narrowed
    by the board's filters (owner, expected close, closed since) and ``stage_ids``.
    """
    fmt = format_of(target, fmt)
    if ids is not None and (pipeline_id is not None or filters is not None or stage_ids):
        raise ValueError("Export a list (pipeline, filters) or a selection (ids), not both.")
    tz = tz or app_settings.get(session, "time_zone")
    zone = clock.zone(tz)
    if ids is not None:
        chunks = _chunks_of(ids)
    else:
        query = _deal_id_query(pipeline_id, filters, stage_ids)
        chunks = _chunks_of(session.execute(query).scalars())
    header = list(DEAL_HEADERS)
    header[3] = f"Value in base currency ({money.base_currency(session)})"
    rows = (_deal_rows(session, chunk, zone) for chunk in chunks)
    return _write(target, fmt, "Deals", header, rows)


def export_records(
    session: Session, entity: str, target: Target, fmt: str | None = None, **options: Any
) -> int:
    """``export_contacts``, ``export_companies``, ``export_deals`` or ``export_tickets`` by
    ``entity`` ("contacts" / "companies" / "deals" / "tickets")."""
    if entity not in ENTITIES:
        raise ValueError(f"Export contacts, companies, deals or tickets, not {entity!r}.")
    if entity == "tickets":
        from .exporting_tickets import export_tickets  # (it builds on this module)

        return export_tickets(session, target, fmt, **options)
    export = {"contacts": export_contacts, "companies": export_companies, "deals": export_deals}
    return export[entity](session, target, fmt, **options)


def export_to_directory(
    session: Session,
    directory: str | os.PathLike[str],
    entity: str,
    fmt: str = "xlsx",
    *,
    today: date | None = None,
    **options: Any,
) -> Path:
    """Export into ``directory`` under a generated name (``contacts-2026-11-25.xlsx``, then
    ``…-2.xlsx`` and so on: an existing file is never overwritten); the file's path."""
    fmt = format_of(None, fmt)
    if entity not in ENTITIES:
        raise ValueError(f"Export contacts, companies, deals or tickets, not {entity!r}.")
    day = today or clock.local_today(options.get("tz") or app_settings.get(session, "time_zone"))
    folder = Path(directory)
    for n in range(1, 10_000):
        path = folder / f"{entity}-{day.isoformat()}{'' if n == 1 else f'-{n}'}.{fmt}"
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # reserve it
        except FileExistsError:
            continue
        try:
            export_records(session, entity, path, fmt, **options)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(f"Too many exports named {entity}-{day.isoformat()} in {folder}.")


# -- writing ------------------------------------------------------------------------------------
def _write(
    target: Target, fmt: str, sheet: str, header: list[str], rows: Iterable[list[list[Any]]]
) -> int:
    """Write to a stream as is; to a path through a temporary file renamed when complete."""
    if not isinstance(target, str | os.PathLike):
        return _write_stream(target, fmt, sheet, header, rows)
    path = Path(target)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            count = _write_stream(stream, fmt, sheet, header, rows)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count


def _write_stream(
    stream: Any, fmt: str, sheet: str, header: list[str], rows: Iterable[list[list[Any]]]
) -> int:
    if fmt == "csv":
        return _write_csv(stream, header, rows)
    return _write_xlsx(stream, sheet, header, rows)


def _write_csv(stream: Any, header: list[str], chunks: Iterable[list[list[Any]]]) -> int:
    text = (
        stream
        if isinstance(stream, io.TextIOBase)
        else io.TextIOWrapper(stream, "utf-8", newline="")
    )
    text.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralize(h) for h in header])
    count = 0
    for rows in chunks:
        writer.writerows([neutralize(v) if v else v for v in row] for row in rows)
        count += len(rows)
    text.flush()
    if text is not stream:
        text.detach()  # the caller's stream stays open
    return count


def _xlsx_text(value: Any) -> Any:
    """Text without the control characters XML cannot hold, neutralised afterwards (removing
    one must not uncover a formula)."""
    if not isinstance(value, str):
        return value
    if not value:
        return None  # a blank cell, not an empty string
    return neutralize(ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_TEXT])


def _write_xlsx(
    stream: Any, sheet: str, header: list[str], chunks: Iterable[list[list[Any]]]
) -> int:
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    for i, title in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(title) + 4))
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(ws, value=_xlsx_text(title))
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    count = 0
    for rows in chunks:
        for row in rows:
            ws.append([_xlsx_text(v) for v in row])
        count += len(rows)
    book.save(stream)
    return count


# -- command line -------------------------------------------------------------------------------
def find_segment(session: Session, entity: str, name: str) -> tuple[Segment | None, str | None]:
    """(the segment of ``entity`` called ``name``, any owner's; or None and why not). A name
    that several owners use is ambiguous: then the segment's id picks one."""
    found = list(
        session.execute(
            sa.select(Segment)
            .where(Segment.entity == entity)
            .order_by(sa.func.lower(Segment.name), Segment.id)
        ).scalars()
    )
    same = [s for s in found if s.name.casefold() == name.strip().casefold()]
    exact = [s for s in same if s.name == name.strip()]
    if len(same) == 1 or len(exact) == 1:
        return (same if len(same) == 1 else exact)[0], None
    if not same and name.strip().isdigit():
        by_id = [s for s in found if s.id == int(name.strip())]
        if by_id:
            return by_id[0], None
    if same:
        choices = ", ".join(f"{s.id} (owner id {s.owner_id})" for s in same)
        return (
            None,
            f'Several {entity} segments are called "{name}"; pass one id instead: {choices}.',
        )
    names = ", ".join(sorted({s.name for s in found}, key=str.casefold)) or "(none)"
    return None, f'No {entity} segment is called "{name}". {entity.capitalize()} segments: {names}'


def find_pipeline(session: Session, name: str) -> tuple[Pipeline | None, str | None]:
    """(the pipeline called ``name`` in any case, or with that id; or None and why not)."""
    query = sa.select(Pipeline).order_by(Pipeline.position, Pipeline.id)
    pipelines = list(session.execute(query).scalars())
    wanted = " ".join(name.split()).casefold()
    same = [p for p in pipelines if p.name.casefold() == wanted]
    if not same and wanted.isdigit():
        same = [p for p in pipelines if p.id == int(wanted)]
    if same:
        return same[0], None
    names = ", ".join(p.name for p in pipelines) or "(none)"
    return None, f'No pipeline is called "{name}". Pipelines: {names}'


def run_export_command(args: Any) -> int:
    """``rapport export contacts|companies FILE [--segment NAME]`` and ``rapport export deals
    FILE [--pipeline NAME]``: 0 written, 2 bad input."""
    from crm_app.db import migrate, session_scope  # (services import no engine at load time)

    try:
        fmt = format_of(args.file)
    except ExportFormatError as exc:
        print(exc, file=sys.stderr)
        return 2
    deals = args.entity == "deals"
    pipeline_name = getattr(args, "pipeline", None)
    if args.entity == "tickets" and (args.segment is not None or pipeline_name is not None):
        print("Tickets are exported all at once: no --segment or --pipeline.", file=sys.stderr)
        return 2
    if deals and args.segment is not None:
        print("Deals have no segments: use --pipeline NAME.", file=sys.stderr)
        return 2
    if not deals and pipeline_name is not None:
        print("--pipeline is for deals; use --segment NAME.", file=sys.stderr)
        return 2
    migrate()
    with session_scope() as session:
        options: dict[str, Any] = {}
        if args.segment is not None:
            segment, problem = find_segment(session, ENTITIES[args.entity], args.segment)
            if segment is None:
                print(problem, file=sys.stderr)
                return 2
            options["segment"] = segment
        if pipeline_name is not None:
            pipeline, problem = find_pipeline(session, pipeline_name)
            if pipeline is None:
                print(problem, file=sys.stderr)
                return 2
            options["pipeline_id"] = pipeline.id
        try:
            count = export_records(session, args.entity, args.file, fmt, **options)
        except (OSError, ValidationError) as exc:
            print(f"Could not export to {args.file}: {exc}", file=sys.stderr)
            return 1
    print(f"Exported {count:,} {args.entity} to {args.file}.")
    return 0


def add_export_command(subparsers: Any) -> None:
    """Register ``export`` on the CLI's subparsers (``rapport export …``)."""
    parser = subparsers.add_parser(
        "export", help="Export contacts, companies, deals or tickets to a .csv or .xlsx file."
    )
    parser.add_argument("entity", choices=list(ENTITIES))
    parser.add_argument("file", help="The file to write; its extension picks the format.")
    parser.add_argument(
        "--segment", metavar="NAME", help="Only this segment's members (any owner's)."
    )
    parser.add_argument(
        "--pipeline", metavar="NAME", help="Deals: only this pipeline's (by name or id)."
    )
    parser.set_defaults(func=run_export_command)
