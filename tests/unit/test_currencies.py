"""The base currency and the exchange-rate table: codes, rates, deletes, changing the base."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Deal, ExchangeRate, Pipeline, Setting, Stage
from crm_app.services import currencies, money
from crm_app.services.errors import NotFound, ValidationError


@pytest.fixture
def stages(session) -> dict[str, Stage]:
    pipeline = Pipeline(name="Sales")
    session.add(pipeline)
    session.flush()
    out = {
        "open": Stage(pipeline_id=pipeline.id, name="Offer", probability=50),
        "won": Stage(pipeline_id=pipeline.id, name="Won", probability=100, is_won=True),
    }
    session.add_all(out.values())
    session.flush()
    return out


def _deal(session, stage: Stage, value: float, currency: str, rate: float | None = None) -> Deal:
    deal = Deal(
        title=f"{currency} {value}",
        value=value,
        currency=currency,
        exchange_rate=rate,
        pipeline_id=stage.pipeline_id,
        stage_id=stage.id,
        closed_at=datetime(2026, 3, 1, tzinfo=UTC) if rate is not None else None,
    )
    session.add(deal)
    session.flush()
    return deal


def _in_base(session) -> float:
    q = sa.select(sa.func.sum(money.deal_value_in_base(session)))
    return round(float(session.execute(q).scalar() or 0), 6)


def _audits(session, entity: str) -> list[AuditEntry]:
    q = sa.select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    return list(session.execute(q).scalars())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0.92", Decimal("0.92")),
        ("0,92", Decimal("0.92")),
        (" 1 085,5 ", Decimal("1085.5")),
        ("1,085.50", Decimal("1085.50")),
        ("۰٫۹۲", Decimal("0.92")),
        (".5", Decimal("0.5")),
        (2, Decimal("2")),
        ("", None),
        ("abc", None),
        ("-1", None),
        ("1e5", None),
        ("1,2,3", None),
    ],
)
def test_rates_are_read_as_people_type_them(typed, expected) -> None:
    assert currencies.parse_rate(typed) == expected


def test_add_update_and_delete_a_rate_are_audited(session) -> None:
    row = currencies.add_rate(session, " usd ", "0,92", actor_id=None)
    assert (row.currency, row.rate) == ("USD", 0.92)
    assert currencies.rate_to_base(session, "USD") == 0.92
    before = row.updated_at
    diff = currencies.update_rate(session, "USD", "0.95", actor_id=None)
    assert diff["rate"] == [0.92, 0.95] and row.updated_at >= before
    assert currencies.update_rate(session, "USD", "0.95", actor_id=None) == {}
    currencies.delete_rate(session, "USD", actor_id=None)
    assert session.get(ExchangeRate, "USD") is None
    assert [a.action for a in _audits(session, "exchange_rates")] == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("code", "rate", "errors"),
    [
        ("XYZ", "1", {"currency": currencies.CHOOSE}),
        ("", "1", {"currency": currencies.CHOOSE}),
        ("EUR", "1", {"currency": "This is the base currency: it is always 1."}),
        ("USD", "0", {"rate": currencies.RATE_NUMBER}),
        ("USD", "-2", {"rate": currencies.RATE_NUMBER}),
        ("USD", "lots", {"rate": currencies.RATE_NUMBER}),
        ("USD", "10000000000", {"rate": currencies.RATE_NUMBER}),
        ("XYZ", "", {"currency": currencies.CHOOSE, "rate": currencies.RATE_NUMBER}),
    ],
)
def test_bad_codes_and_rates_are_refused_beside_their_field(session, code, rate, errors) -> None:
    with pytest.raises(ValidationError) as exc:
        currencies.add_rate(session, code, rate, actor_id=None)
    assert exc.value.errors == errors
    assert session.execute(sa.select(ExchangeRate)).first() is None


def test_a_currency_is_in_the_table_once(session) -> None:
    currencies.add_rate(session, "USD", "0.9", actor_id=None)
    with pytest.raises(ValidationError) as exc:
        currencies.add_rate(session, "USD", "0.8", actor_id=None)
    assert "already has a rate" in exc.value.errors["currency"]
    currencies.save_rate(session, "USD", "0.8", actor_id=None)  # add-or-update
    currencies.save_rate(session, "GBP", "1.17", actor_id=None)
    assert [(r.currency, r.rate) for r in currencies.list_rates(session)] == [
        ("GBP", 1.17),
        ("USD", 0.8),
    ]


def test_unknown_rows_are_not_found(session) -> None:
    with pytest.raises(NotFound):
        currencies.update_rate(session, "USD", "1", actor_id=None)
    with pytest.raises(NotFound):
        currencies.delete_rate(session, "USD", actor_id=None)


def test_a_rate_open_deals_need_cannot_be_deleted(session, stages) -> None:
    currencies.add_rate(session, "USD", "0.9", actor_id=None)
    currencies.add_rate(session, "GBP", "1.2", actor_id=None)
    _deal(session, stages["open"], 100, "USD")
    _deal(session, stages["open"], 200, "USD")
    _deal(session, stages["won"], 300, "GBP", rate=1.1)  # closed: keeps its own rate
    rows = {r.currency: r.open_deals for r in currencies.list_rates(session)}
    assert rows == {"GBP": 0, "USD": 2}
    with pytest.raises(currencies.RateInUse) as exc:
        currencies.delete_rate(session, "USD", actor_id=None)
    assert exc.value.count == 2
    assert exc.value.errors["currency"].startswith("2 open deals are in this currency.")
    currencies.delete_rate(session, "GBP", actor_id=None)
    assert _in_base(session) == round(300 * 0.9 + 300 * 1.1, 6)


def test_changing_the_base_converts_rates_and_closed_deals_so_totals_keep_their_meaning(
    session, stages
) -> None:
    session.add(Setting(key="base_currency", value="EUR"))
    currencies.add_rate(session, "USD", "0.8", actor_id=None)  # 1 USD = 0.8 EUR
    currencies.add_rate(session, "GBP", "1.2", actor_id=None)
    _deal(session, stages["open"], 100, "EUR")
    _deal(session, stages["open"], 100, "GBP")
    won = _deal(session, stages["won"], 1000, "USD", rate=0.75)  # closed at 0.75 EUR
    eur_total = _in_base(session)
    assert eur_total == 100 + 120 + 750

    currencies.set_base_currency(session, "usd", actor_id=None)
    assert money.base_currency(session) == "USD"
    table = {r.currency: r.rate for r in currencies.list_rates(session)}
    assert table == {"EUR": 1.25, "GBP": 1.5}
    session.refresh(won)
    assert won.exchange_rate == pytest.approx(0.9375)  # the same money, now in USD
    assert _in_base(session) == pytest.approx(eur_total / 0.8)
    assert [a.action for a in _audits(session, "deals")][-1] == "rebase_rates"
    assert currencies.rate_to_base(session, "USD") == 1.0


def test_a_new_base_needs_a_rate_unless_the_installation_is_empty(session, stages) -> None:
    currencies.set_base_currency(session, "SEK", actor_id=None)  # nothing to convert
    assert money.base_currency(session) == "SEK"
    currencies.add_rate(session, "EUR", "11.5", actor_id=None)
    with pytest.raises(ValidationError) as exc:
        currencies.set_base_currency(session, "USD", actor_id=None)
    assert exc.value.errors == {"base_currency": "Add an exchange rate for this currency first."}
    with pytest.raises(ValidationError):
        currencies.set_base_currency(session, "ZZZ", actor_id=None)
    assert money.base_currency(session) == "SEK"


def test_currency_choices_are_todays_currencies_by_localized_name() -> None:
    en = dict(currencies.currency_choices("en"))
    assert en["EUR"] == "Euro (EUR)" and en["USD"] == "US Dollar (USD)"
    assert "DEM" not in en  # the Deutsche Mark is history
    assert "DEM" in dict(currencies.currency_choices("en", extra=("DEM",)))
    labels = [label for _, label in currencies.currency_choices("et")]
    assert labels == sorted(labels, key=str.casefold)
    assert dict(currencies.currency_choices("he"))["USD"].startswith("דולר")
