"""Timestamps as epoch seconds (SQLite and PostgreSQL), and their local months in pandas.

Frames carry times as floats: fetching them is cheap and pandas converts a whole column to
the installation's time zone at once, so months and durations never need per-row Python.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

UNIX_EPOCH_JULIAN_DAY = 2440587.5


def epoch(session: Session, column: Any) -> sa.ColumnElement[float]:
    """Seconds since 1970-01-01 UTC of a stored (UTC) timestamp; NULL stays NULL."""
    if session.get_bind().dialect.name == "sqlite":
        return (sa.func.julianday(column) - UNIX_EPOCH_JULIAN_DAY) * 86400.0
    return sa.cast(sa.extract("epoch", column), sa.Float)


def frame(session: Session, query: sa.Select, columns: list[str]) -> pd.DataFrame:
    """The rows of ``query`` as a DataFrame with ``columns`` (also when there are none).

    SQLAlchemy binds the parameters; the rows are read straight from the driver's cursor
    (plain tuples: numbers, text, 0/1 for booleans), which is several times faster than
    building a Row per record on the large frames.
    """
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    return pd.DataFrame(rows, columns=columns)


def local(seconds: pd.Series, tz: str) -> pd.Series:
    """Epoch seconds → aware local datetimes (NaT for missing)."""
    micros = (pd.to_numeric(seconds, errors="coerce") * 1e6).round()
    return pd.to_datetime(micros, unit="us", utc=True).dt.tz_convert(tz)


def months(seconds: pd.Series, tz: str) -> pd.Series:
    """Epoch seconds → "YYYY-MM" of the local month ("" for missing)."""
    if seconds.empty:
        return pd.Series([], dtype=object, index=seconds.index)
    stamps = local(seconds, tz)
    code = stamps.dt.year * 100 + stamps.dt.month  # a few distinct values: name each once
    names = {c: f"{int(c) // 100:04d}-{int(c) % 100:02d}" for c in code.dropna().unique()}
    return code.map(names).fillna("").astype(object)


def hours(start: pd.Series, end: pd.Series) -> pd.Series:
    return (pd.to_numeric(end) - pd.to_numeric(start)) / 3600.0


def rounded(value: float | None, digits: int = 2) -> float | None:
    """``value`` rounded, or None when it is missing or not a number."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)
