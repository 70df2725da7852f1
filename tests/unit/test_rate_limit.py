"""The sliding-window rate limit kept in the database."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from crm_app.models import RateLimitHit, utcnow
from crm_app.services import rate_limit

WINDOW = timedelta(minutes=10)


def _hits(session, key: str | None = None) -> int:
    q = sa.select(sa.func.count()).select_from(RateLimitHit)
    if key is not None:
        q = q.where(RateLimitHit.key == key)
    return session.execute(q).scalar_one()


def _old_hits(session, key: str, n: int, age: timedelta) -> None:
    session.add_all([RateLimitHit(key=key, at=utcnow() - age) for _ in range(n)])
    session.flush()


def test_allows_within_the_limit_and_denies_over_it(session):
    results = [rate_limit.allow(session, "k", limit=3, window=WINDOW) for _ in range(5)]
    assert results == [True, True, True, False, False]
    # denied attempts are not recorded, so a blocked client's window can still run out
    assert _hits(session, "k") == 3


def test_keys_are_independent(session):
    for _ in range(2):
        assert rate_limit.allow(session, "a", limit=2, window=WINDOW)
    assert not rate_limit.allow(session, "a", limit=2, window=WINDOW)
    assert rate_limit.allow(session, "b", limit=2, window=WINDOW)


def test_hits_older_than_the_window_do_not_count(session):
    _old_hits(session, "k", 3, WINDOW + timedelta(seconds=1))
    assert rate_limit.allow(session, "k", limit=3, window=WINDOW)
    assert rate_limit.allow(session, "k", limit=3, window=WINDOW)


def test_hits_inside_the_window_count(session):
    _old_hits(session, "k", 2, WINDOW - timedelta(seconds=30))
    assert rate_limit.allow(session, "k", limit=3, window=WINDOW)
    assert not rate_limit.allow(session, "k", limit=3, window=WINDOW)


def test_a_blocked_key_is_allowed_again_once_its_hits_age_out(session):
    for _ in range(3):
        rate_limit.allow(session, "k", limit=3, window=WINDOW)
    assert not rate_limit.allow(session, "k", limit=3, window=WINDOW)
    session.execute(sa.update(RateLimitHit).values(at=utcnow() - WINDOW - timedelta(seconds=1)))
    assert rate_limit.allow(session, "k", limit=3, window=WINDOW)


def test_hits_older_than_a_day_are_purged(session):
    _old_hits(session, "stale", 4, timedelta(days=1, minutes=1))
    _old_hits(session, "recent", 1, timedelta(hours=23))
    rate_limit.allow(session, "other", limit=5, window=WINDOW)
    assert _hits(session, "stale") == 0
    assert _hits(session, "recent") == 1
    assert _hits(session) == 2


def test_clear_forgets_one_key_only(session):
    for _ in range(3):
        rate_limit.allow(session, "a", limit=3, window=WINDOW)
    rate_limit.allow(session, "b", limit=3, window=WINDOW)
    assert not rate_limit.allow(session, "a", limit=3, window=WINDOW)

    rate_limit.clear(session, "a")

    assert _hits(session, "a") == 0
    assert _hits(session, "b") == 1
    assert rate_limit.allow(session, "a", limit=3, window=WINDOW)
