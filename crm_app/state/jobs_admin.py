"""Settings → Background jobs (admins): how many jobs wait, run or failed, and a retry."""

from __future__ import annotations

import dataclasses

import reflex as rx

from crm_app.db import session_scope
from crm_app.models import JobStatus
from crm_app.services import formatting, i18n, jobs
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded

LIMIT = 100
STATUSES = [
    s.value for s in (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.FAILED, JobStatus.DONE)
]
STATUS_LABELS = {
    JobStatus.PENDING.value: N_("Pending"),
    JobStatus.RUNNING.value: N_("Running"),
    JobStatus.FAILED.value: N_("Failed"),
    JobStatus.DONE.value: N_("Done"),
}
STATUS_COLORS = {"pending": "blue", "running": "amber", "failed": "red", "done": "green"}
KIND_LABELS = {"send_mail": N_("Send mail")}
RETRIED = N_("The job will run again shortly.")


@dataclasses.dataclass
class JobView:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    color: str
    attempts: str  # "2 / 5"
    run_at: str  # when it runs (pending: the next try), in the admin's zone and language
    finished: str
    last_error: str
    created: str
    can_retry: bool


@dataclasses.dataclass
class CountView:
    status: str
    label: str
    count: str
    color: str


class JobsAdminState(AppState):
    counts: list[CountView] = []
    jobs: list[JobView] = []
    status_filter: str = "all"
    total_shown: int = 0

    def _reload(self) -> None:
        me = caller()
        loc, tz = me.locale, me.time_zone
        status = self.status_filter if self.status_filter in STATUSES else None
        with session_scope() as session:
            counts = jobs.job_counts(session)
            rows = jobs.list_jobs(session, status=status, limit=LIMIT)
        self.counts = [
            CountView(
                status=s,
                label=i18n.gettext(STATUS_LABELS[s], loc),
                count=formatting.number(counts.get(s, 0), loc),
                color=STATUS_COLORS[s],
            )
            for s in STATUSES
        ]
        self.jobs = [
            JobView(
                id=r.id,
                kind=r.kind,
                kind_label=i18n.gettext(KIND_LABELS[r.kind], loc)
                if r.kind in KIND_LABELS
                else r.kind,
                status=r.status,
                status_label=i18n.gettext(STATUS_LABELS.get(r.status, r.status), loc),
                color=STATUS_COLORS.get(r.status, "gray"),
                attempts=i18n.format_message(
                    N_("{attempts} of {max}"),
                    loc,
                    attempts=formatting.number(r.attempts, loc),
                    max=formatting.number(r.max_attempts, loc),
                ),
                run_at=formatting.when(r.run_at, tz, loc)
                if r.status in (JobStatus.PENDING.value, JobStatus.RUNNING.value)
                else "",
                finished=formatting.when(r.finished_at, tz, loc) if r.finished_at else "",
                last_error=i18n.gettext(r.last_error, loc) if r.last_error else "",
                created=formatting.when(r.created_at, tz, loc),
                can_retry=r.status == JobStatus.FAILED.value,
            )
            for r in rows
        ]
        self.total_shown = len(self.jobs)

    @guarded()
    def load_jobs(self):
        """On page load for everyone; fills the tab only for those who manage settings."""
        if can(caller().role, Perm.SETTINGS_MANAGE):
            self.status_filter = "all"
            self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def refresh_jobs(self):
        self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def filter_jobs(self, status: str):
        status = str(status)
        self.status_filter = status if status in STATUSES else "all"
        self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def retry_job(self, job_id: int):
        try:
            job_id = int(job_id)
        except (TypeError, ValueError):
            return None
        try:
            with session_scope() as session:
                jobs.retry(session, job_id, actor_id=caller().id)
        except (NotFound, ValidationError) as exc:
            message = (
                next(iter(exc.errors.values()))
                if isinstance(exc, ValidationError)
                else str(exc.args[0] if exc.args else "")
            )
            self._reload()
            return rx.toast.error(self._t(message))
        self._reload()
        return rx.toast.success(self._t(RETRIED))
