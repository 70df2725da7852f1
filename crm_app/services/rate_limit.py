"""A sliding-window rate limit kept in the database, so it holds across worker processes."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import RateLimitHit, utcnow


def allow(session: Session, key: str, *, limit: int, window: timedelta) -> bool:
    """Record one attempt under ``key`` and say whether it is within ``limit`` per ``window``.

    Attempts over the limit are not recorded, so a blocked client's window still expires.
    """
    now = utcnow()
    since = now - window
    session.execute(sa.delete(RateLimitHit).where(RateLimitHit.at < now - timedelta(days=1)))
    recent = session.execute(
        sa.select(sa.func.count())
        .select_from(RateLimitHit)
        .where(RateLimitHit.key == key, RateLimitHit.at >= since)
    ).scalar_one()
    if recent >= limit:
        return False
    session.add(RateLimitHit(key=key, at=now))
    session.flush()
    return True


def clear(session: Session, key: str) -> None:
    session.execute(sa.delete(RateLimitHit).where(RateLimitHit.key == key))
