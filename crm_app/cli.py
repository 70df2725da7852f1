"""The `rapport` command: migrate, setup, seed, create-user, stats.

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
