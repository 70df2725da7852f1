"""One runner for periodic work: a named lease in the database and the periodic registry.

With several app processes each runs the worker loop, and any of them may claim jobs (a
claim is atomic), but periodic work (due-task reminders, later SLA checks) must run once:
only the holder of the unexpired ``scheduler`` lease runs it. The holder renews the lease on
every tick; when it stops or dies, another process takes over once the lease expires.

Leases are bookkeeping of the worker loop, not CRM records: written with conditional
UPDATEs (whose row count says who holds the lease), not audited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from crm_app.db import get_engine, session_scope
from crm_app.models import WorkerLease, utcnow

log = logging.getLogger(__name__)

_T = WorkerLease.__table__  # type: ignore[attr-defined]


def hold_lease(
    name: str,
    holder: str,
    *,
    ttl: timedelta,
    now: datetime | None = None,
    url: str | None = None,
) -> bool:
    """Take or renew the lease ``name`` for ``holder``; False while someone else holds it."""
    now = now or utcnow()
    engine = get_engine(url)
    with engine.connect() as conn:  # a read first: a follower's tick then writes nothing
        current = conn.execute(
            sa.select(_T.c.holder, _T.c.expires_at).where(_T.c.name == name)
        ).first()
    if current is not None and current.holder != holder and current.expires_at >= now:
        return False
    with engine.begin() as conn:
        taken = conn.execute(
            sa.update(_T)
            .where(_T.c.name == name, sa.or_(_T.c.holder == holder, _T.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
        )
        if taken.rowcount == 1:
            return True
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(_T).values(name=name, holder=holder, expires_at=now + ttl))
        return True
    except IntegrityError:  # the row exists and its holder is someone else, still valid
        return False


def release_lease(name: str, holder: str, *, url: str | None = None) -> None:
    """Give the lease up at once (on shutdown), so another process need not wait for expiry."""
    with get_engine(url).begin() as conn:
        conn.execute(sa.delete(_T).where(_T.c.name == name, _T.c.holder == holder))


def lease_holder(name: str, *, now: datetime | None = None, url: str | None = None) -> str | None:
    """Who holds ``name`` now (None when nobody or expired)."""
    now = now or utcnow()
    with get_engine(url).connect() as conn:
        return conn.execute(
            sa.select(_T.c.holder).where(_T.c.name == name, _T.c.expires_at >= now)
        ).scalar_one_or_none()


PeriodicFn = Callable[[Session, datetime], object]


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    fn: PeriodicFn


_periodic: dict[str, Periodic] = {}


def every(name: str, *, seconds: float) -> Callable[[PeriodicFn], PeriodicFn]:
    """Register ``fn(session, now)`` to run about every ``seconds`` in the elected worker.

    It must be idempotent: after a change of leader it may run again sooner than ``seconds``.
    """

    def register(fn: PeriodicFn) -> PeriodicFn:
        _periodic[name] = Periodic(name, timedelta(seconds=seconds), fn)
        return fn

    return register


def periodic_names() -> list[str]:
    return sorted(_periodic)


def run_periodic(
    last_run: dict[str, datetime], *, now: datetime | None = None, url: str | None = None
) -> list[str]:
    """Run each periodic function whose interval has passed since ``last_run`` (updated in
    place); each in its own transaction, so one failing does not stop the others."""
    now = now or utcnow()
    ran = []
    for item in list(_periodic.values()):
        previous = last_run.get(item.name)
        if previous is not None and now - previous < item.every:
            continue
        last_run[item.name] = now
        try:
            with session_scope(url) as session:
                item.fn(session, now)
        except Exception:
            log.exception("periodic %s failed", item.name)
            continue
        ran.append(item.name)
    return ran
