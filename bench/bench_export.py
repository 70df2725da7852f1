"""Export throughput at the large scale (100,000 contacts, 20,000 companies): rows per second
for CSV and XLSX, with the peak memory of the process doing the export.

Not part of the test suite. Works on its own SQLite file: a copy of an already seeded database
(``--from-db``, default ``/tmp/rapport-contacts.db`` when it exists; read through SQLite's
backup API, never modified) or a fresh ``rapport seed --scale large``. The copy is then given
what the large seed lacks, so every column has work to do: five contact custom fields (number,
date, checkbox, select, text) and two company ones with values on every record, a phone for
every contact, and tags on 40 % of the contacts and companies.

    .venv/bin/python bench/bench_export.py [--runs 3] [--from-db SEEDED.db] [--keep-db PATH]

Each export runs in a forked child, so the peak RSS it reports is that export's own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_SOURCE = Path("/tmp/rapport-contacts.db")

CONTACT_FIELDS = [("Bench budget", "number"), ("Bench renewal", "date"), ("Bench VIP", "checkbox"),
                  ("Bench size", "select"), ("Bench note", "text")]  # fmt: skip
COMPANY_FIELDS = [("Bench tier", "number"), ("Bench segment", "text")]


def copy_db(source: Path, db: Path) -> None:
    print(f"Copying {source} → {db} (SQLite backup; the source is only read) …", flush=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(db)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def seed_db(db: Path) -> None:
    print(f"Seeding {db} (rapport seed --scale large; a few minutes) …", flush=True)
    env = os.environ | {"REFLEX_DB_URL": f"sqlite:///{db}"}
    cmd = [sys.executable, "-m", "crm_app", "seed", "--scale", "large"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def enrich(url: str) -> None:
    """Custom fields, phones and tags on the copy (once; a kept database is reused)."""
    import sqlalchemy as sa

    from crm_app.db import session_scope
    from crm_app.services import custom_fields

    with session_scope(url) as session:
        if "bench_budget" in custom_fields.definitions(session, "contact"):
            return
        print("Adding custom fields, phones and tags to the copy …", flush=True)
        for entity, fields in (("contact", CONTACT_FIELDS), ("company", COMPANY_FIELDS)):
            for label, kind in fields:
                options = ["small", "medium", "large"] if kind == "select" else None
                custom_fields.define(
                    session, entity=entity, label=label, field_type=kind, options=options,
                    actor_id=None,
                )  # fmt: skip
        statements = [
            """UPDATE contacts SET custom_fields = json_patch(custom_fields, json_object(
                 'bench_budget', (id * 37) % 100000 + 0.5,
                 'bench_renewal', date('2026-01-01', '+' || (id % 700) || ' days'),
                 'bench_vip', json(CASE WHEN id % 3 = 0 THEN 'true' ELSE 'false' END),
                 'bench_size', CASE id % 3 WHEN 0 THEN 'small' WHEN 1 THEN 'medium' ELSE 'large' END,
                 'bench_note', CASE WHEN id % 50 = 0 THEN '=HYPERLINK("x")' ELSE 'note ' || id END))""",
            """UPDATE companies SET custom_fields = json_patch(custom_fields, json_object(
                 'bench_tier', id % 5, 'bench_segment', 'segment ' || (id % 12)))""",
            """INSERT INTO contact_phones (contact_id, phone, label, is_primary)
               SELECT id, '+3725' || printf('%07d', id), 'mobile', 1 FROM contacts""",
            *(
                f"INSERT OR IGNORE INTO tags (name, color, created_at) VALUES "
                f"('bench-{n}', 'gray', CURRENT_TIMESTAMP)"
                for n in range(5)
            ),  # fmt: skip
            """INSERT OR IGNORE INTO contact_tags (contact_id, tag_id)
               SELECT c.id, t.id FROM contacts c JOIN tags t ON t.name = 'bench-' || (c.id % 5)
               WHERE c.id % 5 < 2""",
            """INSERT OR IGNORE INTO company_tags (company_id, tag_id)
               SELECT c.id, t.id FROM companies c JOIN tags t ON t.name = 'bench-' || (c.id % 5)
               WHERE c.id % 5 < 2""",
        ]
        for statement in statements:
            session.execute(sa.text(statement))


def _one_export(url: str, entity: str, path: str, options: dict, out) -> None:
    """In a forked child: one export, timed, with this process's peak RSS."""
    from sqlmodel import Session

    from crm_app.db import make_engine
    from crm_app.services import exporting

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Session(make_engine(url)) as session:
        started = time.perf_counter()
        rows = exporting.export_records(session, entity, path, **options)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put({"rows": rows, "seconds": seconds, "rss_before": before, "rss_peak": peak,
             "bytes": os.path.getsize(path)})  # fmt: skip


def measure(url: str, entity: str, fmt: str, folder: Path, options: dict) -> dict:
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    path = folder / f"{entity}.{fmt}"
    child = ctx.Process(target=_one_export, args=(url, entity, str(path), options, out))
    child.start()
    result = out.get()
    child.join()
    if child.exitcode:
        raise RuntimeError(f"the {entity} {fmt} export failed (exit {child.exitcode})")
    path.unlink()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="exports per row (median shown)")
    parser.add_argument("--from-db", type=Path, help="seeded database to copy (read only)")
    parser.add_argument("--keep-db", type=Path, help="keep (and reuse) the working copy here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rapport-bench-export-"))
    db = (args.keep_db or tmp / "rapport-export.db").resolve()
    if db.is_relative_to(ROOT / "data"):
        sys.exit("Use a database outside the project's data/ folder.")
    source = args.from_db or (DEFAULT_SOURCE if DEFAULT_SOURCE.exists() else None)
    if not db.exists():
        if source is not None:
            if source.resolve() == db:
                sys.exit("--keep-db must not be the source database.")
            copy_db(source.resolve(), db)
        else:
            seed_db(db)
    url = f"sqlite:///{db}"
    from crm_app.db import migrate

    migrate(url)
    enrich(url)
    from crm_app.services.contact_query import ContactFilters

    cases = [
        ("contacts", "all 100k, sorted by name", {}),
        ("contacts", "lifecycle stage = lead, by created ↓", {
            "filters": ContactFilters(stages=["lead"]), "sort": "created", "descending": True}),
        ("companies", "all 20k, sorted by name", {}),
    ]  # fmt: skip
    print(f"Exporting ({args.runs} runs each; median) …\n", flush=True)
    print("| Export | format | rows | median s | rows/s | file MB | peak RSS MB (start) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for entity, label, options in cases:
        for fmt in ("csv", "xlsx"):
            runs = [measure(url, entity, fmt, tmp, options) for _ in range(args.runs)]
            seconds = statistics.median(r["seconds"] for r in runs)
            rows = runs[0]["rows"]
            peak = max(r["rss_peak"] for r in runs) / 1024
            start = min(r["rss_before"] for r in runs) / 1024
            print(
                f"| {entity}: {label} | {fmt} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} "
                f"| {runs[0]['bytes'] / 1e6:.1f} | {peak:.0f} ({start:.0f}) |",
                flush=True,
            )
    print(
        f"\n{platform.python_implementation()} {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; database {db} ({db.stat().st_size / 1e6:.0f} MB)."
    )
    shutil.rmtree(tmp, ignore_errors=True)  # the database too, unless --keep-db put it elsewhere
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
