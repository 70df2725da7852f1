"""What each kind of customer buys: deal lines from the product catalogue, titles, currencies."""

from __future__ import annotations

import math
import random

from crm_app.models import DealLine, Product

from .catalog import MACHINES, RENEWABLE, Country
from .market import EN, Market

LABELS = {
    "KM-C1": "Compact 1-group",
    "KM-C2": "Classic 2-group",
    "KM-P3": "Pro 3-group",
    "KM-A1": "Auto bean-to-cup",
    "GR-64": "G64 grinder",
    "GR-80": "G80 grinder",
    "SP-BAS": "Basic service plan",
    "SP-PRE": "Premium service plan",
    "BS-OFF": "office bean subscription",
    "BS-CAF": "café bean subscription",
    "BN-HOUSE": "house blend",
    "BN-ETH": "Ethiopia beans",
    "TR-DAY": "barista training",
}

Basket = list[tuple[str, int]]  # (sku, quantity)
STEPS = {"SEK": 10, "RUB": 100}  # foreign prices are rounded up to these


def _maybe(rng: random.Random, p: float, sku: str, qty: int = 1) -> Basket:
    return [(sku, qty)] if rng.random() < p else []


def _machine(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def new_business_basket(rng: random.Random, industry: str | None) -> Basket:
    """A first purchase that fits the kind of business."""
    if industry == "Café":
        if rng.random() < 0.2:
            return [("BS-CAF", 1)]
        basket = [(_machine(rng, {"KM-C1": 4, "KM-C2": 4.5, "KM-P3": 1.5}), 1)]
        basket += _maybe(rng, 0.8, "GR-64", rng.choice((1, 1, 2)))
        basket += _maybe(rng, 0.7, rng.choice(("SP-BAS", "SP-BAS", "SP-PRE")))
        return basket + _maybe(rng, 0.4, "TR-DAY") + _maybe(rng, 0.25, "BS-CAF")
    if industry == "Restaurant":
        basket = [(_machine(rng, {"KM-C2": 5, "KM-P3": 3.5, "KM-C1": 1.5}), 1)]
        basket += [(rng.choice(("GR-80", "GR-80", "GR-64")), 1)]
        basket += _maybe(rng, 0.6, rng.choice(("SP-BAS", "SP-PRE")))
        return basket + _maybe(rng, 0.25, "TR-DAY") + _maybe(rng, 0.15, "BS-CAF")
    if industry == "Hotel":
        basket = [(_machine(rng, {"KM-P3": 7, "KM-C2": 3}), 1)]
        basket += _maybe(rng, 0.5, "KM-A1", rng.choice((1, 1, 2)))
        basket += [("GR-80", 1)] + _maybe(rng, 0.8, "SP-PRE") + _maybe(rng, 0.5, "TR-DAY")
        return basket + _maybe(rng, 0.35, "BS-CAF")
    if industry == "Office":
        if rng.random() < 0.2:
            return [("BS-OFF", rng.choice((1, 1, 2)))]
        basket = [("KM-A1", rng.choices((1, 2, 3), (6, 3, 1))[0])]
        return basket + _maybe(rng, 0.7, "SP-BAS") + _maybe(rng, 0.7, "BS-OFF")
    if industry == "Retail":
        if rng.random() < 0.5:
            return [("BS-CAF", rng.choice((1, 2, 2, 3)))]
        return [("KM-C1", 1), ("GR-64", 1)] + _maybe(rng, 0.6, "BS-CAF")
    # People without a company: food trucks, caterers, freelance baristas.
    return rng.choice(([("KM-C1", 1), ("GR-64", 1)], [("KM-C1", 1)], [("TR-DAY", 1)]))


def upsell_basket(rng: random.Random, bought: Basket) -> Basket:
    skus = {sku for sku, _ in bought}
    options: list[Basket] = [[("TR-DAY", 1)], [(rng.choice(("GR-64", "GR-80")), 1)]]
    if "SP-BAS" in skus:
        options.append([("SP-PRE", 1)])
    if not skus & {"BS-CAF", "BS-OFF"}:
        options.append([("BS-OFF" if "KM-A1" in skus else "BS-CAF", 1)])
    if skus & set(MACHINES):
        options.append([(rng.choice(("KM-C1", "KM-C2")), 1), ("GR-64", 1)])
    return rng.choice(options)


def renewal_basket(bought: Basket) -> Basket:
    return [(sku, qty) for sku, qty in bought if sku in RENEWABLE]


def title(who: str, basket: Basket, kind: str, year: int) -> str:
    def label(sku: str, qty: int) -> str:
        return f"{qty}× {LABELS[sku]}" if qty > 1 else LABELS[sku]

    main = label(*basket[0])
    if kind == "renewal":
        return f"{who}: {main} renewal {year}"
    if kind == "upsell":
        return f"{who}: {main} (upsell)"
    if len(basket) > 1:
        main += f" + {label(*basket[1])}"
    return f"{who}: {main[0].upper()}{main[1:]}"


def currency_for(
    rng: random.Random, country: Country | None, industry: str | None, market: Market = EN
) -> str:
    if country is not None and country.currency != market.currency and rng.random() < 0.7:
        return country.currency
    if industry in ("Hotel", "Office") and rng.random() < market.foreign_share:
        return rng.choice(market.foreign)  # international chains buying centrally
    return market.currency


def to_currency(price: float, currency: str, rates: dict[str, float], base: str = "EUR") -> float:
    """A price of the base currency in ``currency`` (``rates``: base units for one unit)."""
    if currency == base:
        return price
    value = price / rates[currency]
    step = STEPS.get(currency, 1)
    return float(math.ceil(value / step) * step)


def deal_lines(
    rng: random.Random,
    basket: Basket,
    products: dict[str, Product],
    currency: str,
    rates: dict[str, float],
    *,
    price_factor: float = 1.0,
    market: Market = EN,
) -> list[DealLine]:
    big = sum(products[s].price * q for s, q in basket) > 9000 * market.scale
    discount = rng.choices((0, 5, 10, 15), (55, 22, 16, 7) if big else (75, 18, 7, 0))[0]
    lines = []
    for sku, qty in basket:
        product = products[sku]
        lines.append(
            DealLine(
                deal_id=0,
                product_id=product.id,
                description=product.name,
                quantity=float(qty),
                unit_price=to_currency(
                    round(product.price * price_factor, 2), currency, rates, market.currency
                ),
                discount_pct=float(discount if sku not in ("BN-HOUSE", "BN-ETH") else 0),
            )
        )
    return lines


def total(lines: list) -> float:
    return round(sum(ln.quantity * ln.unit_price * (1 - ln.discount_pct / 100) for ln in lines), 2)
