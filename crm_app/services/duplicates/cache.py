"""The scan's result, kept per process and database until the data it read changes.

A full scan at 100k contacts takes one to a few seconds, so the duplicates list computes it
once and pages through the kept result. It is thrown away when either
- a write through ``writes`` touched contacts, their e-mails or phones, or companies in this
  process (a write hook bumps a generation; so does the commit or rollback that ends the
  writing session, so a result computed inside a transaction never outlives it), or
- the data version changed: row counts, highest ids and latest ``updated_at`` of the tables
  the scan reads, which also notices writes by other processes (the CLI, an import).
A change that keeps every one of those (another process editing an address in place, which
the app never does: it deletes and re-adds) is seen at the next write here, or never; the
list is advisory, and a merge re-reads both records anyway.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, ContactPhone

from .. import writes
from .scan import Scored, scan_companies, scan_contacts

WATCHED = ("contacts", "contact_emails", "contact_phones", "companies")


@dataclass
class Result:
    """One scan: pairs best first."""

    version: tuple[Any, ...]
    generation: int
    pairs: list[Scored]


_lock = threading.Lock()
_results: dict[tuple[str, str], Result] = {}
_generation = 0


def _bump(*_args: Any) -> None:
    global _generation
    _generation += 1


def _written(session: Session, action: str, ids: list[int]) -> None:
    _bump()
    if not session.info.get("duplicates_watch"):
        session.info["duplicates_watch"] = True
        event.listen(session, "after_commit", _bump)
        event.listen(session, "after_rollback", _bump)


for _table in WATCHED:
    writes.after_write(_table)(_written)


def _stamp(session: Session, model: Any, with_updated: bool) -> tuple[Any, ...]:
    columns = [sa.func.count(), sa.func.max(model.id)]
    if with_updated:
        columns.append(sa.func.max(model.updated_at))
    return tuple(session.execute(sa.select(*columns).select_from(model)).one())


def data_version(session: Session, entity: str) -> tuple[Any, ...]:
    """Cheap fingerprint of what a scan of ``entity`` reads."""
    if entity == "company":
        return _stamp(session, Company, True)
    return (
        _stamp(session, Contact, True)
        + _stamp(session, ContactEmail, False)
        + _stamp(session, ContactPhone, False)
    )


@contextmanager
def _no_gc():
    """The scan builds a few hundred thousand small objects; the cyclic collector would
    walk the growing heap again and again (more than doubling the time) and find nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


SCANS: dict[str, Callable[[Session], list[Scored]]] = {
    "contact": scan_contacts,
    "company": scan_companies,
}


def result(session: Session, entity: str) -> Result:
    """The current scan of ``entity``, computed now if the kept one is out of date."""
    key = (str(session.get_bind().url), entity)
    with _lock:
        generation = _generation
        version = data_version(session, entity)
        kept = _results.get(key)
        if kept is not None and kept.version == version and kept.generation == generation:
            return kept
        with _no_gc():
            pairs = SCANS[entity](session)
        fresh = Result(version, generation, pairs)
        _results[key] = fresh
        return fresh


def forget() -> None:
    """Drop every kept scan (tests, or after a bulk load by raw SQL)."""
    with _lock:
        _results.clear()
