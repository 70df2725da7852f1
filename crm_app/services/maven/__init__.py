"""Import of the Maven Analytics "CRM Sales Opportunities" export (four CSV files).

accounts → companies, sales agents and managers → users, products → products, every
opportunity → one deal in the "Maven" pipeline with its line item, stage history and (when
won) order. Importing the same folder again updates what changed and creates nothing.

``rapport import maven DIR [--json]``: ``configure_parser`` sets up that sub-command's parser
and ``run_maven_cli`` runs it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from ..deal_moves import rate_to_base
from ..errors import ValidationError
from ..i18n import N_
from . import deal_writer, files, opportunities, reference
from .summary import Counts, MavenSummary

__all__ = [
    "STEPS",
    "Counts",
    "MavenSummary",
    "configure_parser",
    "import_maven",
    "run_maven_cli",
]


# The steps ``progress`` is told about, in order (msgids: the UI shows them).
STEPS = (
    N_("Reading the files"),
    N_("Companies"),
    N_("Users"),
    N_("Products"),
    N_("Deals"),
)


def import_maven(
    session: Session,
    directory: str | Path,
    *,
    actor_id: int | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> MavenSummary:
    """Import the export in ``directory`` in the caller's transaction; returns the summary.

    ``progress(index, step)`` is called as each of ``STEPS`` begins. Raises ValidationError
    (nothing written) when a file or a needed column is missing.
    """

    def step(index: int) -> None:
        if progress is not None:
            progress(index, STEPS[index])

    started = time.perf_counter()
    step(0)
    data = files.read(directory)
    summary = MavenSummary()
    step(1)
    companies = reference.import_companies(session, data, summary, actor_id=actor_id)
    step(2)
    users = reference.import_users(session, data, summary, actor_id=actor_id)
    step(3)
    products = reference.import_products(session, data, summary, actor_id=actor_id)
    step(4)
    if rate_to_base(session, reference.CURRENCY) is None:
        summary.problem(
            "",
            None,
            N_(
                "No exchange rate for this currency yet: the amounts count 0 in reports until one is added in Settings."
            ),
            reference.CURRENCY,
        )
    pipeline, stages = opportunities.ensure_pipeline(session, actor_id=actor_id)
    summary.pipeline_id = pipeline.id
    plans = opportunities.plan_deals(
        data, summary, stages, companies, users, products, pipeline.id or 0
    )
    deal_writer.write_deals(session, plans, summary, pipeline.id or 0, actor_id=actor_id)
    session.flush()
    summary.seconds = time.perf_counter() - started
    return summary


def _print_text(summary: MavenSummary) -> None:
    for kind in ("companies", "users", "products", "deals", "orders"):
        c: Counts = getattr(summary, kind)
        print(
            f"{kind:<10} {c.created:>6} created {c.updated:>6} updated {c.unchanged:>6} unchanged"
        )
    for r in summary.reconciliations:
        print(f"reconciled {r['kind']}: {r['from']!r} → {r['to']!r} ({r['rows']} rows)")
    for p in summary.problems:
        where = f"{p.file} row {p.row}: " if p.row else f"{p.file}: " if p.file else ""
        print(f"problem: {where}{p.message} {p.value}".rstrip())
    stages = ", ".join(f"{k} {v}" for k, v in summary.deals_by_stage.items())
    print(f"deals by stage: {stages}")
    print(f"done in {summary.seconds:.1f} s")


def run_maven_cli(directory: str, *, as_json: bool) -> int:
    """``rapport import maven DIR``: migrate, import in one transaction, print the summary."""
    from crm_app.db import migrate, session_scope

    migrate()
    try:
        with session_scope() as session:
            summary = import_maven(session, directory)
    except ValidationError as exc:
        if as_json:
            print(json.dumps({"errors": exc.errors}))
        for key, message in exc.errors.items():
            print(f"{key}: {message}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        _print_text(summary)
    return 0


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments and handler of ``rapport import maven`` on the sub-command's parser."""
    parser.add_argument(
        "directory", metavar="DIR", help="Folder with accounts.csv, products.csv, …"
    )
    parser.add_argument("--json", action="store_true", help="Print the summary as one JSON object.")
    parser.set_defaults(func=lambda args: run_maven_cli(args.directory, as_json=args.json))
    return parser
