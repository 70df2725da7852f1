"""The base currency and the exchange-rate table, as admins manage them in Settings. Audited.

Rules: codes are ISO 4217 (Babel's list); a rate is the units of the base currency one unit of
the currency is worth, above 0; the base currency has no row (it is 1). A rate that open deals
still need cannot be deleted (they would count 0 in reports). Closed deals keep the rate they
closed at. Changing the base currency converts the table and those snapshots at the new base's
current rate, so every stored amount means the same money as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name, get_territory_currencies, list_currencies
from sqlmodel import Session

from crm_app.models import Deal, ExchangeRate, Stage, utcnow

from . import app_settings, writes
from .deal_moves import rate_to_base
from .errors import NotFound, ValidationError
from .i18n import N_, NP_, ngettext
from .money import base_currency

__all__ = [
    "RateRow",
    "RateInUse",
    "add_rate",
    "base_currency",
    "currency_choices",
    "currency_name",
    "delete_rate",
    "is_currency",
    "list_rates",
    "parse_rate",
    "rate_to_base",
    "save_rate",
    "set_base_currency",
    "update_rate",
]

MAX_RATE = Decimal("1000000000")  # above any real currency pair
_PERSIAN_ARABIC_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬", "01234567890123456789.,")
_RATE_TEXT = re.compile(r"\d+(\.\d+)?|\.\d+")

CHOOSE = N_("Choose a currency from the list.")
RATE_NUMBER = N_("Enter a rate above 0, like 0.92.")


@dataclass(frozen=True)
class RateRow:
    currency: str
    rate: float
    updated_at: datetime
    open_deals: int  # open deals in this currency (they use today's rate)


class RateInUse(ValidationError):
    """Open deals are still in this currency. ``plural`` and ``count`` give the sentence."""

    plural = NP_(
        "{n} open deal is in this currency. Reports need its rate; change its currency first.",
        "{n} open deals are in this currency. Reports need its rate; change their currency first.",
    )

    def __init__(self, count: int):
        self.count = count
        super().__init__({"currency": ngettext(*self.plural, count, "en")})


# -- codes and names ----------------------------------------------------------------------------
def is_currency(code: str) -> bool:
    return len(code) == 3 and code in _known()


@cache
def _known() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def _in_use() -> tuple[str, ...]:
    """Currencies some country uses as legal tender today (the list people choose from)."""
    codes: set[str] = set()
    for territory in Locale("en").territories:
        try:
            codes.update(get_territory_currencies(territory, tender=True))
        except (ValueError, KeyError):
            continue
    return tuple(sorted(c for c in codes if c in _known()))


def currency_name(code: str, locale: str = "en") -> str:
    try:
        return str(get_currency_name(code, locale=locale))
    except (UnknownLocaleError, ValueError):
        return code


def currency_choices(locale: str = "en", extra: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(code, "Name (CODE)") of today's currencies (plus ``extra`` codes), by name."""
    codes = set(_in_use()) | {c for c in extra if is_currency(c)}
    named = [(c, f"{currency_name(c, locale)} ({c})") for c in codes]
    return sorted(named, key=lambda pair: pair[1].casefold())


def parse_rate(raw: object) -> Decimal | None:
    """A rate as typed: "0.92", "0,92", "1 085.5", Persian digits; None when it is not one.

    Rates are rarely over a thousand, so a single comma is a decimal mark (unlike amounts).
    """
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None
    text = str(raw or "").translate(_PERSIAN_ARABIC_DIGITS)
    text = re.sub(r"[\s\u00a0\u202f'’]", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _RATE_TEXT.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _clean_code(raw: object) -> str:
    return str(raw or "").strip().upper()


def _check_rate(raw: object, errors: dict[str, str]) -> float:
    value = parse_rate(raw)
    if value is None or not value.is_finite() or value <= 0 or value > MAX_RATE:
        errors["rate"] = RATE_NUMBER
        return 0.0
    return float(value)


# -- reading ------------------------------------------------------------------------------------
def list_rates(session: Session) -> list[RateRow]:
    """The table by currency code, each with the number of open deals that use its rate."""
    open_counts = dict(
        session.execute(  # type: ignore[arg-type]
            sa.select(Deal.currency, sa.func.count(Deal.id))
            .join(Stage, Stage.id == Deal.stage_id)
            .where(~Stage.is_won, ~Stage.is_lost)
            .group_by(Deal.currency)
        ).all()
    )
    rows = session.execute(sa.select(ExchangeRate).order_by(ExchangeRate.currency)).scalars()
    return [
        RateRow(r.currency, float(r.rate), r.updated_at, int(open_counts.get(r.currency, 0)))
        for r in rows
    ]


def _open_deals_in(session: Session, code: str) -> int:
    q = (
        sa.select(sa.func.count(Deal.id))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.currency == code, ~Stage.is_won, ~Stage.is_lost)
    )
    return int(session.execute(q).scalar_one())


# -- the table ----------------------------------------------------------------------------------
def add_rate(
    session: Session, currency: str, rate: object, *, actor_id: int | None
) -> ExchangeRate:
    """A new row: a known code that is not the base currency nor already in the table."""
    code = _clean_code(currency)
    errors: dict[str, str] = {}
    if not is_currency(code):
        errors["currency"] = CHOOSE
    elif code == base_currency(session):
        errors["currency"] = N_("This is the base currency: it is always 1.")
    elif session.get(ExchangeRate, code) is not None:
        errors["currency"] = N_("This currency already has a rate. Edit it in the table.")
    value = _check_rate(rate, errors)
    if errors:
        raise ValidationError(errors)
    return writes.create(
        session, ExchangeRate(currency=code, rate=value, updated_at=utcnow()), actor_id=actor_id
    )


def update_rate(
    session: Session, currency: str, rate: object, *, actor_id: int | None
) -> dict[str, list]:
    """Today's rate of a currency; open deals use it from now on, closed deals keep theirs."""
    row = session.get(ExchangeRate, _clean_code(currency))
    if row is None:
        raise NotFound(f"exchange rate {currency}")
    errors: dict[str, str] = {}
    value = _check_rate(rate, errors)
    if errors:
        raise ValidationError(errors)
    if value == row.rate:
        return {}
    return writes.update(session, row, {"rate": value, "updated_at": utcnow()}, actor_id=actor_id)


def save_rate(session: Session, currency: str, rate: object, *, actor_id: int | None) -> None:
    """Add the currency's rate or change it when it is already in the table."""
    if session.get(ExchangeRate, _clean_code(currency)) is None:
        add_rate(session, currency, rate, actor_id=actor_id)
    else:
        update_rate(session, currency, rate, actor_id=actor_id)


def delete_rate(session: Session, currency: str, *, actor_id: int | None) -> None:
    """Remove a rate no open deal needs (closed deals keep their own snapshot)."""
    row = session.get(ExchangeRate, _clean_code(currency))
    if row is None:
        raise NotFound(f"exchange rate {currency}")
    if n := _open_deals_in(session, row.currency):
        raise RateInUse(n)
    writes.delete(session, row, actor_id=actor_id)


# -- the base currency --------------------------------------------------------------------------
def set_base_currency(session: Session, currency: str, *, actor_id: int | None) -> None:
    """Make ``currency`` the base; the table and the closed deals' rates are converted.

    With rates or deals in the database the new base needs a rate first (that is how the
    conversion knows what one unit is worth); on an empty installation it is simply set.
    Every rate becomes ``rate / r`` (r: the new base in the old one), the old base gets
    ``1 / r``, and each closed deal's snapshot is divided by r in one audited statement.
    """
    code = _clean_code(currency)
    if not is_currency(code):
        raise ValidationError({"base_currency": CHOOSE})
    old = base_currency(session)
    if code == old:
        return
    pivot = session.get(ExchangeRate, code)
    has_data = (
        session.execute(sa.select(ExchangeRate.currency).limit(1)).first() is not None
        or session.execute(sa.select(Deal.id).limit(1)).first() is not None
    )
    if pivot is None and has_data:
        raise ValidationError(
            {"base_currency": N_("Add an exchange rate for this currency first.")}
        )
    if pivot is not None:
        r = float(pivot.rate)
        now = utcnow()
        rows = {row.currency: row for row in session.execute(sa.select(ExchangeRate)).scalars()}
        for row in rows.values():
            if row.currency not in (code, old):
                new_rate = round(row.rate / r, 10)
                writes.update(
                    session, row, {"rate": new_rate, "updated_at": now}, actor_id=actor_id
                )
        writes.delete(session, pivot, actor_id=actor_id)
        old_base = {"rate": round(1 / r, 10), "updated_at": now}
        if old in rows:  # a stray row for the base itself: it was 1 all along
            writes.update(session, rows[old], old_base, actor_id=actor_id)
        else:
            writes.create(session, ExchangeRate(currency=old, **old_base), actor_id=actor_id)
        _rescale_snapshots(session, r, actor_id)
    app_settings.put(session, "base_currency", code, actor_id=actor_id)


def _rescale_snapshots(session: Session, divisor: float, actor_id: int | None) -> None:
    """Closed deals' rates into the new base, in one UPDATE with one audit entry."""
    table = Deal.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(table.c.exchange_rate.is_not(None))
        .values(exchange_rate=table.c.exchange_rate / divisor)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Deal):
            session.expire(obj, ["exchange_rate"])
    writes.audit(
        session,
        actor_id=actor_id,
        entity="deals",
        entity_id=None,
        action="rebase_rates",
        changes={"divisor": divisor, "rows": int(result.rowcount or 0)},
    )
