"""The webhook action: a JSON POST made by the job runner, never inside a request.

The body is fixed when the rule runs: ``{"rule", "trigger", "event", "entity", "record_id",
"record", "data"}`` plus the keys of the rule's own ``body`` object (which win). The job
posts it with a short timeout; a 2xx answer is success; a network error or a 5xx or 429 is
retried with the job runner's back-off (``MAX_ATTEMPTS`` in all); any other status fails at
once. The result is added to the run's log.

The send resolves the host and refuses (at once, no retry) a name that is or resolves to a
local or private address unless the installation allows it (see ``url_guard``); it then
connects to the address it checked, and follows no redirects (a 3xx fails like a 4xx).
"""

from __future__ import annotations

import http.client
import json
import socket
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import AutomationRun, Job

from .. import jobs
from . import runs, url_guard
from .conditions import MODELS

if TYPE_CHECKING:
    from .actions import Context

KIND = "automation_webhook"
TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 4
_SKIP = {"password_hash", "token_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def record_snapshot(session: Session, entity: str, record_id: int) -> dict[str, Any]:
    record = session.get(MODELS[entity], record_id)
    if record is None:
        return {}
    mapper = sa.inspect(type(record))
    return {
        c.key: _plain(getattr(record, c.key)) for c in mapper.column_attrs if c.key not in _SKIP
    }


def enqueue_webhook(session: Session, ctx: Context, url: str, extra: dict[str, Any]) -> Job:
    event = ctx.event
    body = {
        "rule": ctx.rule.name,
        "rule_id": ctx.rule.id,
        "trigger": event.trigger,
        "event": event.key,
        "entity": event.entity,
        "record_id": event.record_id,
        "record": record_snapshot(session, event.entity, event.record_id),
        "data": event.data,
        **(extra or {}),
    }
    return jobs.enqueue(
        session,
        KIND,
        {"url": url, "body": body, "run_id": ctx.run_id},
        max_attempts=MAX_ATTEMPTS,
    )


def _log(session: Session, run_id: Any, line: runs.Line) -> None:
    run = session.get(AutomationRun, run_id) if isinstance(run_id, int) else None
    if run is not None:
        run.detail = runs.append(run.detail, line)
        session.add(run)


def _pinned(address: str):
    """A connection factory that ignores the host name and dials the checked address."""

    def create(addr: tuple[str, int], timeout: Any = None, source: Any = None) -> socket.socket:
        return socket.create_connection((address, addr[1]), timeout, source)

    return create


def post(url: str, body: dict[str, Any], timeout: float = TIMEOUT_SECONDS) -> int:
    """POST ``body`` as JSON; returns the HTTP status (redirects are not followed).

    Raises UnsafeAddress for a non-public host (unless allowed), OSError or HTTPException
    on network errors, ValueError for a non-http(s) address.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError("only http and https addresses are called")
    address = url_guard.checked_addresses(url)[0]
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(host, port, timeout=timeout)
    conn._create_connection = _pinned(address)  # type: ignore[attr-defined]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = json.dumps(body, ensure_ascii=False, default=str).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Rapport-CRM-automation"}
    try:
        conn.request("POST", path, body=data, headers=headers)
        with conn.getresponse() as response:
            return int(response.status)
    finally:
        conn.close()


@jobs.job(KIND, lease=timedelta(seconds=60))
def webhook_job(session: Session, ctx: jobs.JobContext) -> None:
    url, body = str(ctx.payload.get("url") or ""), ctx.payload.get("body") or {}
    run_id = ctx.payload.get("run_id")
    try:
        status = post(url, body)
    except url_guard.UnsafeAddress as exc:
        _log(session, run_id, (runs.WEBHOOK_ATTEMPT, {"attempt": ctx.attempt, "error": str(exc)}))
        raise jobs.PermanentFailure(str(exc)) from exc
    except (http.client.HTTPException, OSError, ValueError) as exc:
        _log(session, run_id, (runs.WEBHOOK_ATTEMPT, {"attempt": ctx.attempt, "error": str(exc)}))
        if ctx.last_attempt:
            raise jobs.PermanentFailure(str(exc)) from exc
        raise jobs.RetryLater(str(exc)) from exc
    if 200 <= status < 300:
        _log(session, run_id, (runs.WEBHOOK_DELIVERED, {"status": status}))
        return
    _log(
        session, run_id, (runs.WEBHOOK_ATTEMPT, {"attempt": ctx.attempt, "error": f"HTTP {status}"})
    )
    if status >= 500 or status == 429:
        raise jobs.RetryLater(f"HTTP {status}")
    raise jobs.PermanentFailure(f"HTTP {status}")
