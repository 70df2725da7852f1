"""Exporting by the entity's name ("contacts" / "companies" / "deals" / "tickets"), to a file
or into a folder under a generated name that never overwrites an existing file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from .. import app_settings, clock
from .companies import export_companies
from .contacts import export_contacts
from .deals import export_deals
from .tickets import export_tickets
from .writers import Target, format_of

ENTITIES = {"contacts": "contact", "companies": "company", "deals": "deal", "tickets": "ticket"}
_EXPORTS = {
    "contacts": export_contacts,
    "companies": export_companies,
    "deals": export_deals,
    "tickets": export_tickets,
}


def export_records(
    session: Session, entity: str, target: Target, fmt: str | None = None, **options: Any
) -> int:
    """``export_contacts``, ``export_companies``, ``export_deals`` or ``export_tickets`` by
    ``entity`` ("contacts" / "companies" / "deals" / "tickets")."""
    if entity not in ENTITIES:
        raise ValueError(f"Export contacts, companies, deals or tickets, not {entity!r}.")
    return _EXPORTS[entity](session, target, fmt, **options)


def export_to_directory(
    session: Session,
    directory: str | os.PathLike[str],
    entity: str,
    fmt: str = "xlsx",
    *,
    today: date | None = None,
    **options: Any,
) -> Path:
    """Export into ``directory`` under a generated name (``contacts-2026-11-25.xlsx``, then
    ``…-2.xlsx`` and so on: an existing file is never overwritten); the file's path."""
    fmt = format_of(None, fmt)
    if entity not in ENTITIES:
        raise ValueError(f"Export contacts, companies, deals or tickets, not {entity!r}.")
    day = today or clock.local_today(options.get("tz") or app_settings.get(session, "time_zone"))
    folder = Path(directory)
    for n in range(1, 10_000):
        path = folder / f"{entity}-{day.isoformat()}{'' if n == 1 else f'-{n}'}.{fmt}"
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # reserve it
        except FileExistsError:
            continue
        try:
            export_records(session, entity, path, fmt, **options)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(f"Too many exports named {entity}-{day.isoformat()} in {folder}.")
