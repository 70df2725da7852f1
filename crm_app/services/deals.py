"""Deals: the one add/edit form's validation and audited writes; moves live in ``deal_moves``.

Rules: a title is required; the value is 0 or more in a known currency (the base currency or
one with an exchange rate, so reports can convert it); with line items the value is their sum
(quantity × unit price − discount %); the stage belongs to the chosen pipeline; contact,
company and owner exist (an owner must be active unless already the owner). A new deal goes
on top of its column and its history starts with its first stage. Validation runs before the
first write, so a ValidationError leaves the database untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from babel.numbers import list_currencies
from sqlmodel import Session

from crm_app.models import Company, Contact, Deal, DealLine, Pipeline, Stage, utcnow

from . import deal_orders, money, writes
from .companies import MAX_REVENUE, TOO_LONG, check_owner
from .deal_history import DealHistory, stage_history
from .deal_lines import AMOUNT, TOO_LARGE, LineInput, blank, clean_lines, line_total, number
from .deal_moves import (
    LOST_REASONS,
    NOTE_LIMIT,
    MoveResult,
    closing_changes,
    get_deal,
    lost_reason_code,
    lost_reason_label,
    move_deal,
    rate_to_base,
    record_change,
    top_position,
)
from .errors import ValidationError
from .i18n import N_

__all__ = [
    "LOST_REASONS",
    "DealHistory",
    "DealInput",
    "LineInput",
    "MoveResult",
    "create_deal",
    "deal_form",
    "get_deal",
    "lost_reason_label",
    "move_deal",
    "stage_history",
    "update_deal",
    "validate_deal",
]


@dataclass
class DealInput:
    """What the add/edit form submits. Blank pipeline: the default; blank stage: its first."""

    title: str = ""
    value: str | float | None = ""
    currency: str = ""  # blank: the base currency
    expected_close: date | str | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    contact_id: int | None = None
    company_id: int | None = None
    owner_id: int | None = None
    source: str = ""
    lines: list[LineInput] = field(default_factory=list)
    lost_reason: str = ""  # needed when the stage is a lost one
    lost_note: str = ""


def _day(raw: date | str | None, errors: dict[str, str]) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date) or blank(raw):
        return raw or None  # type: ignore[return-value]
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        errors["expected_close"] = N_("Enter a date like 2026-03-31.")
        return None


def _currency(session: Session, raw: str, errors: dict[str, str]) -> str:
    code = str(raw or "").strip().upper() or money.base_currency(session)
    if len(code) != 3 or code not in list_currencies():
        errors["currency"] = N_("Choose a currency from the list.")
    elif rate_to_base(session, code) is None:
        errors["currency"] = N_("Add an exchange rate for this currency in Settings first.")
    return code


def _pipeline_and_stage(
    session: Session, data: DealInput, old: Deal | None, errors: dict[str, str]
) -> tuple[int | None, int | None, Stage | None]:
    stage = session.get(Stage, data.stage_id) if data.stage_id is not None else None
    if data.stage_id is not None and stage is None:
        errors["stage_id"] = N_("This stage no longer exists. Choose another.")
        return data.pipeline_id, data.stage_id, None
    pipeline_id = data.pipeline_id or (stage.pipeline_id if stage else None)
    pipeline = session.get(Pipeline, pipeline_id) if pipeline_id else None
    if pipeline_id is None:
        pipeline = session.execute(
            sa.select(Pipeline)
            .where(~Pipeline.archived)
            .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.id)
            .limit(1)
        ).scalar()
    if pipeline is None:
        errors["pipeline_id"] = N_("Choose a pipeline.")
        return pipeline_id, data.stage_id, stage
    if pipeline.archived and (old is None or old.pipeline_id != pipeline.id):
        errors["pipeline_id"] = N_("This pipeline is archived. Choose another.")
    if stage is None:
        stage = session.execute(
            sa.select(Stage)
            .where(Stage.pipeline_id == pipeline.id, ~Stage.archived, ~Stage.is_won, ~Stage.is_lost)
            .order_by(Stage.position, Stage.id)
            .limit(1)
        ).scalar()
        if stage is None:
            errors["stage_id"] = N_("Choose a stage.")
            return pipeline.id, None, None
    if stage.pipeline_id != pipeline.id:
        errors["stage_id"] = N_("This stage belongs to another pipeline.")
    elif stage.archived and (old is None or old.stage_id != stage.id):
        errors["stage_id"] = N_("This stage is archived. Choose another.")
    return pipeline.id, stage.id, stage


def validate_deal(
    session: Session, data: DealInput, *, deal_id: int | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, errors by form field). Writes nothing.

    Clean values are Deal columns plus ``lines`` (DealLine values) and ``lost_reason`` /
    ``lost_note`` (for a move into a lost stage). Line errors are keyed ``lines.<i>.<field>``.
    """
    old = session.get(Deal, deal_id) if deal_id is not None else None
    errors: dict[str, str] = {}
    title = " ".join(str(data.title or "").split())
    if not title:
        errors["title"] = N_("Enter a title.")
    elif len(title) > 200:
        errors["title"] = TOO_LONG[200]
    source = str(data.source or "").strip()
    if len(source) > 50:
        errors["source"] = TOO_LONG[50]
    currency = _currency(session, data.currency, errors)
    pipeline_id, stage_id, stage = _pipeline_and_stage(session, data, old, errors)
    lines = clean_lines(session, data.lines, currency, errors)
    if lines:
        value = line_total(lines)
    else:
        amount = Decimal(0) if blank(data.value) else number(data.value)
        value = 0.0
        if amount is None or amount < 0:
            errors["value"] = AMOUNT
        elif amount > MAX_REVENUE:
            errors["value"] = TOO_LARGE
        else:
            value = float(round(amount, 2))
    if value > MAX_REVENUE:
        errors["value"] = TOO_LARGE
    for key, model, message in (
        ("contact_id", Contact, N_("This contact no longer exists. Pick another.")),
        ("company_id", Company, N_("This company no longer exists. Pick another.")),
    ):
        wanted = getattr(data, key)
        if wanted is not None and wanted != (getattr(old, key) if old else None):
            if session.get(model, wanted) is None:
                errors[key] = message
    owner_id = check_owner(session, data.owner_id, old.owner_id if old else None, errors)
    reason = lost_reason_code(data.lost_reason)
    moving_to_lost = (
        stage is not None and stage.is_lost and (old is None or old.stage_id != stage_id)
    )
    if moving_to_lost and reason is None:
        errors["lost_reason"] = N_("Choose why the deal was lost.")
    note = " ".join(str(data.lost_note or "").split())
    if len(note) > NOTE_LIMIT:
        errors["lost_note"] = N_("Use at most 500 characters.")
    values = {
        "title": title,
        "value": value,
        "currency": currency,
        "expected_close": _day(data.expected_close, errors),
        "pipeline_id": pipeline_id,
        "stage_id": stage_id,
        "contact_id": data.contact_id,
        "company_id": data.company_id,
        "owner_id": owner_id,
        "source": source or None,
        "lines": lines,
        "lost_reason": reason,
        "lost_note": note or None,
    }
    return values, errors


def create_deal(
    session: Session, data: DealInput, *, actor_id: int | None, at: datetime | None = None
) -> Deal:
    """Add a deal with its lines on top of its column; a deal added as won gets its order."""
    values, errors = validate_deal(session, data)
    if errors:
        raise ValidationError(errors)
    at = at or utcnow()
    lines = values.pop("lines")
    reason, note = values.pop("lost_reason"), values.pop("lost_note")
    stage = session.get(Stage, values["stage_id"])
    assert stage is not None
    deal = Deal(
        **values,
        position=top_position(session, stage.id or 0),
        stage_entered_at=at,
        created_at=at,
        updated_at=at,
    )
    for key, value in closing_changes(
        session, deal, None, stage, lost_reason=reason, lost_note=note, at=at
    ).items():
        setattr(deal, key, value)
    writes.create(session, deal, actor_id=actor_id)
    assert deal.id is not None
    if lines:
        writes.create_many(
            session, [DealLine(deal_id=deal.id, **ln) for ln in lines], actor_id=actor_id
        )
    record_change(session, deal.id, None, stage.id or 0, at=at, actor_id=actor_id)
    if stage.is_won:
        deal_orders.sync_order(session, deal, actor_id=actor_id, at=at)
    return deal


def update_deal(
    session: Session,
    deal_id: int,
    data: DealInput,
    *,
    actor_id: int | None,
    at: datetime | None = None,
) -> Deal:
    """Save the edit form: changed fields audited, lines replaced when they changed, a new
    stage applied as a move (history, closing rules); a won deal's order follows the edit."""
    deal = get_deal(session, deal_id)
    values, errors = validate_deal(session, data, deal_id=deal_id)
    if errors:
        raise ValidationError(errors)
    lines = values.pop("lines")
    reason, note = values.pop("lost_reason"), values.pop("lost_note")
    stage_id = values.pop("stage_id")
    values.pop("pipeline_id")  # follows the stage, in move_deal
    current = session.get(Stage, deal.stage_id)
    if deal.closed_at is not None and values["currency"] != deal.currency:
        values["exchange_rate"] = rate_to_base(session, values["currency"])
    if current is not None and current.is_lost and stage_id == deal.stage_id and reason:
        values.update(lost_reason=reason, lost_note=note)
    writes.update(session, deal, values, actor_id=actor_id)
    _replace_lines(session, deal_id, lines, actor_id)
    if stage_id != deal.stage_id:
        move_deal(
            session, deal_id, stage_id, actor_id=actor_id, lost_reason=reason, lost_note=note, at=at
        )
    elif current is not None and current.is_won:
        deal_orders.sync_order(session, deal, actor_id=actor_id, at=at or utcnow())
    return deal


def _replace_lines(
    session: Session, deal_id: int, lines: list[dict[str, Any]], actor_id: int | None
) -> None:
    stored = list(
        session.execute(
            sa.select(DealLine).where(DealLine.deal_id == deal_id).order_by(DealLine.id)
        ).scalars()
    )
    keys = ("product_id", "description", "quantity", "unit_price", "discount_pct")
    have = [{k: getattr(r, k) for k in keys} for r in stored]
    if have == lines:
        return
    for i, row in enumerate(stored):  # keep the rows that stay, so the audit shows real edits
        if i < len(lines):
            writes.update(session, row, lines[i], actor_id=actor_id)
        else:
            writes.delete(session, row, actor_id=actor_id)
    extra = [DealLine(deal_id=deal_id, **ln) for ln in lines[len(stored) :]]
    if extra:
        writes.create_many(session, extra, actor_id=actor_id)


def deal_form(session: Session, deal_id: int) -> DealInput:
    """A stored deal as the edit form shows it."""
    deal = get_deal(session, deal_id)
    rows = session.execute(
        sa.select(DealLine).where(DealLine.deal_id == deal_id).order_by(DealLine.id)
    ).scalars()
    return DealInput(
        title=deal.title,
        value=deal.value,
        currency=deal.currency,
        expected_close=deal.expected_close,
        pipeline_id=deal.pipeline_id,
        stage_id=deal.stage_id,
        contact_id=deal.contact_id,
        company_id=deal.company_id,
        owner_id=deal.owner_id,
        source=deal.source or "",
        lines=[
            LineInput(r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct)
            for r in rows
        ],
        lost_reason=deal.lost_reason or "",
        lost_note=deal.lost_note or "",
    )


def lost_reason_choices() -> list[tuple[str, str]]:
    """(code, label msgid) for the lost-reason picklist, in its order."""
    return list(LOST_REASONS.items())
