"""Pipelines, stages, deals with line items and stage history, products, orders, currencies."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created_field, fk, money_field


class Pipeline(SQLModel, table=True):
    __tablename__ = "pipelines"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    position: int = Field(default=0)
    is_default: bool = Field(default=False)
    archived: bool = Field(default=False)
    created_at: datetime = created_field()


class Stage(SQLModel, table=True):
    """An ordered stage; ``probability`` is the win probability in percent (0–100)."""

    __tablename__ = "stages"
    __table_args__ = (
        sa.Index("ix_stages_pipeline_position", "pipeline_id", "position"),
        sa.UniqueConstraint("pipeline_id", "name", name="uq_stages_pipeline_name"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id", ondelete="CASCADE")
    name: str = Field(max_length=100)
    position: int = Field(default=0)
    probability: int = Field(default=0)
    is_won: bool = Field(default=False)
    is_lost: bool = Field(default=False)
    archived: bool = Field(default=False)


class Deal(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        sa.Index("ix_deals_stage_position", "stage_id", "position"),
        sa.Index("ix_deals_pipeline_closed", "pipeline_id", "closed_at"),
        # Covers the board's per-stage totals and their filters: an index-only scan (50k deals:
        # 10 ms instead of 70 ms in SQLite).
        sa.Index(
            "ix_deals_board",
            "pipeline_id",
            "stage_id",
            "currency",
            "owner_id",
            "expected_close",
            "closed_at",
            "exchange_rate",
            "value",
        ),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    value: float = money_field()
    currency: str = Field(default="EUR", max_length=3)
    # Units of base currency per unit of ``currency``, snapshotted when the deal closes.
    exchange_rate: float | None = None
    source: str | None = Field(default=None, max_length=50, index=True)
    expected_close: date | None = Field(default=None, index=True)
    pipeline_id: int = Field(foreign_key="pipelines.id", ondelete="RESTRICT")
    stage_id: int = Field(foreign_key="stages.id", ondelete="RESTRICT")
    position: int = Field(default=0)
    owner_id: int | None = fk("users.id")
    contact_id: int | None = fk("contacts.id")
    company_id: int | None = fk("companies.id")
    lost_reason: str | None = Field(default=None, max_length=60)
    lost_note: str | None = Field(default=None, max_length=500)
    stage_entered_at: datetime = created_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    closed_at: datetime | None = Field(default=None, index=True)
    external_id: str | None = Field(default=None, max_length=100, index=True)


class DealStageChange(SQLModel, table=True):
    """One move of a deal between stages (from is empty when the deal was created)."""

    __tablename__ = "deal_stage_changes"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True, ondelete="CASCADE")
    from_stage_id: int | None = fk("stages.id", index=False)
    to_stage_id: int = Field(foreign_key="stages.id", index=True, ondelete="RESTRICT")
    changed_at: datetime = created_field()
    changed_by_id: int | None = fk("users.id", index=False)


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    sku: str | None = Field(default=None, max_length=60, index=True)
    series: str | None = Field(default=None, max_length=60)
    price: float = money_field()
    currency: str = Field(default="EUR", max_length=3)
    active: bool = Field(default=True)
    created_at: datetime = created_field()


class DealLine(SQLModel, table=True):
    __tablename__ = "deal_lines"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True, ondelete="CASCADE")
    product_id: int | None = fk("products.id")
    description: str = Field(default="", max_length=200)
    quantity: float = Field(default=1)
    unit_price: float = money_field()
    discount_pct: float = Field(default=0)


class Order(SQLModel, table=True):
    """A purchase. A won deal becomes an order, so purchase history fills itself."""

    __tablename__ = "orders"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=30, unique=True)
    contact_id: int | None = fk("contacts.id")
    company_id: int | None = fk("companies.id")
    deal_id: int | None = fk("deals.id")
    ordered_at: datetime = created_field()
    status: str = Field(default="paid", max_length=20)
    total: float = money_field()
    currency: str = Field(default="EUR", max_length=3)
    external_id: str | None = Field(default=None, max_length=100, index=True)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True, ondelete="CASCADE")
    product_id: int | None = fk("products.id")
    description: str = Field(default="", max_length=200)
    quantity: float = Field(default=1)
    unit_price: float = money_field()
    discount_pct: float = Field(default=0)


class ExchangeRate(SQLModel, table=True):
    """Units of the base currency for one unit of ``currency``."""

    __tablename__ = "exchange_rates"
    __table_args__ = {"extend_existing": True}

    currency: str = Field(primary_key=True, max_length=3)
    rate: float = Field(default=1.0)
    updated_at: datetime = created_field()
