"""Installation settings stored in the database (time zone, base currency, demo flag)."""

from __future__ import annotations

import os
from typing import Any
from zoneinfo import available_timezones

from sqlmodel import Session

from crm_app.models import Setting

from . import writes

DEFAULTS: dict[str, Any] = {
    "time_zone": "UTC",
    "base_currency": "EUR",
    "default_locale": "en",
    "demo_loaded": False,
    "base_url": "",  # blank: RAPPORT_BASE_URL, else http://localhost:<RAPPORT_PORT>
}


def get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return row.value if row is not None else DEFAULTS.get(key)


def put(session: Session, key: str, value: Any, *, actor_id: int | None) -> None:
    """Store one setting through the audited write path."""
    row = session.get(Setting, key)
    if row is None:
        writes.create(session, Setting(key=key, value=value), actor_id=actor_id)
    else:
        writes.update(session, row, {"value": value}, actor_id=actor_id)


def base_url(session: Session) -> str:
    """Where people reach the app, for links in mails (CSAT): the ``base_url`` setting, else
    ``RAPPORT_BASE_URL``, else the local address rxconfig serves on. No trailing slash."""
    url = str(get(session, "base_url") or os.environ.get("RAPPORT_BASE_URL") or "").strip()
    if not url:
        url = f"http://localhost:{os.environ.get('RAPPORT_PORT', '3000')}"
    return url.rstrip("/")


def valid_time_zone(name: str) -> bool:
    return name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def time_zone_names() -> list[str]:
    return sorted(_zones())
