"""Opportunities → the deals they should be, in the "Maven" pipeline (written by ``deal_writer``).

The export has no creation date, so one is derived: 1–21 days before the engage date (an
open "Prospecting" deal has none: 1–60 days before the last date of the export), chosen from
the opportunity id so that importing again gives the same date. The history then reads
created → Prospecting, engage date → Engaging, close date → Won / Lost. A won or lost deal's
value is its close value, an open deal's its product's list price; an open deal has no
expected close date (the export has none).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Pipeline, Product, Stage

from .. import pipelines
from ..i18n import N_
from .files import MavenFiles, norm, parse_day, parse_number
from .reference import CURRENCY
from .summary import MavenSummary

PIPELINE = "Maven"
STAGES = (
    pipelines.StageSpec("Prospecting", 10),
    pipelines.StageSpec("Engaging", 40),
    pipelines.StageSpec("Won", 100, is_won=True),
    pipelines.StageSpec("Lost", 0, is_lost=True),
)
CREATED_AT, ENGAGED_AT, CLOSED_AT = time(9), time(10), time(15)  # UTC


@dataclass
class Plan:
    """One opportunity as the deal it should be."""

    external_id: str
    stage: Stage
    columns: dict[str, Any]
    product: Product | None
    moves: list[tuple[Stage | None, Stage, datetime]] = field(default_factory=list)


def ensure_pipeline(session: Session, *, actor_id: int | None) -> tuple[Pipeline, dict[str, Stage]]:
    pipeline = session.execute(sa.select(Pipeline).where(Pipeline.name == PIPELINE)).scalar()
    if pipeline is None:
        pipeline = pipelines.create_pipeline(session, PIPELINE, stages=STAGES, actor_id=actor_id)
    stages = {
        s.name: s
        for s in session.execute(sa.select(Stage).where(Stage.pipeline_id == pipeline.id)).scalars()
    }
    for spec in STAGES:
        if spec.name not in stages:
            stages[spec.name] = pipelines.add_stage(
                session, pipeline.id or 0, spec, actor_id=actor_id
            )
    return pipeline, stages


def _at(day: date, when: time) -> datetime:
    return datetime.combine(day, when, UTC)


def _spread(key: str, days: int) -> int:
    """1..days, the same for the same opportunity id on every import."""
    return 1 + zlib.crc32(key.encode()) % days


def plan_deals(
    files: MavenFiles,
    s: MavenSummary,
    stages: dict[str, Stage],
    companies: dict[str, int],
    users: dict[str, int],
    products: dict[str, Product],
    pipeline_id: int,
) -> list[Plan]:
    rows = files.pipeline
    last_day = max(
        (d for r in rows for d in (parse_day(r["engage_date"]), parse_day(r["close_date"])) if d),
        default=date.today(),
    )
    seen: set[str] = set()
    plans: list[Plan] = []
    by_name = {norm(name): stage for name, stage in stages.items()}
    for i, row in enumerate(rows, start=1):
        oid = row["opportunity_id"]
        stage = by_name.get(norm(row["deal_stage"]))
        if not oid or oid in seen or stage is None:
            message = (
                N_("The opportunity has no id.")
                if not oid
                else N_("Duplicate row; skipped.")
                if oid in seen
                else N_("Unknown deal stage; skipped.")
            )
            s.problem("sales_pipeline.csv", i, message, oid or row["deal_stage"])
            continue
        seen.add(oid)
        product = products.get(norm(row["product"]))
        if product is None:
            s.problem("sales_pipeline.csv", i, N_("Unknown product; no line item."), row["product"])
        account = row["account"]
        company_id = companies.get(norm(account)) if account else None
        if account and company_id is None:
            s.problem("sales_pipeline.csv", i, N_("Unknown account; no company linked."), account)
        engaged, closed = parse_day(row["engage_date"]), parse_day(row["close_date"])
        for raw, parsed in ((row["engage_date"], engaged), (row["close_date"], closed)):
            if raw and parsed is None:
                s.problem("sales_pipeline.csv", i, N_("Not a date; left empty."), raw)
        terminal = stage.is_won or stage.is_lost
        if terminal:
            value = parse_number(row["close_value"])
            if value is None:
                s.problem("sales_pipeline.csv", i, N_("No close value; counted as 0."), oid)
            if closed is None:
                s.problem(
                    "sales_pipeline.csv", i, N_("No close date; the engage date is used."), oid
                )
                closed = engaged or last_day
        else:
            value = product.price if product is not None else 0.0
            closed = None
        created_day = (engaged or last_day) - timedelta(days=_spread(oid, 21 if engaged else 60))
        created = _at(created_day, CREATED_AT)
        owner_id = users.get(norm(row["sales_agent"]))
        moves: list[tuple[Stage | None, Stage, datetime]] = [(None, stages["Prospecting"], created)]
        if engaged is not None and stage.name != "Prospecting":
            moves.append((moves[-1][1], stages["Engaging"], _at(engaged, ENGAGED_AT)))
        if terminal and closed is not None:
            moves.append((moves[-1][1], stage, max(_at(closed, CLOSED_AT), moves[-1][2])))
        if moves[-1][1].id != stage.id:  # e.g. "Engaging" without an engage date
            moves.append((moves[-1][1], stage, moves[-1][2]))
        title = (
            f"{account}: {product.name if product else row['product']}"
            if account
            else (product.name if product else row["product"])
        )
        plans.append(
            Plan(
                oid,
                stage,
                {
                    "title": title[:200],
                    "value": round(float(value or 0), 2),
                    "currency": CURRENCY,
                    "expected_close": closed,
                    "pipeline_id": pipeline_id,
                    "stage_id": stage.id,
                    "owner_id": owner_id,
                    "company_id": company_id,
                    "created_at": created,
                    "stage_entered_at": moves[-1][2],
                    "closed_at": moves[-1][2] if terminal else None,
                },
                product,
                moves,
            )
        )
    return plans


def line_of(plan: Plan) -> dict[str, Any] | None:
    """The deal's one line item: its product at the deal's value (none: product unknown)."""
    if plan.product is None:
        return None
    return {
        "product_id": plan.product.id,
        "description": plan.product.name,
        "quantity": 1.0,
        "unit_price": plan.columns["value"],
        "discount_pct": 0.0,
    }
