"""The import itself: analyse a file, then run it (or dry-run it) with the caller's choices.

Rules:
- Nothing is written until the file has been read, the mapping checked and every mapped
  date column's order is known (an ambiguous one raises ``AmbiguousDates``).
- Valid rows are committed, invalid ones rejected with their row number, field and reason.
- A dry run reports exactly what a real run would do and writes nothing, not even the
  custom fields or companies the run would create.
- A real run keeps an ImportBatch (mapping, summary, rejected rows with their cells) and an
  ImportChange per created or updated record, in the caller's transaction with the data.
- Deals go into a pipeline: ``pipeline`` (a name or an id; default: the default pipeline)
  is where new deals go and where stage names are looked up for rows without a pipeline
  cell. Deals have no custom fields, so ``create_fields`` is refused for them.
- Tickets (``ticket_import``) report, besides the counts, the status, priority and channel
  cells that matched nothing as ``substitutions``; they have no custom fields either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from crm_app.models import CustomField, FieldType, ImportBatch, ImportChange

from .. import app_settings, writes
from .. import custom_fields as custom_rules
from ..i18n import N_
from . import company_import, contact_import, dates, deal_import, ticket_import
from .fields import CUSTOM_PREFIX, entity_of, fields_for
from .mapping import MappingPlan, resolve_mapping
from .merging import CREATE, UNCHANGED, UPDATE, Change
from .problems import AmbiguousDates, MappingError
from .reading import Table
from .rows import Owners, ReadContext, Rejection, read_rows, readers

BAD_DATE_CHOICE = N_("Choose day-first or month-first for “{column}”.")
_IMPORTERS = {
    "contact": contact_import,
    "company": company_import,
    "deal": deal_import,
    "ticket": ticket_import,
}
# kinds without custom fields: ``create_fields`` is refused with their message
_NO_CUSTOM_FIELDS = {
    deal_import.ENTITY: deal_import.NO_CUSTOM_FIELDS,
    ticket_import.ENTITY: ticket_import.NO_CUSTOM_FIELDS,
}

type Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do). Counts are records, not rows:
    ``merged`` rows were folded into another row's record."""

    entity: str
    dry_run: bool
    rows: int
    mapping: dict[str, str]
    headers: list[str]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # imported rows with a cell left out (e.g. an owner who is not a user here)
    warnings: list[Rejection] = field(default_factory=list)
    companies_created: int = 0
    custom_fields_created: int = 0
    batch_id: int | None = None
    # what only some kinds report (deals: contacts_created, pipeline)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON the CLI prints: created, updated, unchanged, rejected, then the extras."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [r.as_dict() for r in self.rejected],
            "warnings": [w.as_dict() for w in self.warnings],
            "merged": self.merged,
            "rows": self.rows,
            "companies_created": self.companies_created,
            "custom_fields_created": self.custom_fields_created,
            **self.extra,
            "dry_run": self.dry_run,
            "batch_id": self.batch_id,
            "entity": self.entity,
            "mapping": self.mapping,
        }


@dataclass
class Analysis:
    """What the UI shows before a run: the suggested mapping, date columns, a preview."""

    entity: str
    headers: list[str]
    rows: int
    mapping: dict[str, str]
    choices: list[tuple[str, str]]  # (field, label msgid or custom field label)
    dates: list[dates.DateColumn]
    preview: list[dict[str, str]]

    @property
    def ambiguous(self) -> list[str]:
        """Date columns the caller must choose day-first or month-first for."""
        return [d.column for d in self.dates if d.ambiguous]

    @property
    def unmapped(self) -> list[str]:
        return [h for h, f in self.mapping.items() if not f]


def field_choices(session: Session, entity: str) -> list[tuple[str, str]]:
    """Every field a column can map to: (name, label) — built-in labels are msgids."""
    entity = entity_of(entity)
    builtin = [(f.name, f.label) for f in fields_for(entity)]
    custom = [(CUSTOM_PREFIX + c.key, c.label) for c in custom_rules.list_fields(session, entity)]
    return builtin + custom


def _prepare(
    session: Session,
    entity: str,
    table: Table,
    mapping: Mapping[str, str] | None,
    date_formats: Mapping[str, str] | None,
    create_fields: Iterable[str],
) -> tuple[MappingPlan, dict[str, CustomField], list[dates.DateColumn]]:
    create_fields = list(create_fields)
    if entity in _NO_CUSTOM_FIELDS and create_fields:
        raise MappingError(_NO_CUSTOM_FIELDS[entity])
    customs = custom_rules.list_fields(session, entity, include_archived=True)
    plan = resolve_mapping(entity, table.headers, customs, mapping, create_fields)
    defs = {c.key: c for c in customs}
    for key, label in plan.new_fields.items():  # not added to the session: a stand-in
        defs[key] = CustomField(entity=entity, key=key, label=label, field_type=FieldType.TEXT)
    chosen: dict[str, str] = {}
    for raw, order in (date_formats or {}).items():
        header = next(
            (h for h in table.headers if h.casefold() == str(raw).strip().casefold()), None
        )
        if header is None or order not in dates.ORDERS:
            raise MappingError(BAD_DATE_CHOICE, column=str(raw))
        chosen[header] = order
    kinds = {f.name: f.kind for f in fields_for(entity)}
    found = []
    for index, header in enumerate(table.headers):
        name = plan.mapping.get(header, "")
        custom = (
            defs.get(name.removeprefix(CUSTOM_PREFIX)) if name.startswith(CUSTOM_PREFIX) else None
        )
        if kinds.get(name) != "date" and not (custom and custom.field_type == FieldType.DATE):
            continue
        cells = [row[index] for row in table.rows if row[index].strip()]
        order, ambiguous = dates.detect(cells)
        if header in chosen:
            order, ambiguous = chosen[header], False
        unreadable = sum(1 for c in cells if not dates.parse(c, order, UTC)) if order else 0
        found.append(dates.DateColumn(header, name, order, ambiguous, cells[:5], unreadable))
    return plan, defs, found


def analyse(
    session: Session,
    entity: str,
    table: Table,
    *,
    mapping: Mapping[str, str] | None = None,
    date_formats: Mapping[str, str] | None = None,
    create_fields: Iterable[str] = (),
    preview_rows: int = 10,
) -> Analysis:
    """The suggested (or given) mapping, each date column's order or ambiguity, a preview.

    Raises ``MappingError`` when ``mapping`` names an unknown column or field.
    """
    entity = entity_of(entity)
    plan, _defs, found = _prepare(session, entity, table, mapping, date_formats, create_fields)
    return Analysis(
        entity=entity,
        headers=table.headers,
        rows=len(table.rows),
        mapping=plan.mapping,
        choices=field_choices(session, entity),
        dates=found,
        preview=table.as_dicts(preview_rows),
    )


def run_import(
    session: Session,
    entity: str,
    table: Table,
    *,
    mapping: Mapping[str, str] | None = None,
    date_formats: Mapping[str, str] | None = None,
    create_fields: Iterable[str] = (),
    dry_run: bool = False,
    actor_id: int | None = None,
    progress: Progress | None = None,
    pipeline: str | int | None = None,
) -> ImportResult:
    """Import ``table`` into contacts, companies or deals (see the module rules); the caller
    commits. ``pipeline`` is for deals only (a name or an id; default: the default pipeline).

    Raises ``MappingError`` (``deal_import.UnknownPipeline`` for a pipeline that is not
    there) or ``AmbiguousDates`` before anything is read or written.
    ``progress(done, total)`` is called as rows are read and once more when all is written.
    """
    entity = entity_of(entity)
    plan, defs, found = _prepare(session, entity, table, mapping, date_formats, create_fields)
    ambiguous = [d.column for d in found if d.ambiguous]
    if ambiguous:
        raise AmbiguousDates(ambiguous)
    options: dict[str, Any] = {}
    if entity == deal_import.ENTITY:
        options["pipeline"] = deal_import.target_pipeline(session, pipeline)
    zone_name = app_settings.get(session, "time_zone") or "UTC"
    ctx = ReadContext(
        entity=entity,
        zone=ZoneInfo(zone_name if app_settings.valid_time_zone(zone_name) else "UTC"),
        default_region=app_settings.get(session, "default_phone_region") or None,
        date_orders={d.column: d.order for d in found},
        owners=Owners(session),
        customs=defs,
    )
    total = len(table.rows)
    tick = (lambda done: progress(done * 9 // 10, total)) if progress else None
    good, rejected, warnings = read_rows(
        list(table.records()),
        table.headers,
        readers(plan.mapping, table.headers, ctx),
        progress=tick,
    )
    importer = _IMPORTERS[entity]
    if options:
        options["zone"] = ctx.zone
    outcome = importer.plan(session, good, **options)
    result = ImportResult(
        entity=entity,
        dry_run=dry_run,
        rows=total,
        mapping=plan.mapping,
        headers=table.headers,
        created=outcome.count(CREATE),
        updated=outcome.count(UPDATE),
        unchanged=outcome.count(UNCHANGED),
        merged=outcome.merged,
        rejected=sorted(rejected + outcome.rejected, key=lambda r: r.row),
        warnings=warnings,
        companies_created=len(outcome.new_companies),
        custom_fields_created=len(plan.new_fields),
        extra=outcome.summary() if hasattr(outcome, "summary") else {},
    )
    if not dry_run:
        for label in plan.new_fields.values():
            custom_rules.define(
                session, entity=entity, label=label, field_type=FieldType.TEXT, actor_id=actor_id
            )
        changes = importer.apply(session, outcome, actor_id=actor_id)
        result.batch_id = _keep_batch(session, table, result, changes, actor_id=actor_id)
    if progress:
        progress(total, total)
    return result


def _keep_batch(
    session: Session,
    table: Table,
    result: ImportResult,
    changes: list[Change],
    *,
    actor_id: int | None,
) -> int:
    summary = {
        k: v
        for k, v in result.as_dict().items()
        if isinstance(v, int) and not isinstance(v, bool) and k != "batch_id"
    }
    summary["rejected"] = len(result.rejected)
    summary["warnings"] = len(result.warnings)
    batch = writes.create(
        session,
        ImportBatch(
            entity=result.entity,
            file_name=table.file_name[:255],
            user_id=actor_id,
            mapping=result.mapping,
            summary=summary,
            rejected=[{**r.as_dict(), "values": r.values} for r in result.rejected],
        ),
        actor_id=actor_id,
    )
    assert batch.id is not None
    rows = [
        {
            "batch_id": batch.id,
            "entity": c.entity,
            "record_id": c.record_id,
            "action": c.action,
            "row_key": c.row_key,
            "before": c.before,
        }
        for c in changes
    ]
    for start in range(0, len(rows), 5000):
        writes.bulk_insert(
            session,
            ImportChange,
            rows[start : start + 5000],
            actor_id=actor_id,
            note=f"import {batch.id}",
        )
    return batch.id
