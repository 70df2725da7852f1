"""The job queue: one runner per job, leases, back-off, dedupe; the scheduler lease."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import AuditEntry, Job, Tag
from crm_app.services import jobs, writes
from crm_app.services.errors import ValidationError
from crm_app.services.jobs import leases, queue
from crm_app.worker import SCHEDULER, Worker

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
calls: list[tuple[int, str, int]] = []  # (job id, worker, attempt)
_lock = threading.Lock()


@jobs.job("test.record")
def _record(session: Session, ctx: jobs.JobContext) -> None:
    time.sleep(ctx.payload.get("sleep", 0))
    with _lock:
        calls.append((ctx.id, ctx.payload.get("worker", ""), ctx.attempt))


@jobs.job("test.flaky")
def _flaky(session: Session, ctx: jobs.JobContext) -> None:
    writes.create(session, Tag(name=f"flaky-{ctx.attempt}"), actor_id=None)
    if ctx.payload.get("mode") == "permanent":
        raise jobs.PermanentFailure("no such customer")
    if ctx.payload.get("mode") == "retry":
        raise jobs.RetryLater("server busy")
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _clear_calls():
    calls.clear()


def _add(session: Session, kind: str = "test.record", **kw) -> Job:
    payload = kw.pop("payload", {})
    job = jobs.enqueue(session, kind, payload, run_at=kw.pop("run_at", T0), **kw)
    session.commit()
    return job


def _job(db_url: str, job_id: int) -> Job:
    with Session(get_engine(db_url)) as s:
        job = s.get(Job, job_id)
        assert job is not None
        s.expunge(job)
        return job


def test_enqueue_stores_a_pending_job_and_audits_it(session):
    job = _add(session, payload={"x": 1}, actor_id=None)

    assert (job.status, job.attempts, job.payload, job.run_at) == ("pending", 0, {"x": 1}, T0)
    entry = session.execute(sa.select(AuditEntry).where(AuditEntry.entity == "jobs")).scalar_one()
    assert (entry.action, entry.entity_id) == ("create", job.id)


def test_run_due_runs_due_jobs_only_and_marks_them_done(session, db_url):
    due = _add(session)
    later = _add(session, run_at=T0 + timedelta(hours=1))

    report = jobs.run_due(url=db_url, now=T0, worker_id="w1")

    assert report.done == [due.id]
    assert [c[0] for c in calls] == [due.id]
    done = _job(db_url, due.id)
    assert (done.status, done.attempts, done.finished_at, done.locked_by) == ("done", 1, T0, None)
    assert _job(db_url, later.id).status == "pending"


def test_of_two_claims_on_one_job_only_the_first_wins(session, db_url):
    job = _add(session)
    engine = get_engine(db_url)

    first = jobs.claim(engine, job.id, worker_id="a", now=T0, lease=timedelta(minutes=5))
    second = jobs.claim(engine, job.id, worker_id="b", now=T0, lease=timedelta(minutes=5))

    assert (first, second) == (True, False)
    claimed = _job(db_url, job.id)
    assert (claimed.status, claimed.locked_by, claimed.attempts) == ("running", "a", 1)
    assert claimed.locked_until == T0 + timedelta(minutes=5)


def test_two_racing_runners_run_every_job_exactly_once(session, db_url):
    ids = [_add(session, payload={"sleep": 0.002}).id for _ in range(30)]
    start = threading.Barrier(2)
    reports: dict[str, jobs.RunReport] = {}

    def runner(name: str) -> None:
        start.wait()
        reports[name] = jobs.run_due(url=db_url, now=T0, worker_id=name, limit=30)

    threads = [threading.Thread(target=runner, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ran = sorted(c[0] for c in calls)
    assert ran == sorted(ids)  # every job once, none twice
    assert sorted(reports["w1"].done + reports["w2"].done) == sorted(ids)
    assert not set(reports["w1"].done) & set(reports["w2"].done)
    with Session(get_engine(db_url)) as s:
        assert s.execute(sa.select(Job.status, Job.attempts).distinct()).all() == [("done", 1)]


def test_a_crashed_workers_job_runs_again_after_its_lease(session, db_url):
    job = _add(session)
    engine = get_engine(db_url)
    assert jobs.claim(engine, job.id, worker_id="crashed", now=T0, lease=jobs.DEFAULT_LEASE)

    during = jobs.run_due(url=db_url, now=T0 + timedelta(minutes=4), worker_id="w2")
    after = jobs.run_due(url=db_url, now=T0 + timedelta(minutes=6), worker_id="w2")

    assert during.ran == 0
    assert after.done == [job.id]
    assert calls == [(job.id, "", 2)]  # the second attempt
    assert _job(db_url, job.id).status == "done"


def test_a_worker_whose_lease_was_taken_over_does_not_overwrite_the_new_run(session, db_url):
    job = _add(session, "test.flaky", payload={"mode": "retry"})
    engine = get_engine(db_url)
    assert jobs.claim(engine, job.id, worker_id="slow", now=T0, lease=timedelta(minutes=5))
    late = T0 + timedelta(minutes=6)
    assert jobs.claim(engine, job.id, worker_id="fresh", now=late, lease=timedelta(minutes=5))

    report = jobs.RunReport()
    queue._run_one(engine, job.id, "slow", late, report)  # the slow worker finishes at last

    assert report.lost == [job.id]
    still = _job(db_url, job.id)
    assert (still.status, still.locked_by, still.last_error) == ("running", "fresh", None)
    with Session(engine) as s:  # the slow run's writes were rolled back
        assert s.execute(sa.select(sa.func.count(Tag.id))).scalar_one() == 0


def test_backoff_grows_five_fold_from_one_minute_and_is_capped():
    assert [jobs.backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
        timedelta(minutes=125),
    ]
    assert jobs.backoff(10) == timedelta(hours=6)


def test_failed_attempts_are_retried_on_the_backoff_schedule_then_fail(session, db_url):
    job = _add(session, "test.flaky", max_attempts=4)
    now = T0
    schedule = []
    for attempt in range(1, 5):
        early = jobs.run_due(url=db_url, now=now - timedelta(seconds=1), worker_id="w")
        assert early.ran == 0, f"attempt {attempt} ran before its time"
        report = jobs.run_due(url=db_url, now=now, worker_id="w")
        row = _job(db_url, job.id)
        assert row.attempts == attempt
        if attempt < 4:
            assert report.retrying == [job.id]
            assert row.status == "pending"
            schedule.append(row.run_at - now)
            now = row.run_at
        else:
            assert report.failed == [job.id]

    assert schedule == [timedelta(minutes=m) for m in (1, 5, 25)]
    final = _job(db_url, job.id)
    assert (final.status, final.last_error) == ("failed", "RuntimeError: boom")
    assert final.finished_at == now
    # an unexpected error rolls the handler's writes back
    with Session(get_engine(db_url)) as s:
        assert s.execute(sa.select(sa.func.count(Tag.id))).scalar_one() == 0


def test_a_permanent_failure_fails_at_once_and_keeps_the_handlers_writes(session, db_url):
    job = _add(session, "test.flaky", payload={"mode": "permanent"})

    report = jobs.run_due(url=db_url, now=T0, worker_id="w")

    assert report.failed == [job.id]
    failed = _job(db_url, job.id)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "no such customer")
    with Session(get_engine(db_url)) as s:
        assert s.execute(sa.select(Tag.name)).scalars().all() == ["flaky-1"]


def test_retry_later_keeps_the_handlers_writes_and_waits(session, db_url):
    job = _add(session, "test.flaky", payload={"mode": "retry"})

    report = jobs.run_due(url=db_url, now=T0, worker_id="w")

    assert report.retrying == [job.id]
    row = _job(db_url, job.id)
    assert (row.status, row.last_error, row.run_at) == (
        "pending",
        "server busy",
        T0 + timedelta(minutes=1),
    )
    with Session(get_engine(db_url)) as s:
        assert s.execute(sa.select(Tag.name)).scalars().all() == ["flaky-1"]


def test_dedupe_key_returns_the_waiting_job_until_it_is_done(session, db_url):
    first = _add(session, dedupe_key="reminder:7")
    again = _add(session, dedupe_key="reminder:7")
    other = _add(session, dedupe_key="reminder:8")

    assert again.id == first.id
    assert other.id != first.id
    jobs.run_due(url=db_url, now=T0, worker_id="w")
    session.expire_all()
    after = _add(session, dedupe_key="reminder:7")

    assert after.id not in (first.id, other.id)
    assert session.execute(sa.select(sa.func.count(Job.id))).scalar_one() == 3


def test_an_admin_retries_a_failed_job_with_fresh_attempts(session, db_url):
    job = _add(session, "test.flaky", payload={"mode": "permanent"})
    jobs.run_due(url=db_url, now=T0, worker_id="w")
    session.expire_all()

    retried = jobs.retry(session, job.id, actor_id=None, now=T0 + timedelta(hours=1))
    session.commit()

    assert (retried.status, retried.attempts, retried.finished_at) == ("pending", 0, None)
    assert retried.run_at == T0 + timedelta(hours=1)
    with pytest.raises(ValidationError):
        jobs.retry(session, job.id, actor_id=None)


def test_a_job_whose_worker_died_on_the_last_attempt_fails(session, db_url):
    job = _add(session, max_attempts=1)
    assert jobs.claim(get_engine(db_url), job.id, worker_id="x", now=T0, lease=jobs.DEFAULT_LEASE)

    report = jobs.run_due(url=db_url, now=T0 + timedelta(minutes=10), worker_id="w")

    assert report.ran == 0 and calls == []
    dead = _job(db_url, job.id)
    assert (dead.status, dead.last_error) == ("failed", queue.WORKER_LOST)


def test_jobs_of_a_kind_without_handler_here_are_left_alone(session, db_url):
    job = _add(session, "test.unknown-kind")

    report = jobs.run_due(url=db_url, now=T0, worker_id="w")

    assert report.ran == 0
    assert _job(db_url, job.id).status == "pending"


def test_counts_and_list_for_the_settings_panel(session, db_url):
    _add(session)
    failing = _add(session, "test.flaky", payload={"mode": "permanent"})
    _add(session, run_at=T0 + timedelta(days=1))
    jobs.run_due(url=db_url, now=T0, worker_id="w")
    session.expire_all()

    assert jobs.job_counts(session) == {"pending": 1, "running": 0, "done": 1, "failed": 1}
    failed = jobs.list_jobs(session, status="failed")
    assert [(r.id, r.kind, r.last_error) for r in failed] == [
        (failing.id, "test.flaky", "no such customer")
    ]
    assert [r.status for r in jobs.list_jobs(session)] == ["pending", "failed", "done"]


def test_old_done_jobs_are_purged_failed_ones_kept(session, db_url):
    _add(session)
    _add(session, "test.flaky", payload={"mode": "permanent"})
    jobs.run_due(url=db_url, now=T0, worker_id="w")
    session.expire_all()

    assert jobs.purge_done(session, now=T0 + timedelta(days=13)) == 0
    assert jobs.purge_done(session, now=T0 + timedelta(days=15)) == 1
    assert jobs.job_counts(session)["failed"] == 1


def test_one_lease_holder_at_a_time(db_url):
    ttl = timedelta(seconds=30)

    assert jobs.hold_lease("loop", "a", ttl=ttl, now=T0, url=db_url)
    assert not jobs.hold_lease("loop", "b", ttl=ttl, now=T0 + timedelta(seconds=10), url=db_url)
    assert jobs.hold_lease("loop", "a", ttl=ttl, now=T0 + timedelta(seconds=20), url=db_url)
    assert not jobs.hold_lease("loop", "b", ttl=ttl, now=T0 + timedelta(seconds=45), url=db_url)
    assert jobs.lease_holder("loop", now=T0 + timedelta(seconds=45), url=db_url) == "a"
    # a renews no more: b takes over once the lease has expired
    assert jobs.hold_lease("loop", "b", ttl=ttl, now=T0 + timedelta(seconds=51), url=db_url)
    jobs.release_lease("loop", "b", url=db_url)
    assert jobs.hold_lease("loop", "a", ttl=ttl, now=T0 + timedelta(seconds=52), url=db_url)


def test_only_the_elected_worker_runs_periodic_work(db_url, monkeypatch):
    ran: list[datetime] = []
    monkeypatch.setattr(
        leases,
        "_periodic",
        {"p": leases.Periodic("p", timedelta(minutes=1), lambda s, now: ran.append(now))},
    )
    one, two = Worker(url=db_url, name="one"), Worker(url=db_url, name="two")

    first = [one.tick(T0), two.tick(T0)]
    second = [one.tick(T0 + timedelta(seconds=30)), two.tick(T0 + timedelta(seconds=30))]
    third = [one.tick(T0 + timedelta(minutes=1)), two.tick(T0 + timedelta(minutes=1))]

    assert [r.leader for r in first + second + third] == [True, False] * 3
    assert ran == [T0, T0 + timedelta(minutes=1)]
    assert jobs.lease_holder(SCHEDULER, now=T0 + timedelta(minutes=1), url=db_url) == "one"
    one.stop()  # on shutdown the other worker takes over at its next tick
    assert two.tick(T0 + timedelta(minutes=1, seconds=2)).leader
    assert ran[-1] == T0 + timedelta(minutes=1, seconds=2)


def test_the_app_worker_loop_runs_jobs_and_gives_up_its_lease_when_cancelled(session, db_url):
    import asyncio

    from crm_app.worker import run_worker

    job = jobs.enqueue(session, "test.record", {"worker": "loop"})
    session.commit()

    async def main() -> None:
        task = asyncio.create_task(run_worker(poll_seconds=0.02, url=db_url))
        for _ in range(200):
            await asyncio.sleep(0.02)
            if calls:
                break
        assert jobs.lease_holder(SCHEDULER, url=db_url) is not None
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())

    assert calls == [(job.id, "loop", 1)]
    assert _job(db_url, job.id).status == "done"
    assert jobs.lease_holder(SCHEDULER, url=db_url) is None  # released on shutdown


def test_start_in_background_registers_a_lifespan_task():
    from crm_app.worker import run_worker, start_in_background

    registered = []

    class App:
        def register_lifespan_task(self, task):
            registered.append(task)
            return task

    start_in_background(App())

    assert registered == [run_worker]
