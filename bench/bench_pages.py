"""Page opening at the large scale: sidebar click → the page's fresh data is in the DOM.

Not part of the test suite. Builds its own SQLite database (never data/), seeds the large
scale, starts the production build on a free port and measures inside Chromium.

    .venv/bin/python bench/bench_pages.py [--runs 25] [--keep-db PATH]

Revisited pages show the previous figures at once (Reflex keeps state on the client), so a
run ends only when the page's on-load reply has arrived AND its data marker is in the DOM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from importlib.metadata import version
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Foundation: page opening at the large scale"
CHROMIUM_ARGS = (
    "--no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run --disable-quic"
).split()
OVERVIEW = "overview____overview_state"
# (sidebar label, data marker, substate whose on-load delta carries the page's data)
PAGES = [
    ("Dashboard", "dashboard", "dashboard____dashboard_state"),
    # The lists, the board, the queue and analytics have benches of their own (bench_contacts,
    # bench_board, bench_tickets, bench_analytics_page); this one keeps the other pages.
    ("Settings", "settings", "preferences____preferences_state"),
]

INIT_JS = """(() => {
  const B = (window.__bench = { t0: null, fresh: null, key: null, loadReady: null });
  const q = (s) => document.querySelector(s), qa = (s) => [...document.querySelectorAll(s)];
  B.onPage = (label) => q('[aria-label="Main"] a[aria-current="page"]')?.textContent.trim() === label;
  B.ready = {
    dashboard: () => {  // the figure, and rows (one tooltip each) in "Newest activities"
      const v = q('[data-testid="open-pipeline-value"]');
      const card = qa(".rt-Card h1, .rt-Card h2, .rt-Card h3")
        .find((e) => e.textContent.trim() === "Newest activities")?.closest(".rt-Card");
      return !!(v?.textContent.trim() && card && !card.querySelector(".rt-Skeleton")
        && card.querySelector("[data-state]"));
    },
    counts: () => qa('[data-testid^="count-"]').every((e) => /\\d/.test(e.textContent)
      && !e.textContent.includes("…")) && !!q('[data-testid^="count-"]'),
    settings: () => !!qa('[role="tab"]').find((t) => t.textContent.includes("My profile"))?.checkVisibility(),
  };
  document.addEventListener("click", (e) => { B.t0 = e.timeStamp; }, true);
  const Native = window.WebSocket;  // note when the page's on-load delta arrives
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (B.key && B.t0 !== null && B.fresh === null && String(e.data).includes(B.key)) {
          B.fresh = performance.now();
          setTimeout(() => B.check?.(), 0);
        }
      });
    }
  };
  const mo = new MutationObserver(() => {  // full page load: navigation start → dashboard data
    if (B.onPage("Dashboard") && B.ready.dashboard()) { B.loadReady = performance.now(); mo.disconnect(); }
  });
  if (location.pathname === "/") mo.observe(document, { subtree: true, childList: true, characterData: true });
})();"""

ARM_JS = """([label, kind, key]) => {  // resolves once the next click's page has fresh data
  const B = Object.assign(window.__bench, { t0: null, fresh: null, key });
  B.done = new Promise((resolve) => {
    let shown = null, finished = false;
    const check = (B.check = () => {
      if (finished || B.t0 === null || !(B.onPage(label) && B.ready[kind]())) return;
      const now = performance.now();
      shown ??= now;
      if (B.fresh === null) return;
      finished = true;
      mo.disconnect();
      resolve({ total: now - B.t0, shown: shown - B.t0, reply: B.fresh - B.t0 });
    });
    const mo = new MutationObserver(check);
    mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    const frame = () => { check(); if (!finished) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    setTimeout(() => { finished = true; resolve(null); }, 120000);
  });
}"""


def app_env(db_url: str, port: int = 0) -> dict[str, str]:
    tools = ROOT / ".tools"
    return {
        **os.environ,
        "REFLEX_DB_URL": db_url,
        "RAPPORT_PORT": str(port or 3000),
        "RAPPORT_DEMO": "0",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_DIR": str(tools / "reflex"),
        "PATH": f"{tools / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
    }


def rapport(url: str, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "rapport"), *args], cwd=ROOT, env=app_env(url), capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"`rapport {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare_db(db: Path) -> dict:
    """Migrate, set up and seed ``db`` once; its sidecar JSON keeps the login and seed output."""
    sidecar = db.with_name(db.name + ".bench.json")
    if sidecar.exists():
        print(f"Reusing {db} (seeded earlier).")
        return {**json.loads(sidecar.read_text()), "reused": True}
    if db.exists():
        sys.exit(f"{db} exists but was not seeded by this script: remove it or pick another path.")
    from crm_app.db import migrate

    url = f"sqlite:///{db}"
    probe = [str(BIN / "python"), "-c", "from crm_app.services.seed import seed_large"]
    for _ in range(30):  # the seed package may still be being written: wait up to 30 min
        if subprocess.run(probe, cwd=ROOT, capture_output=True).returncode == 0:
            break
        print("  waiting for crm_app.services.seed.seed_large (polling every 60 s) …", flush=True)
        time.sleep(60)
    migrate(url)
    out = rapport(url, "setup")
    email, password = (re.search(rf"{k}:\s+(\S+)", out) for k in ("e-mail", "password"))
    if not (email and password):
        sys.exit(f"`rapport setup` printed no admin login:\n{out}")
    print("Seeding the large scale …", flush=True)
    started = time.perf_counter()
    seed_out = rapport(url, "seed", "--scale", "large")
    info = {
        "email": email.group(1),
        "password": password.group(1),
        "seed_output": seed_out.rstrip(),
        "seed_wall_s": round(time.perf_counter() - started, 1),
    }
    sidecar.write_text(json.dumps(info, indent=2))
    return info


def start_app(url: str, work: Path) -> tuple[subprocess.Popen, int]:
    """``reflex run --env prod`` on a free port, building into a private .web (others may be
    running the app from the same checkout at the same time)."""
    log = work / "server.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "reflex"), "run", "--env", "prod"],
            cwd=ROOT,
            env={
                **app_env(url, port),
                "REFLEX_WEB_WORKDIR": str(work / ".web"),
                "REFLEX_STATES_WORKDIR": str(work / ".states"),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.5)
    stop_app(proc)
    sys.exit(f"the app did not answer within 300 s:\n{log.read_text()[-4000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def open_page(page: Page, label: str, kind: str, key: str) -> dict:
    page.evaluate(ARM_JS, [label, kind, key])
    page.locator('[aria-label="Main"]').get_by_role("link", name=label).click()
    result = page.evaluate("() => window.__bench.done")
    if result is None:
        raise RuntimeError(f"{label}: data not in the DOM within 120 s")
    return result


def measure(base: str, info: dict, runs: int, warmup: int) -> tuple[dict, list[float], str]:
    chromium = os.environ.get("RAPPORT_CHROMIUM") or "/usr/bin/chromium"
    samples: dict[str, list[dict]] = {label: [] for label, _, _ in PAGES}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        ctx.add_init_script(INIT_JS)
        page = ctx.new_page()
        page.goto(f"{base}/login")
        page.locator("#email").fill(info["email"])
        page.locator("#password").fill(info["password"])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_function(
            "() => window.__bench.onPage('Dashboard') && window.__bench.ready.dashboard()",
            timeout=300_000,
        )
        # Round robin over the sidebar: every click leaves another page, so each is a real open.
        for i in range(warmup + runs):
            for label, kind, key in PAGES:
                result = open_page(page, label, kind, key)
                if i >= warmup:
                    samples[label].append(result)
                page.wait_for_timeout(150)
            print(f"  round {i + 1}/{warmup + runs}", end="\r", flush=True)
        print()
        loads = []
        for i in range(warmup + runs):  # full load in a new tab: new Reflex token, warm cache
            tab = ctx.new_page()
            tab.goto(f"{base}/", wait_until="commit")
            tab.wait_for_function("() => window.__bench.loadReady !== null", timeout=120_000)
            if i >= warmup:
                loads.append(tab.evaluate("() => window.__bench.loadReady"))
            tab.close()
        chromium_version = browser.version
        browser.close()
    return samples, loads, chromium_version


def summary(values: list[float]) -> tuple[float, float, float, float]:
    p95 = statistics.quantiles(values, n=100, method="inclusive")[94]
    return statistics.median(values), p95, min(values), max(values)


def query_timings(url: str, reps: int = 5) -> list[tuple[str, float]]:
    """Median ms of the pages' server-side queries, called directly in Python."""
    import sqlalchemy as sa

    from crm_app.db import session_scope
    from crm_app.models import User
    from crm_app.services import dashboard, stats

    with session_scope(url) as s:
        admin = s.execute(sa.select(User).order_by(User.id).limit(1)).scalar_one()
        calls = {
            "dashboard.figures": lambda: dashboard.figures(
                s, user_id=admin.id, time_zone=admin.time_zone
            ),
            "dashboard.open_pipeline_by_stage": lambda: dashboard.open_pipeline_by_stage(s),
            "stats.counts (count pages)": lambda: stats.counts(s),
        }
        return [
            (name, 1000 * statistics.median(timeit.repeat(call, number=1, repeat=reps)))
            for name, call in calls.items()
        ]


def machine_facts(db: Path, url: str, chromium_version: str, loads: list) -> list[str]:
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.suffix != ".json")
    counts = json.loads(rapport(url, "stats", "--json"))
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "crm_app"], capture_output=True)
    return [
        f"- Code: commit `{head.stdout.strip()}`"
        + (" plus uncommitted changes under crm_app/" if dirty.stdout.strip() else ""),
        f"- Machine: {os.cpu_count()} CPUs ({cpu.group(1) if cpu else platform.machine()}), "
        f"{mem_kb / 1024**2:.1f} GiB RAM, {platform.system()} {platform.release()}; 1-minute "
        f"load average {loads[0][0]:.2f} before and {loads[1][0]:.2f} after the browser runs",
        f"- Python {platform.python_version()}, Reflex {version('reflex')}, "
        f"Chromium {chromium_version} (headless, playwright {version('playwright')})",
        f"- Database: SQLite, {size / 1024**2:.0f} MiB (file and WAL); rows: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
    ]


def ms(v: float) -> str:
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def report(samples, loads, facts, info, queries, runs, warmup, wall_s) -> str:
    lines = [
        HEADING,
        "",
        f"Measured {dt.date.today().isoformat()}, {runs} runs per page after {warmup} warm-up "
        "rounds, in ms measured inside the page: from the sidebar click event until the page's "
        "on-load reply has arrived and its data marker is in the DOM (dashboard: open-pipeline "
        "value and activity rows; count pages: every `count-*` shows a number; settings: the "
        "“My profile” tab). *Shown*: the marker first matched (a revisited page shows its "
        "previous figures at once). *Reply*: the on-load delta arrived over the websocket.",
        "",
        "| Page | median | p95 | min | max | shown (median) | reply (median) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, rows in samples.items():
        cells = [*summary([r["total"] for r in rows])]
        cells += [statistics.median(r[k] for r in rows) for k in ("shown", "reply")]
        lines.append(f"| {label} | " + " | ".join(map(ms, cells)) + " |")
    lines += [
        "| Dashboard, full page load | " + " | ".join(map(ms, summary(loads))) + " | | |",
        "",
        "Full page load: `page.goto('/')` in a new tab (new Reflex token, so no earlier figures; "
        "HTTP cache warm), from navigation start to the same dashboard marker.",
        "",
        "Server-side queries called directly in Python on the same database (median of 5): "
        + "; ".join(f"`{n}` {ms(t)} ms" for n, t in queries)
        + ".",
        "",
        *facts,
        f"- Seed (`rapport seed --scale large`, {info['seed_wall_s']} s wall):",
        "",
        "```",
        *[line for line in info["seed_output"].splitlines() if not line.startswith(" ")],
        "```",
        "",
        f"Whole benchmark run: {wall_s:.0f} s wall ("
        + ("seeded database reused" if info.get("reused") else "including setup and seed")
        + f"). Reproduce: `.venv/bin/python bench/bench_pages.py --runs {runs}` (add "
        "`--keep-db /tmp/rapport-large.db` to keep the seeded database for reruns).",
        "",
    ]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Performance\n\nMeasured numbers for Rapport.\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="measured runs per page (≥ 20)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--keep-db", "--db", type=Path, help="SQLite file to create once and reuse on reruns"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    db = (args.keep_db or tmp / "rapport-large.db").resolve()
    if db.is_relative_to(ROOT / "data"):
        sys.exit("Use a database outside the project's data/ folder.")
    info = prepare_db(db)
    url = f"sqlite:///{db}"
    print(info["seed_output"])
    proc, port = start_app(url, tmp)
    load_avgs = [os.getloadavg()]
    try:
        print(f"App on port {port} (log: {tmp / 'server.log'}); measuring …", flush=True)
        samples, loads, chromium_version = measure(
            f"http://localhost:{port}", info, args.runs, args.warmup
        )
        load_avgs.append(os.getloadavg())
    finally:
        stop_app(proc)
    queries = query_timings(url)
    facts = machine_facts(db, url, chromium_version, load_avgs)
    wall = time.perf_counter() - started
    section = report(samples, loads, facts, info, queries, args.runs, args.warmup, wall)
    print(section)
    write_doc(section)
    shutil.rmtree(tmp, ignore_errors=True)  # build, log and (unless --keep-db) the database
    print(
        f"Written to {DOC.relative_to(ROOT)}." + (f" Database kept: {db}" if args.keep_db else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
