"""A customer with 5,000 timeline entries at the large scale: click a contact in the list →
its record page (name, figures and the first 30 timeline entries) in the DOM.

Not part of the test suite. Copies a database seeded by bench_pages.py (never touching the
original), adds 5,000 activities to one contact in the copy, starts the production build on a
free port with a private .web (bench_pages.start_app), logs in, searches the contact list for
that contact and then, repeatedly: clicks its row (the click's timestamp, in the page) → the
record page shows the contact's name, 30 timeline entries and the newest entry first. Between
runs it goes back to the list. Then it times the service calls behind the page in Python.

    .venv/bin/python bench/bench_record360.py --from-db /tmp/rapport-contacts.db [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_contacts import copy_seeded
from bench_pages import CHROMIUM_ARGS, ROOT, start_app, stop_app, summary
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(ROOT))

ENTRIES = 5000

ARM_JS = """([name, first]) => {  // resolves once the record page shows the contact
  const B = (window.__rec = { t0: null });
  document.addEventListener("click", (e) => { if (B.t0 === null) B.t0 = e.timeStamp; },
    { capture: true, once: true });
  B.done = new Promise((resolve) => {
    let finished = false;
    const check = () => {
      if (finished || B.t0 === null) return;
      const h = document.querySelector('[data-testid="record-name"]');
      const rows = document.querySelectorAll('[data-testid="timeline-entry"]');
      if (!h || h.textContent !== name || rows.length !== 30) return;
      if (!rows[0].textContent.includes(first)) return;
      finished = true;
      mo.disconnect();
      resolve(performance.now() - B.t0);
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, { subtree: true, childList: true, characterData: true });
    const frame = () => { check(); if (!finished) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    setTimeout(() => { if (!finished) { finished = true; resolve(null); } }, 60000);
  });
}"""


def add_activities(url: str) -> dict:
    """5,000 calls, meetings and notes on one contact that has a company and an e-mail."""
    import sqlalchemy as sa

    from crm_app.db import migrate, session_scope
    from crm_app.models import Activity, Contact, ContactEmail

    migrate(url)
    with session_scope(url) as session:
        contact, email = session.execute(
            sa.select(Contact, ContactEmail.email)
            .join(ContactEmail, ContactEmail.contact_id == Contact.id)
            .where(Contact.company_id.is_not(None), Contact.last_name != "")
            .limit(1)
        ).one()
        now = datetime.now(UTC).replace(microsecond=0)
        kinds = ("call", "meeting", "note")
        rows = [
            {
                "kind": kinds[i % 3],
                "subject": f"Bench entry {i}",
                "body": "Talked about the **next order** and delivery dates." if i % 3 == 2 else "",
                "occurred_at": now - timedelta(hours=6 * i + 1),
                "duration_minutes": 15 if i % 3 != 2 else None,
                "contact_id": contact.id,
                "company_id": contact.company_id,
                "created_at": now,
            }
            for i in range(ENTRIES)
        ]
        session.execute(sa.insert(Activity), rows)
        session.execute(
            sa.update(Contact).where(Contact.id == contact.id).values(last_contacted_at=now)
        )
        return {
            "id": contact.id,
            "name": f"{contact.first_name} {contact.last_name}".strip(),
            "email": email,
            "first": "Bench entry 0",
        }


def service_timings(url: str, contact_id: int, reps: int = 15) -> list[tuple[str, float]]:
    from crm_app.db import session_scope
    from crm_app.services import customer360, related_records, timeline

    calls = {
        "profile": lambda s: related_records.contact_profile(s, contact_id),
        "summary (figures + health)": lambda s: customer360.contact_summary(s, contact_id),
        "timeline, first 30": lambda s: timeline.page_of(s, contact_id=contact_id),
        "related lists": lambda s: related_records.related_lists(s, contact_id=contact_id),
    }
    out = []
    for name, fn in calls.items():
        times = []
        for _ in range(reps):
            with session_scope(url) as s:
                t = time.perf_counter()
                fn(s)
                times.append((time.perf_counter() - t) * 1000)
        out.append((name, statistics.median(times)))
    return out


def measure(base: str, login: dict, target: dict, runs: int, warmup: int) -> list[float]:
    chromium = os.environ.get("RAPPORT_CHROMIUM") or "/usr/bin/chromium"
    samples = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.goto(f"{base}/login")
        page.locator("#email").fill(login["email"])
        page.locator("#password").fill(login["password"])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/", timeout=300_000)
        page.goto(f"{base}/contacts")
        page.get_by_test_id("contact-search").fill(target["email"])
        row = page.get_by_test_id("contacts-table-row").filter(has_text=target["email"])
        for i in range(warmup + runs):
            row.first.wait_for(timeout=60_000)
            page.wait_for_timeout(200)
            page.evaluate(ARM_JS, [target["name"], target["first"]])
            row.first.click()
            took = page.evaluate("() => window.__rec.done")
            if took is None:
                raise RuntimeError("the record page did not show within 60 s")
            if i >= warmup:
                samples.append(took)
            page.go_back()
        browser.close()
    return samples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--from-db", type=Path, default=Path("/tmp/rapport-contacts.db"))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    import json

    work = Path(tempfile.mkdtemp(prefix="bench-360-"))
    db = work / "bench.db"
    copy_seeded(args.from_db, db)
    login = json.loads(db.with_name(db.name + ".bench.json").read_text())
    url = f"sqlite:///{db}"
    target = add_activities(url)
    print(f"Contact {target['id']} ({target['name']}) now has {ENTRIES:,} more activities.")
    for name, ms in service_timings(url, target["id"]):
        print(f"  {name:<28} {ms:6.1f} ms (median, Python)")
    proc, port = start_app(url, work)
    try:
        samples = measure(f"http://localhost:{port}", login, target, args.runs, args.warmup)
    finally:
        stop_app(proc)
    med, p95, lo, hi = summary(samples)
    print(
        f"click a contact → record page with 30 of {ENTRIES:,}+ entries: "
        f"median {med:.0f} ms · p95 {p95:.0f} ms · min {lo:.0f} · max {hi:.0f} ({len(samples)} runs)"
    )
    print(f"(work folder: {work})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
