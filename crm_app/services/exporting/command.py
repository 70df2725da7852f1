"""``rapport export contacts|companies|deals|tickets FILE``: a segment (contacts, companies)
or a pipeline (deals) by name, any owner's; exit code 0 written, 1 not written, 2 bad input."""

from __future__ import annotations

import sys
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Pipeline, Segment

from ..errors import ValidationError
from .entities import ENTITIES, export_records
from .writers import ExportFormatError, format_of


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
