"""Reads for the Settings panel: how many jobs wait or failed, and which (with their error)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Job, JobStatus, utcnow

from .. import writes
from .leases import every


@dataclass(frozen=True)
class JobRow:
    id: int
    kind: str
    status: str
    attempts: int
    max_attempts: int
    run_at: datetime
    created_at: datetime
    finished_at: datetime | None
    last_error: str | None
    locked_by: str | None
    payload: dict[str, Any]


def job_counts(session: Session) -> dict[str, int]:
    """Jobs per status; every status present (0 when none)."""
    rows = session.execute(sa.select(Job.status, sa.func.count()).group_by(Job.status)).all()
    counts = {s.value: 0 for s in JobStatus}
    counts.update({status: n for status, n in rows})
    return counts


def list_jobs(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[JobRow]:
    """Newest first (failed and pending jobs are what an admin looks for: filter by status)."""
    q = sa.select(Job).order_by(Job.id.desc()).limit(max(1, min(limit, 500))).offset(offset)
    if status:
        q = q.where(Job.status == status)
    if kind:
        q = q.where(Job.kind == kind)
    return [
        JobRow(
            id=j.id or 0,
            kind=j.kind,
            status=j.status,
            attempts=j.attempts,
            max_attempts=j.max_attempts,
            run_at=j.run_at,
            created_at=j.created_at,
            finished_at=j.finished_at,
            last_error=j.last_error,
            locked_by=j.locked_by,
            payload=dict(j.payload or {}),
        )
        for j in session.execute(q).scalars()
    ]


KEEP_DONE = timedelta(days=14)


def purge_done(session: Session, now: datetime | None = None) -> int:
    """Forget jobs that finished well more than two weeks ago (failed ones are kept)."""
    cutoff = (now or utcnow()) - KEEP_DONE
    result = session.execute(
        sa.delete(Job).where(Job.status == JobStatus.DONE.value, Job.finished_at < cutoff)
    )
    purged = result.rowcount or 0
    if purged:
        writes.audit(
            session,
            actor_id=None,
            entity="jobs",
            entity_id=None,
            action="purge",
            changes={"rows": purged, "finished_before": cutoff},
        )
    return purged


@every("purge_done_jobs", seconds=3600)
def _purge(session: Session, now: datetime) -> None:
    purge_done(session, now)
