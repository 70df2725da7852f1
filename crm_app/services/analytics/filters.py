"""The analytics filter and the context every metric reads through.

Rules:
- ``date_from``/``date_to`` are inclusive days in the installation's time zone; each metric
  applies them to its own date (closed date for won/lost figures, created date for new
  records and tickets). Open-pipeline figures are as of now and ignore them.
- ``pipeline_id`` narrows deals; ``owner_id`` narrows deals (owner), tickets (assignee) and
  customers (the record's owner); ``segment_id`` narrows to a saved segment's members (deals,
  tickets and purchases of those contacts or companies).
- A ``Context`` fetches each frame once per request and shares it between metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Pipeline, Segment, utcnow

from .. import app_settings, clock, money
from ..errors import ValidationError
from ..i18n import N_


@dataclass(frozen=True)
class AnalyticsFilter:
    date_from: date | None = None
    date_to: date | None = None
    pipeline_id: int | None = None
    owner_id: int | None = None
    segment_id: int | None = None


@dataclass
class Context:
    """One request's view of the data: the session, the filter, the clock and the cache."""

    session: Session
    filter: AnalyticsFilter
    time_zone: str
    now: datetime
    base_currency: str
    since: datetime | None  # UTC, inclusive
    until: datetime | None  # UTC, exclusive
    cache: dict[str, Any] = field(default_factory=dict)

    def frame(self, key: str, load: Any) -> Any:
        """``load(self)`` once per context; later calls get the same result."""
        if key not in self.cache:
            self.cache[key] = load(self)
        return self.cache[key]

    def in_range(self, column: Any) -> list[Any]:
        """Conditions keeping ``column`` (a UTC timestamp) inside the date range."""
        conds = []
        if self.since is not None:
            conds.append(column >= self.since)
        if self.until is not None:
            conds.append(column < self.until)
        return conds

    def segment(self) -> Segment | None:
        if self.filter.segment_id is None:
            return None
        return self.session.get(Segment, self.filter.segment_id)

    def segment_scope(self, model: Any) -> list[Any]:
        """A condition keeping rows of ``model`` (with contact_id/company_id) of the segment."""
        seg = self.segment()
        if self.filter.segment_id is None:
            return []
        if seg is None:
            return [sa.false()]
        from ..segments import member_ids

        ids = member_ids(self.session, seg, self.time_zone)
        column = model.company_id if seg.entity == "company" else model.contact_id
        return [column.in_(ids)]

    # -- the same conditions on a frame kept between requests (``shared``) -----------------------
    def ended_by(self, seconds: pd.Series) -> pd.Series:
        """Rows whose time (epoch seconds) is before the end of the range."""
        if self.until is None:
            return pd.Series(True, index=seconds.index)
        return seconds < self.until.timestamp()

    def within(self, seconds: pd.Series) -> pd.Series:
        """Rows whose time (epoch seconds) is inside the range (``in_range`` in pandas)."""
        keep = self.ended_by(seconds)
        if self.since is not None:
            keep &= seconds >= self.since.timestamp()
        return keep

    def members(self) -> tuple[str, pd.Index] | None:
        """The segment's entity and member ids (once per request); None without a segment."""
        if self.filter.segment_id is None:
            return None
        if "segment.members" not in self.cache:
            seg = self.segment()
            if seg is None:
                self.cache["segment.members"] = ("contact", pd.Index([], dtype="int64"))
            else:
                from ..segments import member_ids

                ids = self.session.execute(member_ids(self.session, seg, self.time_zone))
                self.cache["segment.members"] = (seg.entity, pd.Index([int(i) for (i,) in ids]))
        return self.cache["segment.members"]

    def scoped(self, df: pd.DataFrame, owner: str | None = None, pipeline: bool = False) -> Any:
        """The mask of ``segment_scope`` (columns contact_id/company_id), the owner filter on
        column ``owner`` and, with ``pipeline``, the pipeline filter on ``pipeline_id``."""
        keep = pd.Series(True, index=df.index)
        if owner is not None and self.filter.owner_id is not None:
            keep &= df[owner] == self.filter.owner_id
        if pipeline and self.filter.pipeline_id is not None:
            keep &= df["pipeline_id"] == self.filter.pipeline_id
        members = self.members()
        if members is not None:
            entity, ids = members
            keep &= df["company_id" if entity == "company" else "contact_id"].isin(ids)
        return keep


def day_bounds(
    date_from: date | None, date_to: date | None, tz_name: str
) -> tuple[datetime | None, datetime | None]:
    """[start of ``date_from``, start of the day after ``date_to``) in UTC."""
    tz = clock.zone(tz_name)
    since = datetime.combine(date_from, time.min, tz).astimezone(UTC) if date_from else None
    until = (
        datetime.combine(date_to + timedelta(days=1), time.min, tz).astimezone(UTC)
        if date_to
        else None
    )
    return since, until


def context(
    session: Session, f: AnalyticsFilter | None = None, *, now: datetime | None = None
) -> Context:
    f = f or AnalyticsFilter()
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError({"date_to": N_("The end date is before the start date.")})
    tz_name = str(app_settings.get(session, "time_zone") or "UTC")
    since, until = day_bounds(f.date_from, f.date_to, tz_name)
    return Context(
        session=session,
        filter=f,
        time_zone=tz_name,
        now=now or utcnow(),
        base_currency=money.base_currency(session),
        since=since,
        until=until,
    )


def pipeline_id_by_name(session: Session, name: str) -> int:
    """The pipeline called ``name`` (ignoring case); ValidationError when there is none."""
    row = session.execute(
        sa.select(Pipeline.id).where(sa.func.lower(Pipeline.name) == name.strip().lower())
    ).scalar()
    if row is None:
        raise ValidationError({"pipeline": N_("No pipeline has this name.")})
    return int(row)


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD option; ValidationError for anything else."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"date": N_("Use a date like 2026-03-31.")}) from None


def filter_options(session: Session, user_id: int) -> dict[str, list[tuple[int, str]]]:
    """The filter bar's choices: pipelines (not archived), users, and the segments the user
    may see (own or shared), each as (id, name)."""
    from crm_app.models import User

    from ..segments import visible_segments

    pipelines = session.execute(
        sa.select(Pipeline.id, Pipeline.name)
        .where(~Pipeline.archived)
        .order_by(Pipeline.position, Pipeline.id)
    ).all()
    people = session.execute(
        sa.select(User.id, User.name).order_by(User.active.desc(), User.name)
    ).all()
    return {
        "pipelines": [(int(i), str(n)) for i, n in pipelines],
        "owners": [(int(i), str(n)) for i, n in people],
        "segments": [(s.id, s.name) for s in visible_segments(session, user_id)],
    }
