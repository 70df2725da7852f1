"""``rapport report sales|customers|service [--json] [--from D --to D] [--pipeline NAME]``.

Prints the figures the dashboards show (``report.py``): with ``--json`` one JSON object with
exactly the report's keys, else a two-column table. Exit 2 on a bad option.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import ValidationError
from .filters import AnalyticsFilter, parse_day, pipeline_id_by_name
from .report import KINDS, report

FRACTIONS = {"win_rate", "sla_attainment"}


def add_report_command(subparsers: Any) -> None:
    """Register ``report`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "report", help="Sales, customer or service figures (what the analytics pages show)."
    )
    parser.add_argument("kind", choices=list(KINDS))
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    parser.add_argument(
        "--from", dest="date_from", metavar="YYYY-MM-DD", help="First day (inclusive)."
    )
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="Last day (inclusive).")
    parser.add_argument("--pipeline", metavar="NAME", help="Only this pipeline's deals.")
    parser.set_defaults(func=run_report_command)


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if key in FRACTIONS:
        return f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}"


def run_report_command(args: argparse.Namespace) -> int:
    from crm_app.db import migrate, session_scope

    migrate()
    try:
        with session_scope() as session:
            f = AnalyticsFilter(
                date_from=parse_day(args.date_from),
                date_to=parse_day(args.date_to),
                pipeline_id=pipeline_id_by_name(session, args.pipeline) if args.pipeline else None,
            )
            figures = report(session, args.kind, f)
    except ValidationError as exc:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures))
        return 0
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {_shown(key, value):>16}")
    return 0
