"""The large seed: hundreds of thousands of rows per table, for load and speed tests.

Rows are plain dicts written with ``writes.bulk_insert`` (one audit entry per batch) and
committed batch by batch, so memory stays flat. Existing users, pipelines and products are
reused; the demo's are created first when the database has none.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from time import perf_counter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from crm_app.models import (
    Activity,
    Company,
    Contact,
    ContactEmail,
    Deal,
    DealStageChange,
    Ticket,
)

from .. import search, writes
from . import foundation
from .large_rows import World, company_rows, contact_rows, email_rows, make_pools
from .large_work import activity_rows, deal_rows, stage_change_rows, ticket_rows
from .timeline import Timeline

Progress = Callable[[str], None]


class _Writer:
    def __init__(self, session: Session, progress: Progress, batch: int) -> None:
        self.session, self.progress, self.batch = session, progress, batch
        self.rates: dict[str, float] = {}
        self.rows = 0
        self.seconds = 0.0

    def _max_id(self, model: type[SQLModel]) -> int:
        table = model.__table__  # type: ignore[attr-defined]
        return int(self.session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)

    def _ids_after(self, model: type[SQLModel], last: int) -> list[int]:
        """Ids of the rows just inserted (a sequence may leave gaps, so they are read back)."""
        table = model.__table__  # type: ignore[attr-defined]
        query = sa.select(table.c.id).where(table.c.id > last).order_by(table.c.id)
        return list(self.session.execute(query).scalars())

    def run(
        self, model: type[SQLModel], total: int, build: Callable[[int, int], list[dict[str, Any]]]
    ) -> list[int]:
        """Insert ``total`` units (``build(start, n)`` may return more rows than n); returns ids."""
        label = str(model.__tablename__)
        ids: list[int] = []
        done, started = 0, perf_counter()
        for start in range(0, total, self.batch):
            rows = build(start, min(self.batch, total - start))
            if self.session.get_bind().dialect.name == "sqlite":
                self.session.execute(sa.text("PRAGMA cache_size = -262144"))  # 256 MiB
            before = self._max_id(model)
            writes.bulk_insert(self.session, model, rows, actor_id=None, note="seed large")
            new_ids = self._ids_after(model, before)
            self.session.commit()
            if len(new_ids) != len(rows):
                raise RuntimeError(f"{label}: someone else wrote during the seed")
            ids.extend(new_ids)
            done += len(rows)
            rate = done / max(perf_counter() - started, 1e-9)
            self.progress(f"  {label}: {done:,} rows ({rate:,.0f} rows/s)")
        seconds = perf_counter() - started
        self.rates[label] = done / max(seconds, 1e-9)
        self.rows += done
        self.seconds += seconds
        self.progress(
            f"{label}: {done:,} rows in {seconds:.1f} s ({self.rates[label]:,.0f} rows/s)"
        )
        return ids


def _pipelines(f: foundation.Foundation) -> list[tuple[int, list, Any, Any, float]]:
    found = []
    for p in f.pipelines:
        stages = f.stages.get(p.id or 0, [])
        open_ = [s for s in stages if not s.is_won and not s.is_lost]
        won = next((s for s in stages if s.is_won), None)
        lost = next((s for s in stages if s.is_lost), None)
        if open_:
            found.append((p.id or 0, open_, won, lost, 4.0 if p.is_default else 1.0))
    if not found:
        raise RuntimeError("no pipeline with open stages to put deals in")
    return found


def seed_large(
    session: Session,
    *,
    seed: int = 42,
    contacts: int = 100_000,
    companies: int = 20_000,
    deals: int = 50_000,
    tickets: int = 50_000,
    activities: int = 1_000_000,
    progress: Progress = print,
    batch_size: int = 50_000,
) -> dict[str, float]:
    """Write a large synthetic data set; returns rows per second per table plus totals."""
    rng = random.Random(seed)
    tl = Timeline()
    sqlite = session.get_bind().dialect.name == "sqlite"
    cache = session.execute(sa.text("PRAGMA cache_size")).scalar() if sqlite else None
    f = foundation.ensure_all(session, Counter(), when=tl.start, only_if_missing=True)
    session.commit()
    sales = [u.id or 0 for u in f.role("sales")] or [u.id or 0 for u in f.users]
    support = [u.id or 0 for u in f.role("support")] or sales
    w = World(tl=tl, span=(tl.now - tl.start).total_seconds() - 3600, sales=sales, support=support)
    pools = make_pools(seed, rng)
    writer = _Writer(session, progress, batch_size)
    domains: set[str] = set()
    w.company_ids = writer.run(
        Company, companies, lambda s, n: company_rows(rng, w, pools, n, domains)
    )
    w.contact_ids = writer.run(Contact, contacts, lambda s, n: contact_rows(rng, w, pools, n))
    emails: set[str] = set()
    writer.run(
        ContactEmail, contacts, lambda s, n: email_rows(rng, w, s, w.contact_ids[s : s + n], emails)
    )
    if not w.contact_ids:  # deals, tickets and activities all belong to a contact
        deals = tickets = activities = 0
    pipelines = _pipelines(f)
    first_stage = {p[0]: p[1][0].id for p in pipelines}
    written: list[dict[str, Any]] = []

    def build_deals(_start: int, n: int) -> list[dict[str, Any]]:
        batch = deal_rows(rng, w, n, pipelines)
        written.extend(batch)
        return batch

    w.deal_ids = writer.run(Deal, deals, build_deals)
    writer.run(
        DealStageChange,
        deals,
        lambda s, n: stage_change_rows(written[s : s + n], w.deal_ids[s : s + n], first_stage),
    )
    written.clear()
    writer.run(Ticket, tickets, lambda s, n: ticket_rows(rng, w, pools, n))
    writer.run(Activity, activities, lambda s, n: activity_rows(rng, w, pools, n))
    search.rebuild(session)  # one compact index after the batch-by-batch updates
    if cache is not None:  # the big page cache was only for the seed
        session.execute(sa.text(f"PRAGMA cache_size = {int(cache)}"))
    result = dict(writer.rates)
    result["total_rows"] = float(writer.rows)
    result["total_seconds"] = round(writer.seconds, 2)
    result["rows_per_second"] = writer.rows / max(writer.seconds, 1e-9)
    progress(
        f"total: {writer.rows:,} rows in {writer.seconds:.1f} s ({result['rows_per_second']:,.0f} rows/s)"
    )
    return result
