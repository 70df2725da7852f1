"""The `rapport` command: migrate, setup, seed, create-user, stats, import, export, report.

The CLI uses the services directly (no Reflex), against REFLEX_DB_URL or the default
SQLite file in data/.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from collections.abc import Sequence

from .db import migrate, session_scope
from .models import Role
from .services import stats, users
from .services.errors import ValidationError
from .settings import db_url, demo_enabled


def _cmd_migrate(_args: argparse.Namespace) -> int:
    migrate()
    print(f"Database is up to date ({_safe_url()}).")
    return 0


def _cmd_setup(_args: argparse.Namespace) -> int:
    """First start: migrate, create the first admin (printing its password once), load the demo."""
    from .services.seed import DEMO_PASSWORD, load_demo_if_empty

    migrate()
    with session_scope() as session:
        created = users.ensure_first_admin(session)
    if created:
        email, password = created
        print("\n  First administrator created. This password is shown only once:\n")
        print(f"    e-mail:   {email}\n    password: {password}\n")
    with session_scope() as session:
        if load_demo_if_empty(session):
            print(f"  Demo business loaded: log in as admin@kestrel.example / {DEMO_PASSWORD}")
            print("  (the login page lists every demo user while the demo data is present)\n")
        elif not demo_enabled():
            print("  Demo data disabled (RAPPORT_DEMO=0).")
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    from .services.seed import seed_demo, seed_large

    migrate()
    started = time.perf_counter()
    with session_scope() as session:
        if args.scale == "large":
            result = seed_large(session, seed=args.seed)
        else:
            if stats.has_business_data(session) and not args.force:
                print(
                    "The database already holds CRM data; use --force to add the demo anyway.",
                    file=sys.stderr,
                )
                return 1
            result = seed_demo(session, seed=args.seed, locale=args.locale)
    elapsed = time.perf_counter() - started
    for key, value in result.items():
        print(
            f"  {key:<24} {value:>12,.0f}"
            if isinstance(value, int | float)
            else f"  {key}: {value}"
        )
    print(f"Seeded ({args.scale}) in {elapsed:.1f} s.")
    return 0


def _cmd_create_user(args: argparse.Namespace) -> int:
    migrate()
    password = args.password
    generated = False
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass("Password (empty to generate one): ") or None
        if password is None:
            from .services.auth import generate_password

            password, generated = generate_password(), True
    try:
        with session_scope() as session:
            user = users.create_user(
                session,
                name=args.name,
                email=args.email,
                role=args.role,
                password=password,
                actor_id=None,
            )
    except ValidationError as exc:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
        return 2
    print(f"Created {user.role} {user.email} (id {user.id}).")
    if generated:
        print(f"Password (shown once): {password}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    migrate()
    with session_scope() as session:
        counts = stats.counts(session)
    if args.json:
        print(json.dumps(counts))
    else:
        for key, value in counts.items():
            print(f"{key:<14} {value:>10,}")
    return 0


def _pairs(values: list[str], option: str) -> dict[str, str]:
    """ "Column=field" options → {column: field}; the column may itself contain "="."""
    out: dict[str, str] = {}
    for value in values:
        column, sep, target = value.rpartition("=")
        if not sep or not column.strip():
            raise ValueError(f'{option} takes "Column=value", got {value!r}')
        out[column.strip()] = target.strip()
    return out


def _import_failed(args: argparse.Namespace, message: str, **extra: object) -> int:
    print(message, file=sys.stderr)
    if args.json:
        print(json.dumps({"error": message, **extra}, ensure_ascii=False))
    return 2


def _cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV/XLSX file; exit 2 when it cannot be read or needs a --date-format."""
    from .services import importing

    try:
        mapping = _pairs(args.map, "--map")
        date_formats = _pairs(args.date_format, "--date-format")
    except ValueError as exc:
        return _import_failed(args, str(exc))
    migrate()
    try:
        table = importing.read_path(args.file)
        with session_scope() as session:
            result = importing.run_import(
                session,
                args.entity,
                table,
                mapping=mapping,
                date_formats=date_formats,
                create_fields=getattr(args, "create_field", []),
                dry_run=args.dry_run,
                actor_id=None,
                pipeline=getattr(args, "pipeline", None),
            )
    except importing.UnreadableFile as exc:
        return _import_failed(args, f"Cannot read {args.file}: {exc}")
    except importing.AmbiguousDates as exc:
        lines = [
            f'The dates in column "{c}" can be read day-first or month-first. Run again with '
            f'--date-format "{c}=day-first" or --date-format "{c}=month-first". Nothing was imported.'
            for c in exc.columns
        ]
        return _import_failed(args, "\n".join(lines), ambiguous_date_columns=exc.columns)
    except importing.MappingError as exc:
        return _import_failed(args, f"{exc} Nothing was imported.")
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        _print_import(args, result)
    return 0


def _print_import(args: argparse.Namespace, result) -> None:
    mode = "dry run, nothing was written" if result.dry_run else f"import #{result.batch_id}"
    print(f"Importing {args.entity} from {args.file} ({result.rows} rows, {mode})")
    print("Mapping:")
    width = max((len(h) for h in result.mapping), default=0) + 2
    for header, field in result.mapping.items():
        print(f"  {f'"{header}"':<{width}} -> {field or '(skipped)'}")
    verb = "would be " if result.dry_run else ""
    print(
        f"Created: {result.created}  Updated: {result.updated}  Unchanged: {result.unchanged}  "
        f"Rejected: {len(result.rejected)}  (rows merged into another row's record: {result.merged})"
    )
    if result.extra.get("pipeline"):
        print(f"Pipeline for new deals: {result.extra['pipeline']}")
    if result.extra.get("contacts_created"):
        print(f"Contacts {verb}created: {result.extra['contacts_created']}")
    if result.extra.get("substitutions"):
        print("Values that matched nothing, imported as the field's default:")
        for s in result.extra["substitutions"]:
            print(f"  row {s['row']}  {s['field']}: {s['value']!r} -> {s['used']}")
    if result.companies_created or result.custom_fields_created:
        print(
            f"Companies {verb}created: {result.companies_created}  "
            f"Custom fields {verb}created: {result.custom_fields_created}"
        )
    if result.rejected:
        print("Rejected rows:")
        for r in result.rejected:
            print(f"  row {r.row}  {r.field}: {r.reason}")
    if result.warnings:
        print("Imported without a value (warnings):")
        for w in result.warnings:
            print(f"  row {w.row}  {w.field}: {w.reason}")


def _import_epilog(entity: str) -> str:
    from .services.importing import fields_for

    lines = [f'Fields for --map ("Column=field", or "Column=" to skip a column) for {entity}:']
    specs = fields_for(entity)
    width = max(len(f.name) for f in specs) + 2
    lines += [f"  {f.name:<{width}}{f.label}" for f in specs]
    if entity == "deals":
        lines += [
            "",
            "Stages are matched by name within the pipeline (--pipeline, or a Pipeline column);",
            '"Won"/"Closed Won" and "Lost"/"Closed Lost" name its won and lost stage. A row with',
            "an unknown stage is rejected. Deals match on their ID from the other system.",
        ]
    elif entity == "tickets":
        lines += [
            "",
            'Status, priority and channel are matched by synonyms ("Resolved" -> solved,',
            '"In Progress" -> open, "P1" -> urgent, "Live chat" -> chat). A value that matches',
            "nothing is imported as the field's default (new, normal, email) and listed under",
            '"substitutions". Tickets match on their ID from the other system (a ticket-id',
            "column), so importing again updates them. The customer is found by e-mail (or",
            "name) or created; rows without a customer are imported without one.",
        ]
    else:
        lines.append(f"  {'custom:<key>':<{width}}an existing custom field, by its key")
    lines += [
        "",
        "Columns are matched to fields from their headers (HubSpot, Pipedrive, Salesforce, Zoho,",
        "Google Contacts, Outlook and hand-made sheets); --map overrides a suggestion.",
        "Exit status: 0 when the file was processed (even with rejected rows), 2 when it could",
        "not be read, a --map is wrong, or a date column needs --date-format."
        if entity != "deals"
        else "not be read, a --map or --pipeline is wrong, or a date column needs --date-format.",
    ]
    return "\n".join(lines)


def _add_import(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import", help="Import contacts, companies, deals or tickets from a CSV or XLSX file."
    )
    kinds = imp.add_subparsers(dest="entity", required=True)
    for entity in ("contacts", "companies", "deals", "tickets"):
        p = kinds.add_parser(
            entity,
            help=f"Import {entity}; rows matching existing {entity} update them.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=_import_epilog(entity),
        )
        p.add_argument("file", metavar="FILE", help="A .csv or .xlsx file with a header row.")
        p.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        p.add_argument("--json", action="store_true", help="Print one JSON object.")
        p.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD",
            help="Map a column to a field (repeatable); FIELD empty skips the column.",
        )  # fmt: skip
        p.add_argument(
            "--date-format", action="append", default=[], metavar="COLUMN=ORDER",
            help="How to read a date column: day-first or month-first (repeatable).",
        )  # fmt: skip
        if entity == "deals":
            p.add_argument(
                "--pipeline", metavar="NAME",
                help="The pipeline new deals go to and stage names are looked up in "
                "(default: the default pipeline); a Pipeline column picks one per row.",
            )  # fmt: skip
        elif entity != "tickets":  # tickets have no custom fields
            p.add_argument(
                "--create-field", action="append", default=[], metavar="COLUMN",
                help="Keep an unmapped column as a new text custom field (repeatable).",
            )  # fmt: skip
        p.set_defaults(func=_cmd_import)
    from .services.maven import configure_parser as configure_maven

    configure_maven(
        kinds.add_parser("maven", help="Import the Maven Analytics CRM export (CSV files in DIR).")
    )


def _safe_url() -> str:
    url = db_url()
    if "@" in url:  # hide credentials of a server database
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rapport", description="Rapport CRM command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="Apply database migrations.").set_defaults(func=_cmd_migrate)
    sub.add_parser(
        "setup", help="First start: migrate, create the first admin, load the demo business."
    ).set_defaults(func=_cmd_setup)

    seed = sub.add_parser("seed", help="Load the demo business (or the large benchmark scale).")
    seed.add_argument("--seed", type=int, default=42, help="Random seed (same seed, same data).")
    seed.add_argument("--scale", choices=["demo", "large"], default="demo")
    seed.add_argument(
        "--locale",
        default="en",
        help="Make the demo local: en (Nordics, EUR), et (Estonia), he (Israel, ILS), fa (Iran, USD), hy (Armenia, AMD).",
    )
    seed.add_argument("--force", action="store_true", help="Seed even if the database has data.")
    seed.set_defaults(func=_cmd_seed)

    cu = sub.add_parser("create-user", help="Create a user.")
    cu.add_argument("--email", required=True)
    cu.add_argument("--name", required=True)
    cu.add_argument("--role", choices=[r.value for r in Role], default=Role.SALES.value)
    cu.add_argument("--password", help="Omit to be asked (or to have one generated).")
    cu.set_defaults(func=_cmd_create_user)

    st = sub.add_parser("stats", help="Row counts of the main tables.")
    st.add_argument("--json", action="store_true", help="Print one JSON object.")
    st.set_defaults(func=_cmd_stats)
    _add_import(sub)
    from .services.exporting import add_export_command

    add_export_command(sub)
    from .services.analytics.command import add_report_command

    add_report_command(sub)
    from .worker import add_worker_command

    add_worker_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
