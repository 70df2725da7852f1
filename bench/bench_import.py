"""Importing contacts from a generated CSV (default 10,000 rows): rows per second.

Not part of the test suite. Writes a HubSpot-like export (names, e-mail, phone, mobile,
company — 1 in 10 rows names a company another row names too —, job title, lifecycle stage,
owner, city, country, tags, last contacted) into a temporary folder, migrates a fresh
SQLite database there, and times through the services:

- a dry run, the real import (everything created), the same file again (all unchanged),
- the same file with one changed column (all updated), and the undo of that import.

    .venv/bin/python bench/bench_import.py [--rows 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
    "Company Name", "Job Title", "Lifecycle Stage", "Contact owner", "City", "Country/Region",
    "Tags", "Last Contacted",
]  # fmt: skip
FIRST = ["Anna", "Mart", "Kadri", "Jonas", "Priya", "Tom", "Eva", "Pekka", "Li", "Sarah"]
LAST = ["Lee", "Tamm", "Kask", "Berg", "Shah", "Baker", "Nilsson", "Virtanen", "Wei", "Miller"]
STAGES = ["Subscriber", "Lead", "Marketing Qualified Lead", "Opportunity", "Customer"]
CITIES = [("Tallinn", "Estonia"), ("Helsinki", "Finland"), ("Oslo", "Norway"), ("Berlin", "DE")]


def write_csv(path: Path, rows: int, *, title_suffix: str = "") -> None:
    rnd = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        for i in range(rows):
            city, country = CITIES[i % len(CITIES)]
            out.writerow(
                [
                    1000 + i,
                    rnd.choice(FIRST),
                    rnd.choice(LAST),
                    f"person{i}@bench{i % 97}.example",
                    f"+372 6{(i // 1000) % 100:02d} {i % 10000:04d}",
                    f"+372 5{i % 1000:03d} {(i * 7) % 10000:04d}",
                    f"Company {i // 10 if i % 10 else i // 3}",
                    "Manager" + title_suffix,
                    STAGES[i % len(STAGES)],
                    "owner@bench.example" if i % 3 else "",
                    city,
                    country,
                    "bench, import" if i % 2 else "bench",
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}",
                ]
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", help="Keep the CSV and database in this folder.")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="rapport-import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.db"
    db.unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    os.environ["REFLEX_DB_URL"] = url

    import sqlalchemy as sa

    from crm_app.db import migrate, session_scope
    from crm_app.models import User, utcnow
    from crm_app.services.importing import read_path, run_import, undo_last_import

    migrate(url)
    with session_scope(url) as session:  # the owner named in the file (core insert: any schema)
        session.execute(
            sa.insert(User.__table__).values(  # type: ignore[attr-defined]
                email="owner@bench.example", name="Bench Owner", password_hash="x",
                role="sales", locale="en", time_zone="UTC", active=True, is_demo=False,
                created_at=utcnow(),
            )
        )  # fmt: skip
    first, changed = folder / "contacts.csv", folder / "contacts-changed.csv"
    write_csv(first, args.rows)
    write_csv(changed, args.rows, title_suffix=" II")

    def timed(label: str, path: Path, **kwargs) -> None:
        started = time.perf_counter()
        with session_scope(url) as session:
            table = read_path(path)
            result = run_import(session, "contacts", table, **kwargs)
        elapsed = time.perf_counter() - started
        counts = f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        print(
            f"{label:<28} {elapsed:6.2f} s  {args.rows / elapsed:8,.0f} rows/s  ({counts}, "
            f"rejected {len(result.rejected)}, companies {result.companies_created})"
        )

    print(f"{args.rows:,} rows, SQLite at {db}")
    timed("dry run", first, dry_run=True)
    timed("import (all new)", first)
    timed("same file again", first)
    timed("one column changed", changed)
    started = time.perf_counter()
    with session_scope(url) as session:
        undone = undo_last_import(session, "contacts", actor_id=None)
    elapsed = time.perf_counter() - started
    print(f"{'undo (restore updates)':<28} {elapsed:6.2f} s  ({undone.restored} restored)")
    with session_scope(url) as session:  # the "same file again" import changed nothing
        undo_last_import(session, "contacts", actor_id=None)
    started = time.perf_counter()
    with session_scope(url) as session:
        undone = undo_last_import(session, "contacts", actor_id=None)
    elapsed = time.perf_counter() - started
    print(
        f"{'undo (remove created)':<28} {elapsed:6.2f} s  ({undone.removed} contacts, "
        f"{undone.companies_removed} companies removed)"
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
