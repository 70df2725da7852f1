"""A deal's line items as the form submits them: product, description, quantity, unit price
and discount %. A blank unit price takes the product's list price (converted to the deal's
currency); the deal's value is the lines' sum when it has lines."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from crm_app.models import Product

from .companies import MAX_REVENUE, TOO_LONG, parse_amount
from .deal_moves import rate_to_base
from .i18n import N_

AMOUNT = N_("Enter an amount, 0 or more.")
TOO_LARGE = N_("This number is too large.")


@dataclass
class LineInput:
    """One line item as typed; a blank unit price takes the product's list price."""

    product_id: int | None = None
    description: str = ""
    quantity: str | float = 1
    unit_price: str | float | None = ""
    discount_pct: str | float | None = 0


def number(raw: Any) -> Decimal | None:
    """A number as typed (or given); None when it is not one. Blank is None too."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return Decimal(str(raw)) if math.isfinite(raw) else None
    return parse_amount(str(raw or ""))


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _line_price(session: Session, product: Product, currency: str) -> Decimal | None:
    """The product's list price in the deal's currency (None when no rate converts it)."""
    if product.currency == currency:
        return Decimal(str(product.price))
    have, want = rate_to_base(session, product.currency), rate_to_base(session, currency)
    if not have or not want:
        return None
    return Decimal(str(round(product.price * have / want, 2)))


def clean_lines(
    session: Session, rows: list[LineInput], currency: str, errors: dict[str, str]
) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        key = f"lines.{i}."
        if row.product_id is None and blank(row.description) and blank(row.unit_price):
            continue  # an empty row of the form
        product = session.get(Product, row.product_id) if row.product_id is not None else None
        if row.product_id is not None and product is None:
            errors[key + "product_id"] = N_("This product no longer exists. Pick another.")
        description = " ".join(str(row.description or "").split()) or (
            product.name if product else ""
        )
        if not description:
            errors[key + "description"] = N_("Describe the item or pick a product.")
        elif len(description) > 200:
            errors[key + "description"] = TOO_LONG[200]
        quantity = number(row.quantity)
        if quantity is None or quantity <= 0 or quantity > 10**9:
            errors[key + "quantity"] = N_("Enter a quantity above 0.")
        if blank(row.unit_price) and product is not None:
            price = _line_price(session, product, currency)
        else:
            price = number(row.unit_price)
        if price is None or price < 0:
            errors[key + "unit_price"] = AMOUNT
        elif price > MAX_REVENUE:
            errors[key + "unit_price"] = TOO_LARGE
        discount = Decimal(0) if blank(row.discount_pct) else number(row.discount_pct)
        if discount is None or not 0 <= discount <= 100:
            errors[key + "discount_pct"] = N_("Enter a discount from 0 to 100.")
        if any(k.startswith(key) for k in errors):
            continue
        assert quantity is not None and price is not None and discount is not None
        clean.append(
            {
                "product_id": row.product_id,
                "description": description,
                "quantity": float(quantity),
                "unit_price": float(round(price, 2)),
                "discount_pct": float(discount),
            }
        )
    return clean


def line_total(lines: list[dict[str, Any]]) -> float:
    total = sum(
        Decimal(str(ln["quantity"]))
        * Decimal(str(ln["unit_price"]))
        * (1 - Decimal(str(ln["discount_pct"])) / 100)
        for ln in lines
    )
    return float(round(total, 2))


def active_products(session: Session) -> list[tuple[int, str, float, str]]:
    """(id, name, list price, currency) of the products a deal line can pick, by name."""
    import sqlalchemy as sa

    rows = session.execute(
        sa.select(Product.id, Product.name, Product.price, Product.currency)
        .where(Product.active)
        .order_by(Product.name)
    ).all()
    return [(int(i), str(n), float(p or 0), str(c)) for i, n, p, c in rows]
