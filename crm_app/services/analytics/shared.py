"""Frames kept in memory between requests while the tables they were read from are unchanged.

A filter change on the dashboard reads the same rows again (every ticket, every closed deal)
and only narrows them differently. The large frames are therefore read without the filter,
kept per database, time zone and base currency, and narrowed in pandas per request. Before a
kept frame is used, the tables' change counters (``data_versions``, raised by triggers in the
writing transaction) are read; any write to a table the frame came from makes it be read
again. The counters are read before the rows, so a kept frame is never older than the
versions it is filed under. At most ``MAX_FRAMES`` frames are kept (least recently used go).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa

from crm_app.models import DataVersion

from .filters import Context

MAX_FRAMES = 12
INSTANCE = "@instance"

_FRAMES: OrderedDict[tuple, tuple[tuple, pd.DataFrame]] = OrderedDict()
_LOCK = threading.Lock()


def versions(ctx: Context, tables: Sequence[str]) -> tuple:
    """(instance, version of each table) — one query per request for all tables asked."""
    known = ctx.cache.setdefault("shared.versions", {})
    missing = [t for t in (INSTANCE, *tables) if t not in known]
    if missing:
        rows = ctx.session.execute(
            sa.select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(missing))
        ).all()
        known.update(dict(rows))
    return tuple(known.get(t) for t in (INSTANCE, *tables))


def shared_frame(
    ctx: Context, key: str, tables: Sequence[str], load: Callable[[Context], pd.DataFrame]
) -> pd.DataFrame:
    """``load(ctx)`` — the unfiltered frame ``key`` read from ``tables`` — or the copy kept
    from an earlier request when none of ``tables`` has changed since. Callers narrow it and
    never change it in place."""
    return ctx.frame(f"shared.{key}", lambda c: _kept(c, key, tables, load))


def _kept(ctx: Context, key: str, tables: Sequence[str], load: Callable[[Context], Any]) -> Any:
    version = versions(ctx, tables)
    if None in version:  # a table without a counter (a database before 0011): read each time
        return load(ctx)
    slot = (str(ctx.session.get_bind().url), key, ctx.time_zone, ctx.base_currency)
    with _LOCK:
        kept = _FRAMES.get(slot)
        if kept is not None and kept[0] == version:
            _FRAMES.move_to_end(slot)
            return kept[1]
    df = load(ctx)
    with _LOCK:
        _FRAMES[slot] = (version, df)
        _FRAMES.move_to_end(slot)
        while len(_FRAMES) > MAX_FRAMES:
            _FRAMES.popitem(last=False)
    return df


def forget() -> None:
    """Drop every kept frame (tests, and the benchmark's "after a write" figures)."""
    with _LOCK:
        _FRAMES.clear()
