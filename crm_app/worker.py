"""The background worker: runs due jobs and, in one elected process, the periodic work.

Inside the app it is a Reflex lifespan task (see ``start_in_background``): every app process
polls about every 2 s; each may run jobs (a claim is atomic), and only the holder of the
``scheduler`` lease runs periodic work (due-task reminders, purging old jobs). It can also
run on its own: ``python -m crm_app.worker`` (or ``rapport worker`` once hooked into the CLI),
for example with ``RAPPORT_WORKER=0`` in the web processes.

No reflex import here: the app hands itself to ``start_in_background``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crm_app.models import utcnow

# Importing these registers their job handlers and periodic functions.
from crm_app.services import automation, campaigns, jobs, mail, notifications, tasks, tickets  # noqa: F401

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
SCHEDULER = "scheduler"
LEASE_TTL = timedelta(seconds=30)  # a leader that stops renewing is replaced after this
JOBS_PER_TICK = 20


def enabled() -> bool:
    """``RAPPORT_WORKER=0`` keeps this process from running jobs (another one does)."""
    return os.environ.get("RAPPORT_WORKER", "1").strip().lower() not in {"0", "false", "no", "off"}


@dataclass
class TickReport:
    leader: bool
    periodic: list[str]
    jobs: jobs.RunReport


@dataclass
class Worker:
    """One worker's state: its name, the database, when each periodic function last ran."""

    url: str | None = None
    name: str = field(default_factory=jobs.worker_name)
    last_run: dict[str, datetime] = field(default_factory=dict)
    leader: bool = False
    lease_until: datetime = field(default_factory=utcnow)

    def tick(self, now: datetime | None = None) -> TickReport:
        """One round: renew or take the scheduler lease, run periodic work if we hold it,
        then run the due jobs."""
        at = now or utcnow()
        if not (self.leader and at < self.lease_until - LEASE_TTL / 2):  # renew at half-time
            self.leader = jobs.hold_lease(SCHEDULER, self.name, ttl=LEASE_TTL, now=at, url=self.url)
            self.lease_until = at + LEASE_TTL if self.leader else at
        ran: list[str] = []
        if self.leader:
            ran = jobs.run_periodic(self.last_run, now=at, url=self.url)
        else:
            self.last_run.clear()  # whoever leads now keeps the schedule
        report = jobs.run_due(url=self.url, now=now, worker_id=self.name, limit=JOBS_PER_TICK)
        return TickReport(self.leader, ran, report)

    def stop(self) -> None:
        if self.leader:
            jobs.release_lease(SCHEDULER, self.name, url=self.url)
            self.leader = False


async def run_worker(poll_seconds: float = POLL_SECONDS, url: str | None = None) -> None:
    """Poll until cancelled. Database work runs in a thread, never on the event loop."""
    if not enabled():
        log.info("background worker disabled (RAPPORT_WORKER=0)")
        return
    worker = Worker(url=url)
    last_error = ""
    try:
        while True:
            try:
                await asyncio.to_thread(worker.tick)
                last_error = ""
            except Exception as exc:  # the loop must survive a locked or missing database
                if str(exc) != last_error:  # log each new problem once, not every 2 s
                    log.exception("background worker tick failed")
                last_error = str(exc)
            await asyncio.sleep(poll_seconds)
    finally:
        try:
            worker.stop()
        except Exception:
            log.warning("could not release the scheduler lease", exc_info=True)


def start_in_background(app: Any) -> None:
    """Run the worker for the app's lifetime: ``start_in_background(app)`` in crm_app.py.

    Reflex starts a registered coroutine function as a task when the server starts and
    cancels it on shutdown (reflex 0.10 ``App.register_lifespan_task``).
    """
    if enabled():
        app.register_lifespan_task(run_worker)


def add_worker_command(sub: argparse._SubParsersAction) -> None:
    """``rapport worker [--once]``: run the worker on its own (for the CLI to hook in)."""
    p = sub.add_parser("worker", help="Run background jobs and reminders until stopped.")
    p.add_argument("--once", action="store_true", help="Run one round and exit.")
    p.set_defaults(func=_cmd_worker)


def _cmd_worker(args: argparse.Namespace) -> int:
    from crm_app.db import migrate

    migrate()
    if args.once:
        worker = Worker()
        report = worker.tick()
        worker.stop()
        print(
            f"leader: {report.leader}  periodic: {', '.join(report.periodic) or '-'}  "
            f"done: {len(report.jobs.done)}  retrying: {len(report.jobs.retrying)}  "
            f"failed: {len(report.jobs.failed)}"
        )
        return 0
    os.environ["RAPPORT_WORKER"] = "1"
    try:
        asyncio.run(run_worker())
    except KeyboardInterrupt:
        pass
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(prog="python -m crm_app.worker")
    add_worker_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["worker", *sys.argv[1:]])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
