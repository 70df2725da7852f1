"""Analytics recompute on the server at the large scale (50k deals, 100k contacts, 50k tickets).

Not part of the test suite. Times, on a private copy of a seeded database (the original is
never touched), what the analytics page computes: each tab (its services and its Plotly
figures, ``state.analytics_views.build``), the next best actions, the three ``rapport report``
figures, and everything at once from one context. Best and median of ``--runs`` runs, wall
and CPU time (the CPU time is the steadier number on a busy machine).

    .venv/bin/python bench/bench_analytics.py --from-db /tmp/rapport-contacts.db [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from crm_app.db import get_engine, migrate  # noqa: E402
from crm_app.services import stats  # noqa: E402
from crm_app.services.analytics import actions, context, report  # noqa: E402
from crm_app.state.analytics_format import TABS  # noqa: E402
from crm_app.state.analytics_views import build  # noqa: E402


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(best wall ms, median wall ms, best cpu ms)."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return min(walls), statistics.median(walls), min(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-db", required=True, help="A seeded SQLite file (copied).")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "analytics.db"
        shutil.copy(args.from_db, copy)
        url = f"sqlite:///{copy}"
        migrate(url)
        with Session(get_engine(url)) as s:
            counts = stats.counts(s)
            print(
                ", ".join(
                    f"{k} {counts[k]:,}" for k in ("contacts", "deals", "tickets") if k in counts
                )
            )
            build(context(s), "sales", "en")  # warm imports and caches once
            rows: list[tuple[str, Callable[[], object]]] = [
                *[(f"tab {t}", lambda t=t: build(context(s), t, "en")) for t in TABS],
                ("next best actions", lambda: actions.next_best_actions(context(s))),
                *[(f"report {k}", lambda k=k: report(s, k)) for k in TABS],
            ]

            def everything() -> None:
                ctx = context(s)
                for t in TABS:
                    build(ctx, t, "en")
                actions.next_best_actions(ctx)

            rows.append(("all tabs + actions, one context", everything))
            print(f"{'':34} {'best':>8} {'median':>8} {'cpu':>8}   (ms, {args.runs} runs)")
            for name, fn in rows:
                best, median, cpu = _time(fn, args.runs)
                print(f"{name:<34} {best:8.0f} {median:8.0f} {cpu:8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
