"""Exporting deals: a pipeline, the board's filters or a selection.

Rules:
- Columns: title, value, currency, value in the base currency (a closed deal at the rate it
  closed at, an open one at today's rate, as the board counts), pipeline, stage, probability,
  owner, contact and its e-mail, company, expected close, created, closed, lost reason (the
  picklist label, ": note" after it), source, external id, id — in board order (pipeline,
  stage, card). The headers are ones ``rapport import deals`` maps back by itself.
- A selection keeps the order of the ids given (unknown ids are skipped).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, Deal, Pipeline, Stage, User

from .. import app_settings, clock, money
from ..deal_board import BoardFilters
from ..deal_moves import lost_reason_label
from .cell_values import local
from .selection import chunks_of
from .writers import Target, format_of, write

DEAL_HEADERS = ("Title", "Value", "Currency", "Value in base currency", "Pipeline", "Stage",
                "Probability", "Owner", "Contact", "Contact email", "Company", "Expected close",
                "Created", "Closed", "Lost reason", "Source", "External ID", "ID")  # fmt: skip


def _deal_id_query(
    pipeline_id: int | None, filters: BoardFilters | None, stage_ids: list[int] | None
) -> Select:
    """Deal ids in board order: pipeline, stage, card (position, id)."""
    query = (
        sa.select(Deal.id)
        .join(Stage, Stage.id == Deal.stage_id)
        .join(Pipeline, Pipeline.id == Deal.pipeline_id)
        .order_by(Pipeline.position, Pipeline.id, Stage.position, Stage.id, Deal.position, Deal.id)
    )
    if pipeline_id is not None:
        query = query.where(Deal.pipeline_id == pipeline_id)
    if stage_ids is not None:
        query = query.where(Deal.stage_id.in_(stage_ids))
    return (filters or BoardFilters()).apply(query)


def _lost_reason(code: str | None, note: str | None) -> str | None:
    if not code and not note:
        return None
    label = lost_reason_label(code)
    return f"{label}: {note}" if note and label else (label or note)


def _deal_rows(session: Session, ids: list[int], zone: tzinfo) -> list[list[Any]]:
    d = Deal
    primary_email = (
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == d.contact_id)
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        .limit(1)
        .correlate(d)
        .scalar_subquery()
    )
    query = (
        sa.select(d.id, d.title, d.value, d.currency,
                  money.deal_value_in_base(session).label("base_value"),
                  Pipeline.name.label("pipeline"), Stage.name.label("stage"), Stage.probability,
                  User.name.label("owner"), Contact.first_name, Contact.last_name,
                  primary_email.label("contact_email"), Company.name.label("company"),
                  d.expected_close, d.created_at, d.closed_at, d.lost_reason, d.lost_note,
                  d.source, d.external_id)
        .join(Pipeline, Pipeline.id == d.pipeline_id)
        .join(Stage, Stage.id == d.stage_id)
        .outerjoin(User, User.id == d.owner_id)
        .outerjoin(Contact, Contact.id == d.contact_id)
        .outerjoin(Company, Company.id == d.company_id)
        .where(d.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        contact = " ".join(p for p in (r.first_name, r.last_name) if p) or None
        base = round(float(r.base_value), 2) if r.base_value is not None else None
        row = [
            r.title, float(r.value or 0), r.currency, base, r.pipeline, r.stage, r.probability,
            r.owner, contact, r.contact_email, r.company, r.expected_close,
            local(r.created_at, zone), local(r.closed_at, zone),
            _lost_reason(r.lost_reason, r.lost_note), r.source, r.external_id, i,
        ]  # fmt: skip
        rows.append(row)
    return rows


def export_deals(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    pipeline_id: int | None = None,
    filters: BoardFilters | None = None,
    stage_ids: list[int] | None = None,
    ids: list[int] | None = None,
    tz: str | None = None,
) -> int:
    """Write deals to ``target`` (a path, or a stream with ``fmt``); the number of rows.

    A selection (``ids``, in the order given) or a list: every deal, or a pipeline's, narrowed
    by the board's filters (owner, expected close, closed since) and ``stage_ids``.
    """
    fmt = format_of(target, fmt)
    if ids is not None and (pipeline_id is not None or filters is not None or stage_ids):
        raise ValueError("Export a list (pipeline, filters) or a selection (ids), not both.")
    tz = tz or app_settings.get(session, "time_zone")
    zone = clock.zone(tz)
    if ids is not None:
        chunks = chunks_of(ids)
    else:
        query = _deal_id_query(pipeline_id, filters, stage_ids)
        chunks = chunks_of(session.execute(query).scalars())
    header = list(DEAL_HEADERS)
    header[3] = f"Value in base currency ({money.base_currency(session)})"
    rows = (_deal_rows(session, chunk, zone) for chunk in chunks)
    return write(target, fmt, "Deals", header, rows)
