"""Duplicate detection at 100,000 contacts (and 20,000 companies): scan time, paging, pairs.

Not part of the test suite. Works on a private copy of a seeded large database (``--from-db``,
default /tmp/rapport-contacts.db, opened read-only and copied with SQLite's backup API; never
changed), or seeds one into a temporary file when there is none. The copy is migrated to the
latest schema, then known duplicates are planted in it (same e-mail with another spelling of
the name, same phone, a typo in the last name at the same company, first and last name
swapped at the same company) so the run can tell how many of them the list finds.

    .venv/bin/python bench/bench_duplicates.py [--from-db PATH] [--runs 3] [--plant 200]

Prints the cold scan (what the first page costs after any change), a warm page deep in the
list, ``duplicates_of`` on a warm scan, the data-version check every call pays, the candidate
pairs scored, and the pairs kept per tier.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy (WAL included) without writing to ``source``."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def seed_db(target: Path) -> None:
    env = {**os.environ, "REFLEX_DB_URL": f"sqlite:///{target}"}
    python = str(ROOT / ".venv" / "bin" / "python")
    for args in (["migrate"], ["seed", "--scale", "large"]):
        subprocess.run([python, "-m", "crm_app", *args], cwd=ROOT, env=env, check=True)


def plant(session, count: int, rng: random.Random) -> dict[str, set[tuple[int, int]]]:
    """Insert ``count`` duplicates of each kind; returns kind → the planted (low, high) pairs."""
    import sqlalchemy as sa

    from crm_app.models import Contact, ContactEmail, ContactPhone
    from crm_app.services import writes

    ids = list(
        session.execute(
            sa.select(Contact.id).where(Contact.company_id.is_not(None), Contact.last_name != "")
        ).scalars()
    )
    picked = rng.sample(ids, 4 * count)
    planted: dict[str, set[tuple[int, int]]] = {}
    kinds = ("same_email", "same_phone", "typo_same_company", "swapped_same_company")
    for n, kind in enumerate(kinds):
        pairs = set()
        for original_id in picked[n * count : (n + 1) * count]:
            original = session.get(Contact, original_id)
            first, last = original.first_name, original.last_name
            if kind == "same_email":
                first, last = first.upper(), last.lower()
            elif kind == "typo_same_company":
                cut = rng.randrange(1, len(last)) if len(last) > 2 else 1
                last = last[:cut] + last[cut + 1 :]
            elif kind == "swapped_same_company":
                first, last = last, first
            copy = writes.create(
                session,
                Contact(first_name=first, last_name=last, company_id=original.company_id),
                actor_id=None,
            )
            if kind == "same_email":
                email = session.execute(
                    sa.select(ContactEmail.email).where(ContactEmail.contact_id == original_id)
                ).scalar()
                row = ContactEmail(contact_id=copy.id, email=email.upper(), is_primary=True)
                writes.create(session, row, actor_id=None)
            if kind == "same_phone":
                phone = f"+3725{rng.randrange(10**6, 10**7)}"
                for contact_id in (original_id, copy.id):
                    row = ContactPhone(contact_id=contact_id, phone=phone, is_primary=True)
                    writes.create(session, row, actor_id=None)
            pairs.add((min(original_id, copy.id), max(original_id, copy.id)))
        planted[kind] = pairs
    session.commit()
    return planted


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-db", type=Path, default=Path("/tmp/rapport-contacts.db"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plant", type=int, default=200, help="duplicates planted per kind")
    parser.add_argument("--keep", action="store_true", help="keep the copy (default: deleted)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rapport-dup-bench-"))
    db = work / "copy.db"
    if args.from_db.exists():
        print(f"Copying {args.from_db} → {db}")
        copy_db(args.from_db, db)
    else:
        print(f"{args.from_db} is missing: seeding the large scale into {db} (minutes)")
        seed_db(db)
    try:
        measure(db, args)
    finally:
        if args.keep:
            print(f"\n(the copy is kept in {work})")
        else:
            shutil.rmtree(work)


def measure(db: Path, args: argparse.Namespace) -> None:
    url = f"sqlite:///{db}"
    os.environ["REFLEX_DB_URL"] = url

    from sqlmodel import Session

    from crm_app.db import get_engine, migrate
    from crm_app.services import duplicates
    from crm_app.services.duplicates import cache, scan

    migrate(url)
    with Session(get_engine(url), expire_on_commit=False) as session:
        planted = plant(session, args.plant, random.Random(7))
        counts = {
            table: session.connection().exec_driver_sql(f"select count(*) from {table}").scalar()
            for table in ("contacts", "contact_emails", "contact_phones", "companies")
        }
        print("rows:", counts, "(planted", args.plant, "duplicates of each of 4 kinds)")

        def cold(entity: str):
            def scan_once():
                cache.forget()
                return duplicates.find_duplicates(session, entity, limit=50)

            return scan_once

        for entity in ("contact", "company"):
            seconds, page = timed(cold(entity), args.runs)
            print(f"\n{entity}: cold scan + first page  {seconds:.2f} s (median of {args.runs})")
            deep = max(0, page.total - 50)
            warm, _ = timed(
                lambda e=entity, o=deep: duplicates.find_duplicates(session, e, offset=o), 5
            )
            print(f"{entity}: warm page at offset {deep}  {warm * 1000:.1f} ms")
            version, _ = timed(lambda e=entity: cache.data_version(session, e), 5)
            print(f"{entity}: data-version check       {version * 1000:.1f} ms")
            kept = cache.result(session, entity).pairs
            strong = {"same_email", "same_phone", "same_domain"}
            tiers = Counter(
                "strong"
                if any(code in strong for code, _ in reasons)
                else "medium"
                if score >= 70
                else "weak"
                for _, _, score, reasons in kept
            )
            print(f"{entity}: pairs kept {len(kept)}  {dict(tiers)}  listed (≥70) {page.total}")
            by_reason = Counter(code for *_, reasons in kept for code, _ in reasons)
            print(f"{entity}: reasons {dict(by_reason)}")

        some = next(iter(planted["same_email"]))[0]
        one, found = timed(lambda: duplicates.duplicates_of(session, "contact", some), 5)
        print(f"\nduplicates_of (warm)  {one * 1000:.1f} ms → {len(found)} candidates")

        listed = {
            (p.a_id, p.b_id) for p in duplicates.find_duplicates(session, limit=200, offset=0).pairs
        }
        total = duplicates.find_duplicates(session, limit=1).total
        for offset in range(200, total, 200):
            page = duplicates.find_duplicates(session, limit=200, offset=offset)
            listed |= {(p.a_id, p.b_id) for p in page.pairs}
        print("\nplanted duplicates found in the default list (min score 70):")
        for kind, pairs in planted.items():
            print(f"  {kind:22} {len(pairs & listed)}/{len(pairs)}")

        calls = Counter()
        real = scan.score_contacts
        scan.score_contacts = lambda p, q: calls.update(["scored"]) or real(p, q)
        cache.forget()
        scan.scan_contacts(session)
        scan.score_contacts = real
        print(
            f"\ncontact pairs scored in Python: {calls['scored']} (of {counts['contacts'] ** 2 // 2:,} all-pairs)"
        )
    get_engine(url).dispose()


if __name__ == "__main__":
    main()
