"""The one background job mechanism: a queue in the database, run by exactly one worker per
job, retried with back-off, plus periodic work run by one elected worker. See queue.py and
leases.py for the rules; crm_app/worker.py runs the loop inside the app (or on its own)."""

from .admin import JobRow, job_counts, list_jobs, purge_done
from .leases import (
    Periodic,
    every,
    hold_lease,
    lease_holder,
    periodic_names,
    release_lease,
    run_periodic,
)
from .queue import (
    DEFAULT_LEASE,
    DEFAULT_MAX_ATTEMPTS,
    JobContext,
    PermanentFailure,
    RetryLater,
    RunReport,
    backoff,
    claim,
    enqueue,
    job,
    registered_kinds,
    retry,
    run_due,
    worker_name,
)

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_MAX_ATTEMPTS",
    "JobContext",
    "JobRow",
    "PermanentFailure",
    "Periodic",
    "RetryLater",
    "RunReport",
    "backoff",
    "claim",
    "enqueue",
    "every",
    "hold_lease",
    "job",
    "job_counts",
    "lease_holder",
    "list_jobs",
    "periodic_names",
    "purge_done",
    "registered_kinds",
    "release_lease",
    "retry",
    "run_due",
    "run_periodic",
    "worker_name",
]
