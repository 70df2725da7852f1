"""The job queue: jobs stored in the database, each run by exactly one worker, with retries.

Rules:
- A job is claimed with one conditional UPDATE (pending and due, or running with an expired
  lease) whose row count says whether this worker won; SQLite serialises writers and
  PostgreSQL re-checks the WHERE after the row lock, so two workers never both win.
- A claim holds a lease (``locked_until``); a worker that dies mid-job leaves it running
  until the lease expires, then another worker runs it again (one more attempt).
- A failed attempt is retried with exponential back-off (1, 5, 25, 125 min, … capped at 6 h)
  until ``max_attempts``; ``PermanentFailure`` fails at once.
- The handler's writes and the job's new status commit together; a handler that raises
  ``RetryLater`` or ``PermanentFailure`` keeps its writes (it recorded why), any other
  exception rolls them back.

``enqueue`` and ``retry`` are audited writes; a claim and a status change are bookkeeping of
the queue itself, written with conditional UPDATEs (that is what makes them safe).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Job, JobStatus, utcnow

from .. import writes
from ..errors import NotFound, ValidationError
from ..i18n import N_

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_FACTOR = 5
BACKOFF_CAP = timedelta(hours=6)

WORKER_LOST = N_("The worker stopped while running this job.")
NO_HANDLER = N_("No handler is registered for this kind of job.")

_T = Job.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class JobContext:
    """What a handler learns about the run it is in."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int  # 1 for the first run
    max_attempts: int

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


class RetryLater(Exception):
    """A temporary failure: try again after the back-off (or ``delay``), if attempts remain."""

    def __init__(self, message: str, *, delay: timedelta | None = None):
        super().__init__(message)
        self.delay = delay


class PermanentFailure(Exception):
    """A failure that another attempt would not fix: the job fails now."""


Handler = Callable[[Session, JobContext], None]


@dataclass(frozen=True)
class _Registration:
    handler: Handler
    lease: timedelta


_handlers: dict[str, _Registration] = {}


def job(kind: str, *, lease: timedelta = DEFAULT_LEASE) -> Callable[[Handler], Handler]:
    """Register ``handler(session, ctx)`` for jobs of ``kind``.

    ``lease`` must exceed the handler's longest run (its network timeouts included).
    """

    def register(handler: Handler) -> Handler:
        _handlers[kind] = _Registration(handler, lease)
        return handler

    return register


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def worker_name() -> str:
    """host:pid:random, unique per worker object, readable in the jobs list."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 min, 5 min, 25 min, … ≤ 6 h."""
    delay = BACKOFF_BASE * (BACKOFF_FACTOR ** max(attempts - 1, 0))
    return min(delay, BACKOFF_CAP)


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    actor_id: int | None = None,
) -> Job:
    """Store a job to run at ``run_at`` (default: now); it commits with the caller's session.

    With ``dedupe_key``, while a job with that key is pending or running, the existing job
    is returned instead of adding another (two transactions racing to add the same key: the
    unique index refuses the second with an IntegrityError). ``payload`` must be JSON (ids,
    not objects).
    """
    if not kind or len(kind) > 60:
        raise ValidationError({"kind": N_("Enter a job kind of at most 60 characters.")})
    if run_at is not None and run_at.utcoffset() is None:
        raise ValueError("run_at must be an aware datetime")
    if dedupe_key is not None:
        existing = session.execute(
            sa.select(Job).where(Job.dedupe_key == dedupe_key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    return writes.create(
        session,
        Job(
            kind=kind,
            payload=dict(payload or {}),
            run_at=run_at or utcnow(),
            dedupe_key=dedupe_key,
            max_attempts=max(1, max_attempts),
            created_by_id=actor_id,
        ),
        actor_id=actor_id,
    )


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(_T.c.status == JobStatus.PENDING.value, _T.c.run_at <= now),
        sa.and_(
            _T.c.status == JobStatus.RUNNING.value,
            _T.c.locked_until < now,
            _T.c.attempts < _T.c.max_attempts,
        ),
    )


def claim(
    engine: sa.Engine, job_id: int, *, worker_id: str, now: datetime, lease: timedelta
) -> bool:
    """Try to take ``job_id`` for ``worker_id``; True for exactly one of competing workers."""
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(_T)
            .where(_T.c.id == job_id, _claimable(now))
            .values(
                status=JobStatus.RUNNING.value,
                locked_by=worker_id,
                locked_until=now + lease,
                attempts=_T.c.attempts + 1,
            )
        )
        return result.rowcount == 1


def _fail_abandoned(engine: sa.Engine, now: datetime) -> int:
    """Jobs whose worker died on their last attempt: failed, not run again."""
    abandoned = sa.and_(
        _T.c.status == JobStatus.RUNNING.value,
        _T.c.locked_until < now,
        _T.c.attempts >= _T.c.max_attempts,
    )
    with engine.connect() as conn:  # a read first: most ticks find none and write nothing
        if conn.execute(sa.select(_T.c.id).where(abandoned).limit(1)).first() is None:
            return 0
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(_T)
            .where(abandoned)
            .values(
                status=JobStatus.FAILED.value,
                last_error=WORKER_LOST,
                finished_at=now,
                locked_by=None,
                locked_until=None,
                dedupe_key=None,
            )
        )
        return result.rowcount


@dataclass
class RunReport:
    """What one ``run_due`` call did: job ids by outcome."""

    done: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)  # our lease was taken over meanwhile

    @property
    def ran(self) -> int:
        return len(self.done) + len(self.retrying) + len(self.failed) + len(self.lost)


def run_due(
    *,
    url: str | None = None,
    now: datetime | None = None,
    worker_id: str | None = None,
    limit: int = 20,
    kinds: Iterable[str] | None = None,
) -> RunReport:
    """Claim and run up to ``limit`` due jobs, one at a time, oldest first.

    Only kinds with a handler in this process are claimed (``kinds`` narrows them further),
    so a process that does not know a job leaves it for one that does.
    """
    engine = get_engine(url)
    worker_id = worker_id or worker_name()
    known = set(_handlers) if kinds is None else set(kinds) & set(_handlers)
    report = RunReport()
    if not known:
        return report
    clock = now or utcnow()
    _fail_abandoned(engine, clock)
    with engine.connect() as conn:
        candidates = conn.execute(
            sa.select(_T.c.id, _T.c.kind)
            .where(_claimable(clock), _T.c.kind.in_(sorted(known)))
            .order_by(_T.c.run_at, _T.c.id)
            .limit(limit)
        ).all()
    for job_id, kind in candidates:
        started = now or utcnow()
        if not claim(engine, job_id, worker_id=worker_id, now=started, lease=_handlers[kind].lease):
            continue  # another worker took it
        _run_one(engine, job_id, worker_id, now, report)
    return report


def _run_one(
    engine: sa.Engine, job_id: int, worker_id: str, now: datetime | None, report: RunReport
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        row = session.execute(sa.select(_T).where(_T.c.id == job_id)).one()
        ctx = JobContext(row.id, row.kind, dict(row.payload or {}), row.attempts, row.max_attempts)
        reg = _handlers.get(ctx.kind)
        delay: timedelta | None = None
        try:
            if reg is None:
                raise PermanentFailure(NO_HANDLER)
            reg.handler(session, ctx)
        except PermanentFailure as exc:
            error, final = str(exc) or type(exc).__name__, True
        except RetryLater as exc:
            error, final, delay = str(exc) or type(exc).__name__, ctx.last_attempt, exc.delay
        except Exception as exc:  # any bug in a handler is a failed attempt
            log.warning(
                "job %s (%s) attempt %s failed", ctx.id, ctx.kind, ctx.attempt, exc_info=True
            )
            session.rollback()
            error, final = f"{type(exc).__name__}: {exc}", ctx.last_attempt
        else:
            error, final = None, True
        ended = now or utcnow()
        if error is None:
            values: dict[str, Any] = {"status": JobStatus.DONE.value, "last_error": None}
            outcome = report.done
        elif final:
            values = {"status": JobStatus.FAILED.value, "last_error": error[:4000]}
            outcome = report.failed
        else:
            values = {
                "status": JobStatus.PENDING.value,
                "last_error": error[:4000],
                "run_at": ended + (delay if delay is not None else backoff(ctx.attempt)),
            }
            outcome = report.retrying
        if values["status"] != JobStatus.PENDING.value:
            values |= {"finished_at": ended, "dedupe_key": None}
        result = session.execute(
            sa.update(_T)
            .where(
                _T.c.id == job_id,
                _T.c.status == JobStatus.RUNNING.value,
                _T.c.locked_by == worker_id,
            )
            .values(locked_by=None, locked_until=None, **values)
        )
        if result.rowcount != 1:  # our lease expired and another worker has the job now
            session.rollback()
            report.lost.append(job_id)
            return
        session.commit()
        outcome.append(job_id)


def retry(
    session: Session, job_id: int, *, actor_id: int | None, now: datetime | None = None
) -> Job:
    """An admin's "retry": a failed job runs again as soon as possible, with fresh attempts."""
    found = session.get(Job, job_id)
    if found is None:
        raise NotFound(N_("This job no longer exists."))
    if found.status != JobStatus.FAILED.value:
        raise ValidationError({"job": N_("Only a failed job can be retried.")})
    writes.update(
        session,
        found,
        {
            "status": JobStatus.PENDING.value,
            "attempts": 0,
            "run_at": now or utcnow(),
            "finished_at": None,
        },
        actor_id=actor_id,
    )
    return found
