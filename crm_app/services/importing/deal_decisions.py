"""What a deals import does to each deal: a new deal's columns and closing, or a stored deal's
changed columns and stage move (the rules are ``deal_import``'s)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from crm_app.models import Deal, Pipeline, Stage

from .. import deal_moves
from .deal_rows import DealRowReader, lost_reason
from .external_ids import Item
from .merging import CREATE, UNCHANGED, UPDATE, Plan, differs
from .people_links import Link


@dataclass
class DealDecision:
    action: str
    item: Item
    deal: Deal | None = None  # the stored deal (kept: the session holds it weakly)
    record_id: int | None = None
    columns: dict[str, Any] = field(default_factory=dict)  # a new deal's columns
    changes: dict[str, Any] = field(default_factory=dict)  # a stored deal's changed columns
    company: Link = None  # id, or "new:<key>" to create
    contact: Link = None
    stage: Stage | None = None  # the stage it ends in
    move_at: datetime | None = None  # a stored deal changes stage at this moment
    lost: tuple[str | None, str | None] | None = None  # (reason, note) after a move to lost
    before: dict[str, Any] = field(default_factory=dict)


@dataclass
class DealPlan(Plan):
    pipeline: Pipeline | None = None
    new_contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → values

    def summary(self) -> dict[str, Any]:
        """What a deals import adds to the result: contacts it creates, its pipeline."""
        return {
            "contacts_created": len(self.new_contacts),
            "pipeline": self.pipeline.name if self.pipeline is not None else "",
        }


def new_deal(
    reader: DealRowReader,
    item: Item,
    pipeline: Pipeline,
    stage: Stage | None,
    currency: str,
    company: Link,
    contact: Link,
) -> DealDecision:
    """A new deal in ``stage``: closed on the row's close moment (else now) when the stage is
    won or lost, its history starting then (else at its creation)."""
    assert stage is not None
    columns = reader.columns(item)
    columns.setdefault("value", 0.0)
    closes = stage.is_won or stage.is_lost
    closed = (reader.close_moment(item) or reader.now) if closes else reader.now
    reason, note = lost_reason(item.values.get("lost_reason")) if stage.is_lost else (None, None)
    closing = deal_moves.closing_changes(
        reader.session,
        SimpleNamespace(currency=currency),  # type: ignore[arg-type]
        None,
        stage,
        lost_reason=reason or "other",
        lost_note=note,
        at=closed,
    )
    if stage.is_lost:
        closing.update(lost_reason=reason, lost_note=note)
    created = columns.pop("created_at", None) or (closed if closes else reader.now)
    columns.update(
        closing,
        currency=currency,
        pipeline_id=pipeline.id,
        stage_id=stage.id,
        created_at=created,
        updated_at=reader.now,
        stage_entered_at=closed if closes else created,
    )
    return DealDecision(CREATE, item, columns=columns, company=company, contact=contact,
                        stage=stage)  # fmt: skip


def changed_deal(
    reader: DealRowReader,
    item: Item,
    deal: Deal,
    stage: Stage | None,
    currency: str,
    company: Link,
    contact: Link,
) -> DealDecision:
    """A stored deal with the row's values that differ, moved when its stage changes;
    nothing that differs and no move → unchanged."""
    columns = reader.columns(item)
    columns.pop("external_id", None)  # matched by it (or by row key: then it has none)
    columns["currency"] = currency
    if company is not None:
        columns["company_id"] = company
    if contact is not None:
        columns["contact_id"] = contact
    current = reader.stages.by_id[deal.stage_id]
    target = stage or current
    moved = target.id != current.id
    closes = target.is_won or target.is_lost
    moment = reader.close_moment(item)
    reason, note = lost_reason(item.values.get("lost_reason"))
    if target.is_lost and not moved and reason is not None:
        columns.update(lost_reason=reason, lost_note=note)
    if closes and not moved and moment is not None:
        columns["closed_at"] = moment
    if deal.closed_at is not None and not moved and currency != deal.currency:
        columns["exchange_rate"] = reader.rate(currency)  # as deals.update_deal does
    changes = {k: v for k, v in columns.items() if differs(getattr(deal, k), v)}
    decision = DealDecision(UPDATE, item, deal=deal, record_id=deal.id, changes=changes,
                            company=company, contact=contact, stage=target)  # fmt: skip
    if moved:
        decision.move_at = (moment or reader.now) if closes else reader.now
        decision.lost = (reason, note) if target.is_lost else None
    elif not changes:
        decision.action = UNCHANGED
    return decision
