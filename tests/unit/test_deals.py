"""Deals: the form's rules, moves with their history, card order, lost reasons, won → order,
closing (date and rate snapshot), and the board's counts and totals in the base currency."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm_app.models import (
    AuditEntry,
    Company,
    Deal,
    DealLine,
    DealStageChange,
    ExchangeRate,
    Order,
    OrderLine,
    Product,
    Task,
    User,
)
from crm_app.services import deal_board, deal_moves, deals, pipelines
from crm_app.services.deal_board import BoardFilters
from crm_app.services.deals import DealInput, LineInput
from crm_app.services.errors import ValidationError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def team(session) -> tuple[User, User]:
    ann = User(email="ann@example.com", name="Ann Seller", password_hash="x", role="sales")
    bob = User(email="bob@example.com", name="Bob Boss", password_hash="x", role="manager")
    session.add_all([ann, bob])
    session.add(ExchangeRate(currency="USD", rate=0.9))
    session.flush()
    return ann, bob


@pytest.fixture
def stages(session, team):
    """New (10 %), Proposal (50 %), Won, Lost of a fresh pipeline."""
    pipeline = pipelines.create_pipeline(session, "Sales", actor_id=team[1].id)
    return pipelines.active_stages(session, pipeline.id)


def _new(session, actor, stage, title="Deal", at=T0, **fields) -> Deal:
    data = DealInput(title=title, stage_id=stage.id, **fields)
    return deals.create_deal(session, data, actor_id=actor.id, at=at)


def _column(session, stage) -> list[str]:
    q = sa.select(Deal.title).where(Deal.stage_id == stage.id).order_by(Deal.position, Deal.id)
    return list(session.execute(q).scalars())


# -- the form -----------------------------------------------------------------------------------
def test_the_value_is_the_sum_of_the_lines(session, team, stages):
    product = Product(name="Grinder", price=400.0, currency="EUR")
    session.add(product)
    session.flush()
    deal = _new(
        session,
        team[0],
        stages[0],
        value="999",  # ignored: the lines decide
        lines=[
            LineInput(product_id=product.id, quantity="2", discount_pct="10"),  # 2×400−10 % = 720
            LineInput(description="Training day", unit_price="1 250,50"),
            LineInput(),  # an empty form row
        ],
    )
    assert deal.value == 1970.5
    stored = session.execute(sa.select(DealLine).order_by(DealLine.id)).scalars().all()
    assert [(ln.description, ln.quantity, ln.unit_price, ln.discount_pct) for ln in stored] == [
        ("Grinder", 2.0, 400.0, 10.0),
        ("Training day", 1.0, 1250.5, 0.0),
    ]


def test_a_product_priced_in_another_currency_is_converted(session, team, stages):
    product = Product(name="US kit", price=100.0, currency="USD")  # 90 EUR
    session.add(product)
    session.flush()
    deal = _new(session, team[0], stages[0], lines=[LineInput(product_id=product.id)])
    assert (deal.currency, deal.value) == ("EUR", 90.0)


def test_form_errors_are_per_field_and_nothing_is_written(session, team, stages):
    other = pipelines.create_pipeline(session, "Partners", actor_id=team[1].id)
    data = DealInput(
        title="",
        value="-5",
        currency="XYZ",
        expected_close="31.02.2026",
        pipeline_id=other.id,
        stage_id=stages[0].id,
        company_id=999,
        lines=[],
    )
    with pytest.raises(ValidationError) as exc:
        deals.create_deal(session, data, actor_id=team[0].id)
    assert exc.value.errors == {
        "title": "Enter a title.",
        "value": "Enter an amount, 0 or more.",
        "currency": "Choose a currency from the list.",
        "expected_close": "Enter a date like 2026-03-31.",
        "stage_id": "This stage belongs to another pipeline.",
        "company_id": "This company no longer exists. Pick another.",
    }
    assert session.execute(sa.select(Deal)).first() is None


def test_line_errors_name_the_line_and_a_currency_needs_a_rate(session, team, stages):
    data = DealInput(
        title="X",
        currency="SEK",
        lines=[LineInput(description="A", quantity="0", unit_price="5", discount_pct="120")],
    )
    with pytest.raises(ValidationError) as exc:
        deals.create_deal(session, data, actor_id=team[0].id)
    assert exc.value.errors == {
        "currency": "Add an exchange rate for this currency in Settings first.",
        "lines.0.quantity": "Enter a quantity above 0.",
        "lines.0.discount_pct": "Enter a discount from 0 to 100.",
    }


def test_a_blank_pipeline_and_stage_mean_the_default_pipelines_first_stage(session, team, stages):
    deal = deals.create_deal(session, DealInput(title="Quick"), actor_id=team[0].id, at=T0)
    assert (deal.pipeline_id, deal.stage_id) == (stages[0].pipeline_id, stages[0].id)
    assert deal.currency == "EUR" and deal.value == 0.0


def test_update_replaces_lines_and_moves_through_the_move_rules(session, team, stages):
    ann, bob = team
    deal = _new(session, ann, stages[0], lines=[LineInput(description="A", unit_price="100")])
    form = deals.deal_form(session, deal.id)
    form.lines = [
        LineInput(description="A", unit_price="150"),
        LineInput(description="B", unit_price="50"),
    ]
    form.stage_id = stages[3].id  # lost: needs a reason
    with pytest.raises(ValidationError) as exc:
        deals.update_deal(session, deal.id, form, actor_id=bob.id)
    assert exc.value.errors == {"lost_reason": "Choose why the deal was lost."}
    form.lost_reason = "competitor"
    deals.update_deal(session, deal.id, form, actor_id=bob.id, at=T0 + timedelta(days=1))
    assert deal.value == 200.0 and deal.stage_id == stages[3].id
    assert deal.lost_reason == "competitor"
    assert [v.stage_name for v in deals.stage_history(session, deal.id).visits] == ["New", "Lost"]
    assert session.execute(sa.select(sa.func.count(DealLine.id))).scalar() == 2


# -- moves and history --------------------------------------------------------------------------
def test_a_move_records_from_to_who_and_when_and_time_in_each_stage(session, team, stages):
    ann, bob = team
    new, proposal, won, _lost = stages
    deal = _new(session, ann, new, value="1000")
    deals.move_deal(session, deal.id, proposal.id, actor_id=bob.id, at=T0 + timedelta(days=3))
    deals.move_deal(session, deal.id, new.id, actor_id=ann.id, at=T0 + timedelta(days=4))
    deals.move_deal(session, deal.id, proposal.id, actor_id=ann.id, at=T0 + timedelta(days=6))

    changes = (
        session.execute(sa.select(DealStageChange).order_by(DealStageChange.id)).scalars().all()
    )
    assert [(c.from_stage_id, c.to_stage_id, c.changed_by_id, c.changed_at) for c in changes] == [
        (None, new.id, ann.id, T0),
        (new.id, proposal.id, bob.id, T0 + timedelta(days=3)),
        (proposal.id, new.id, ann.id, T0 + timedelta(days=4)),
        (new.id, proposal.id, ann.id, T0 + timedelta(days=6)),
    ]
    assert deal.stage_entered_at == T0 + timedelta(days=6)
    history = deals.stage_history(session, deal.id, now=T0 + timedelta(days=10))
    assert [
        (v.from_stage_name, v.stage_name, v.changed_by_name, v.days) for v in history.visits
    ] == [
        (None, "New", "Ann Seller", 3.0),
        ("New", "Proposal", "Bob Boss", 1.0),
        ("Proposal", "New", "Ann Seller", 2.0),
        ("New", "Proposal", "Ann Seller", 4.0),
    ]
    assert history.visits[-1].left_at is None
    assert [(t.stage_name, t.seconds / 86400, t.visits) for t in history.time_in_stage] == [
        ("New", 5.0, 2),
        ("Proposal", 5.0, 2),
    ]
    moves = (
        session.execute(sa.select(AuditEntry).where(AuditEntry.entity == "deal_stage_changes"))
        .scalars()
        .all()
    )
    assert len(moves) == 4


def test_the_time_in_the_last_stage_of_a_closed_deal_stops_when_it_closed(session, team, stages):
    ann, _ = team
    deal = _new(session, ann, stages[0])
    deals.move_deal(session, deal.id, stages[2].id, actor_id=ann.id, at=T0 + timedelta(days=2))
    history = deals.stage_history(session, deal.id, now=T0 + timedelta(days=30))
    assert [(v.stage_name, v.days) for v in history.visits] == [("New", 2.0), ("Won", 0.0)]


def test_new_and_moved_deals_go_on_top_and_a_move_within_a_column_only_reorders(
    session, team, stages
):
    ann, _ = team
    new, proposal = stages[0], stages[1]
    a, b, c = (_new(session, ann, new, title) for title in "ABC")
    assert _column(session, new) == ["C", "B", "A"]
    changes_before = session.execute(sa.select(sa.func.count(DealStageChange.id))).scalar()

    result = deals.move_deal(session, a.id, new.id, position=0, actor_id=ann.id)
    assert _column(session, new) == ["A", "C", "B"]
    assert not result.stage_changed
    deals.move_deal(session, a.id, new.id, position=1, actor_id=ann.id)
    assert _column(session, new) == ["C", "A", "B"]
    deals.move_deal(session, c.id, new.id, position=9, actor_id=ann.id)  # past the end: bottom
    assert _column(session, new) == ["A", "B", "C"]
    assert session.execute(sa.select(sa.func.count(DealStageChange.id))).scalar() == changes_before
    assert a.stage_entered_at == T0

    deals.move_deal(session, b.id, proposal.id, actor_id=ann.id)
    _new(session, ann, proposal, "D")
    deals.move_deal(session, a.id, proposal.id, position=1, actor_id=ann.id)
    assert _column(session, proposal) == ["D", "A", "B"]


def test_a_move_normally_writes_one_deal_row(session, team, stages):
    ann, _ = team
    new = stages[0]
    cards = [_new(session, ann, new, f"D{i}") for i in range(6)]
    session.flush()
    before = session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar()
    deals.move_deal(session, cards[0].id, new.id, position=3, actor_id=ann.id)
    entries = session.execute(
        sa.select(AuditEntry.entity, AuditEntry.action).where(AuditEntry.id > before)
    ).all()
    assert entries == [("deals", "update")]


def test_a_column_without_room_is_renumbered_once_keeping_its_order(session, team, stages):
    ann, _ = team
    new = stages[0]
    for i in range(4):
        _new(session, ann, new, f"D{i}")
    session.execute(sa.update(Deal).values(position=0))  # as the large seed leaves them
    session.expire_all()
    assert _column(session, new) == ["D0", "D1", "D2", "D3"]
    d3 = session.execute(sa.select(Deal).where(Deal.title == "D3")).scalar_one()
    deals.move_deal(session, d3.id, new.id, position=1, actor_id=ann.id)
    assert _column(session, new) == ["D0", "D3", "D1", "D2"]
    renumbered = (
        session.execute(sa.select(AuditEntry).where(AuditEntry.action == "renumber"))
        .scalars()
        .all()
    )
    assert [e.changes for e in renumbered] == [{"stage_id": new.id, "rows": 3}]
    positions = (
        session.execute(
            sa.select(Deal.position).where(Deal.stage_id == new.id).order_by(Deal.position)
        )
        .scalars()
        .all()
    )
    assert len(set(positions)) == 4


def test_a_lost_stage_needs_a_reason_from_the_picklist(session, team, stages):
    ann, _ = team
    deal = _new(session, ann, stages[0])
    for reason in (None, "", "because"):
        with pytest.raises(ValidationError) as exc:
            deals.move_deal(session, deal.id, stages[3].id, lost_reason=reason, actor_id=ann.id)
        assert exc.value.errors == {"lost_reason": "Choose why the deal was lost."}
    assert deal.stage_id == stages[0].id and deal.closed_at is None
    assert list(deals.LOST_REASONS) == [
        "price", "competitor", "no_budget", "no_decision", "timing", "product_fit", "other"
    ]  # fmt: skip

    at = T0 + timedelta(days=5)
    deals.move_deal(
        session, deal.id, stages[3].id, lost_reason="No budget", lost_note=" frozen  till May ",
        actor_id=ann.id, at=at,
    )  # fmt: skip
    assert (deal.lost_reason, deal.lost_note, deal.closed_at) == (
        "no_budget",
        "frozen till May",
        at,
    )
    assert deals.lost_reason_label(deal.lost_reason) == "No budget"
    assert deals.lost_reason_label("Chose a competitor") == "Chose a competitor"  # seeded labels


def test_closing_sets_closed_at_and_snapshots_the_rate_and_reopening_clears_them(
    session, team, stages
):
    ann, _ = team
    new, _proposal, won, lost = stages
    deal = _new(session, ann, new, value="1000", currency="USD")
    closed = T0 + timedelta(days=7)
    deals.move_deal(session, deal.id, won.id, actor_id=ann.id, at=closed)
    assert (deal.closed_at, deal.exchange_rate) == (closed, 0.9)

    session.get(ExchangeRate, "USD").rate = 0.5  # the rate moves on; the won deal keeps 0.9
    session.flush()
    board = deal_board.board(session, new.pipeline_id)
    assert next(c for c in board.columns if c.is_won).total == 900.0

    deals.move_deal(session, deal.id, new.id, actor_id=ann.id, at=closed + timedelta(days=1))
    assert (deal.closed_at, deal.exchange_rate, deal.lost_reason) == (None, None, None)
    board = deal_board.board(session, new.pipeline_id)
    assert board.columns[0].total == 500.0  # open: today's rate

    lost_at = closed + timedelta(days=2)
    deals.move_deal(session, deal.id, lost.id, lost_reason="price", actor_id=ann.id, at=lost_at)
    assert (deal.closed_at, deal.exchange_rate) == (lost_at, 0.5)


def test_winning_creates_one_order_and_winning_again_updates_it(session, team, stages):
    ann, _ = team
    new, _proposal, won, lost = stages
    company = Company(name="Kohvik OÜ")
    session.add(company)
    session.flush()
    deal = _new(
        session,
        ann,
        new,
        company_id=company.id,
        lines=[LineInput(description="Machine", unit_price="2000", discount_pct="5"),
               LineInput(description="Beans", quantity="3", unit_price="20")],
    )  # fmt: skip
    first = deals.move_deal(session, deal.id, won.id, actor_id=ann.id, at=T0 + timedelta(days=1))
    order = session.get(Order, first.order_id)
    assert (order.deal_id, order.company_id, order.total, order.currency, order.status) == (
        deal.id, company.id, 1960.0, "EUR", "invoiced"
    )  # fmt: skip
    assert order.number == "SO-2026-0001"
    lines = session.execute(sa.select(OrderLine).order_by(OrderLine.id)).scalars().all()
    assert [(ln.description, ln.quantity, ln.unit_price, ln.discount_pct) for ln in lines] == [
        ("Machine", 1.0, 2000.0, 5.0),
        ("Beans", 3.0, 20.0, 0.0),
    ]

    deals.move_deal(session, deal.id, new.id, actor_id=ann.id, at=T0 + timedelta(days=2))
    assert order.status == "cancelled"
    again = deals.move_deal(session, deal.id, won.id, actor_id=ann.id, at=T0 + timedelta(days=3))
    assert again.order_id == order.id
    assert session.execute(sa.select(sa.func.count(Order.id))).scalar() == 1
    assert session.execute(sa.select(sa.func.count(OrderLine.id))).scalar() == 2
    assert (order.status, order.ordered_at) == ("invoiced", T0 + timedelta(days=3))


def test_a_won_deal_without_lines_orders_its_value_and_an_edit_follows(session, team, stages):
    ann, _ = team
    deal = _new(session, ann, stages[2], title="Big one", value="5000")  # added as won
    order = session.execute(sa.select(Order)).scalar_one()
    assert (order.total, deal.closed_at, deal.exchange_rate) == (5000.0, T0, 1.0)
    form = deals.deal_form(session, deal.id)
    form.value = "5500"
    deals.update_deal(session, deal.id, form, actor_id=ann.id)
    line = session.execute(sa.select(OrderLine)).scalar_one()
    assert (order.total, line.unit_price, line.description) == (5500.0, 5500.0, "Big one")


# -- the board ----------------------------------------------------------------------------------
def test_board_counts_totals_weighted_values_and_cards(session, team, stages):
    ann, bob = team
    new, proposal, won, lost = stages
    acme = Company(name="Acme")
    session.add(acme)
    session.flush()
    _new(session, ann, new, "A", value="1000", owner_id=ann.id, expected_close="2026-04-10")
    _new(session, bob, new, "B", value="2000", currency="USD", owner_id=bob.id,
         expected_close="2026-05-10", company_id=acme.id)  # fmt: skip
    c = _new(
        session, ann, proposal, "C", value="4000", owner_id=ann.id, expected_close="2026-04-20"
    )
    session.add_all(
        [
            Task(title="Send offer", deal_id=c.id, due_at=T0 + timedelta(days=9)),
            Task(title="Call back", deal_id=c.id, due_at=T0 + timedelta(days=2)),
            Task(title="Done already", deal_id=c.id, due_at=T0, done=True),
        ]
    )
    session.flush()
    board = deal_board.board(session, new.pipeline_id, now=T0 + timedelta(days=3, hours=5))
    assert board.base_currency == "EUR"
    assert [(col.name, col.count, col.total, col.weighted) for col in board.columns] == [
        ("New", 2, 2800.0, 280.0),  # 1000 + 2000 × 0.9, at 10 %
        ("Proposal", 1, 4000.0, 2000.0),
        ("Won", 0, 0.0, 0.0),
        ("Lost", 0, 0.0, 0.0),
    ]
    assert [card.title for card in board.columns[0].cards] == ["B", "A"]
    b = board.columns[0].cards[0]
    assert (b.company_name, b.value, b.currency, b.owner_name, b.days_in_stage) == (
        "Acme", 2000.0, "USD", "Bob Boss", 3
    )  # fmt: skip
    card_c = board.columns[1].cards[0]
    assert (card_c.next_task_title, card_c.next_task_due) == ("Call back", T0 + timedelta(days=2))

    mine = deal_board.board(session, new.pipeline_id, filters=BoardFilters(owner_id=ann.id))
    assert [(col.count, col.total) for col in mine.columns[:2]] == [(1, 1000.0), (1, 4000.0)]
    april = BoardFilters(close_from=date(2026, 4, 1), close_to=date(2026, 4, 30))
    in_april = deal_board.board(session, new.pipeline_id, filters=april)
    assert [col.count for col in in_april.columns] == [1, 1, 0, 0]


def test_board_columns_page_separately(session, team, stages):
    ann, _ = team
    new = stages[0]
    for i in range(7):
        _new(session, ann, new, f"D{i}", value="10")
    board = deal_board.board(session, new.pipeline_id, limit=3, offsets={new.id: 3})
    column = board.columns[0]
    assert (column.count, column.total, column.offset) == (7, 70.0, 3)
    assert [c.title for c in column.cards] == ["D3", "D2", "D1"]
    assert column.has_more
    last = deal_board.column_cards(session, new.id, offset=6, limit=3)
    assert [c.title for c in last] == ["D0"]


def test_moving_a_card_updates_the_column_totals(session, team, stages):
    ann, _ = team
    new, proposal = stages[0], stages[1]
    deal = _new(session, ann, new, value="300")
    deals.move_deal(session, deal.id, proposal.id, actor_id=ann.id)
    totals = deal_board.column_totals(session, new.pipeline_id)
    assert totals == {proposal.id: (1, 300.0)}


def test_moving_into_an_archived_stage_is_refused(session, team, stages):
    ann, _ = team
    deal = _new(session, ann, stages[0])
    pipelines.archive_stage(session, stages[1].id, actor_id=ann.id)
    with pytest.raises(ValidationError) as exc:
        deal_moves.move_deal(session, deal.id, stages[1].id, actor_id=ann.id)
    assert exc.value.errors == {"stage_id": "This stage is archived. Choose another."}
