"""Importing deals: mapping suggestions for HubSpot / Pipedrive / Salesforce exports, stages by
name within the pipeline (won/lost synonyms, unknown stages rejected), matching on external id,
updates and the blank-cell rule, closing and orders, dry runs, undo, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from crm_app.cli import main
from crm_app.models import (
    AuditEntry,
    Company,
    Contact,
    ContactEmail,
    Deal,
    DealStageChange,
    ExchangeRate,
    ImportBatch,
    Order,
    OrderLine,
    Stage,
)
from crm_app.services import app_settings, deal_moves, deals, i18n, pipelines
from crm_app.services.deals import DealInput
from crm_app.services.importing import (
    MappingError,
    analyse,
    field_names,
    run_import,
    suggest_mapping,
    undo_last_import,
)
from crm_app.services.importing.deal_import import (
    BAD_STATUS,
    NEED_TITLE,
    NO_PIPELINE,
    NO_RATE,
    NO_STAGE,
    NamedRejection,
    UnknownPipeline,
)
from crm_app.services.pipelines import StageSpec

from .test_import_support import DATA, add_user, counts, csv_table, imported, sample

HUBSPOT_STAGES = [
    StageSpec("Appointment Scheduled", 20),
    StageSpec("Contract Sent", 80),
    StageSpec("Won", 100, is_won=True),
    StageSpec("Lost", 0, is_lost=True),
]


@pytest.fixture
def sales(session):
    """Maria (a user), a USD rate, the default pipeline "Sales" (New, Proposal, Won, Lost)."""
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    session.add(ExchangeRate(currency="USD", rate=0.9))
    pipeline = pipelines.create_pipeline(session, "Sales", actor_id=None)
    session.commit()
    return {s.name: s for s in pipelines.active_stages(session, pipeline.id)} | {"_": pipeline}


def _deal(session, external_id: str) -> Deal:
    session.expire_all()
    return session.execute(sa.select(Deal).where(Deal.external_id == external_id)).scalar_one()


def _history(session, deal_id: int) -> list[tuple[int | None, int]]:
    q = (
        sa.select(DealStageChange.from_stage_id, DealStageChange.to_stage_id)
        .where(DealStageChange.deal_id == deal_id)
        .order_by(DealStageChange.id)
    )
    return [tuple(r) for r in session.execute(q)]


def _orders(session, deal_id: int) -> list[Order]:
    q = sa.select(Order).where(Order.deal_id == deal_id)
    return list(session.execute(q).scalars())


def _count(session, model) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


# -- mapping -------------------------------------------------------------------------------------
def test_hubspot_and_pipedrive_deal_exports_map_without_help() -> None:
    hubspot = suggest_mapping("deals", sample("hubspot_deals.csv").headers)
    assert hubspot == {
        "Record ID": "external_id",
        "Deal Name": "title",
        "Deal Stage": "stage",
        "Pipeline": "pipeline",
        "Close Date": "expected_close",
        "Deal owner": "owner",
        "Amount": "value",
        "Currency": "currency",
        "Create Date": "created_at",
        "Associated Company": "company",
        "Associated Contact": "contact",
        "Deal Type": "",
        "Last Activity Date": "",
    }
    pipedrive = suggest_mapping("deals", sample("pipedrive_deals.csv").headers)
    assert {h: f for h, f in pipedrive.items() if f} == {
        "Deal - ID": "external_id",
        "Deal - Title": "title",
        "Deal - Owner": "owner",
        "Deal - Value": "value",
        "Deal - Currency": "currency",
        "Deal - Organization": "company",
        "Deal - Pipeline": "pipeline",
        "Deal - Contact person": "contact",
        "Deal - Stage": "stage",
        "Deal - Status": "status",
        "Deal - Deal created": "created_at",
        "Deal - Deal closed on": "closed_at",
        "Deal - Lost reason": "lost_reason",
        "Deal - Expected close date": "expected_close",
    }
    # the creator, weighted value, probability and label are not deal fields here
    assert [h for h, f in pipedrive.items() if not f] == [
        "Deal - Creator", "Deal - Weighted value", "Deal - Probability", "Deal - Label",
        "Deal - Won time", "Deal - Lost time",
    ]  # fmt: skip


def test_salesforce_opportunity_headers_map() -> None:
    headers = ["Opportunity Name", "Amount", "Stage", "Close Date", "Account Name",
               "Opportunity Owner", "Opportunity ID", "Probability (%)"]  # fmt: skip
    assert suggest_mapping("deals", headers) == {
        "Opportunity Name": "title",
        "Amount": "value",
        "Stage": "stage",
        "Close Date": "expected_close",
        "Account Name": "company",
        "Opportunity Owner": "owner",
        "Opportunity ID": "external_id",
        "Probability (%)": "",
    }
    assert "pipeline" in field_names("deals") and "stage" in field_names("deal")


def test_an_ambiguous_close_date_column_is_asked_for(session, sales) -> None:
    table = csv_table("Deal Name,Close Date\nA,03/04/2026\nB,05/06/2026\n")
    found = analyse(session, "deals", table)
    assert found.ambiguous == ["Close Date"]
    ok = imported(session, "deals", table, date_formats={"Close Date": "day-first"})
    assert ok.created == 2
    titles = session.execute(sa.select(Deal.title, Deal.expected_close).order_by(Deal.title)).all()
    assert [tuple(t) for t in titles] == [("A", date(2026, 4, 3)), ("B", date(2026, 6, 5))]


# -- a Pipedrive export --------------------------------------------------------------------------
def test_a_pipedrive_export_is_imported_with_stages_closing_contacts_and_companies(
    session, sales
) -> None:
    result = imported(session, "deals", sample("pipedrive_deals.csv"))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert (result.companies_created, result.extra) == (
        3,
        {"contacts_created": 3, "pipeline": "Sales"},
    )
    # the unknown stage rejects its row, naming the stage and the pipeline
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 5, "field": "stage", "reason": "No stage “Negotiation” in pipeline “Sales”."}
    ]
    rejected = result.rejected[0]
    assert isinstance(rejected, NamedRejection)
    assert (rejected.message, rejected.params) == (
        NO_STAGE,
        {"stage": "Negotiation", "pipeline": "Sales"},
    )
    shown = i18n.format_message(rejected.message, "en", **rejected.params)
    assert shown.replace("\u2068", "").replace("\u2069", "") == rejected.reason
    # the owner Pipedrive names is not a user here: a warning, the deal comes in without one
    assert [w.as_dict() for w in result.warnings] == [
        {"row": 3, "field": "owner", "reason": "No active user has this e-mail address or name."}
    ]
    maria = session.execute(sa.text("SELECT id FROM users")).scalar_one()

    espresso = _deal(session, "201")
    assert (espresso.title, espresso.value, espresso.currency) == (
        "Espresso machines for Kohvik",
        12000.0,
        "EUR",
    )
    assert (espresso.stage_id, espresso.pipeline_id, espresso.owner_id) == (
        sales["Proposal"].id,
        sales["_"].id,
        maria,
    )
    assert (espresso.expected_close, espresso.closed_at, espresso.exchange_rate) == (
        date(2024, 4, 30),
        None,
        None,
    )
    assert espresso.created_at == datetime(2024, 1, 15, 9, 12, 33, tzinfo=UTC)
    assert session.get(Company, espresso.company_id).name == "Kohvik OÜ"
    liis = session.get(Contact, espresso.contact_id)
    assert (liis.first_name, liis.last_name, liis.company_id) == (
        "Liis",
        "Lepp",
        espresso.company_id,
    )
    assert _history(session, espresso.id) == [(None, sales["Proposal"].id)]
    assert _orders(session, espresso.id) == []

    # status "won" wins over the stage it was won in; closed when Pipedrive says
    grinder = _deal(session, "202")
    assert (grinder.stage_id, grinder.owner_id, grinder.value) == (sales["Won"].id, None, 1500.5)
    assert grinder.closed_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert (grinder.exchange_rate, grinder.stage_entered_at) == (1.0, grinder.closed_at)
    assert _history(session, grinder.id) == [(None, sales["Won"].id)]
    (order,) = _orders(session, grinder.id)
    assert (order.total, order.currency, order.company_id, order.contact_id) == (
        1500.5,
        "EUR",
        grinder.company_id,
        grinder.contact_id,
    )
    assert order.number == "SO-2024-0001" and order.ordered_at == grinder.closed_at
    lines = session.execute(sa.select(OrderLine).where(OrderLine.order_id == order.id)).scalars()
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in lines] == [
        ("Grinder upgrade", 1.0, 1500.5)
    ]

    # lost, in dollars: closed with the rate of the table, the reason as its picklist code
    service = _deal(session, "203")
    assert (service.stage_id, service.currency, service.exchange_rate) == (
        sales["Lost"].id,
        "USD",
        0.9,
    )
    assert (service.lost_reason, service.lost_note) == ("competitor", None)
    assert service.closed_at == datetime(2024, 2, 20, 16, 30, tzinfo=UTC)
    assert service.owner_id == maria  # the owner by e-mail address
    assert _orders(session, service.id) == []

    cups = _deal(session, "205")  # stage "new" in any case; no company, no contact
    assert (cups.stage_id, cups.company_id, cups.contact_id) == (sales["New"].id, None, None)
    assert _count(session, Deal) == 4


def test_the_same_file_again_changes_nothing(session, sales) -> None:
    for name in ("pipedrive_deals.csv", "hubspot_deals.csv"):
        options = {"pipeline": "Sales"}
        if name == "hubspot_deals.csv":
            pipelines.create_pipeline(
                session, "Sales Pipeline", actor_id=None, stages=HUBSPOT_STAGES
            )
            session.commit()
        first = imported(session, "deals", sample(name), **options)
        assert first.created == 4
        before = counts(session)
        again = imported(session, "deals", sample(name), **options)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
        assert again.companies_created == 0 and again.extra["contacts_created"] == 0
        after = counts(session)
        assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
            "import_batches": 1,
            "audit_entries": 1,
        }


def test_rows_without_an_id_are_found_again_by_their_row(session, sales) -> None:
    table = csv_table("Deal Name,Amount,Stage\nBeans,100,Proposal\nCups,20,New\n")
    assert imported(session, "deals", table).created == 2
    again = imported(session, "deals", table)
    assert (again.created, again.unchanged) == (0, 2)
    assert _count(session, Deal) == 2


# -- a HubSpot export: pipeline per row, synonyms, contacts by e-mail ---------------------------
def test_a_hubspot_export_picks_the_pipeline_per_row_and_links_contacts_by_email(
    session, sales
) -> None:
    hub = pipelines.create_pipeline(session, "Sales Pipeline", actor_id=None, stages=HUBSPOT_STAGES)
    stages = {s.name: s for s in pipelines.active_stages(session, hub.id)}
    anna = Contact(first_name="Anna", last_name="Lee")
    session.add(anna)
    session.flush()
    session.add(ContactEmail(contact_id=anna.id, email="anna.lee@northwind.example"))
    session.commit()
    app_settings.put(session, "time_zone", "Europe/Tallinn", actor_id=None)
    result = imported(session, "deals", sample("hubspot_deals.csv"))  # default pipeline: Sales
    assert (result.created, result.rejected, result.warnings) == (4, [], [])
    assert result.extra == {"contacts_created": 2, "pipeline": "Sales"}
    northwind = _deal(session, "9100001")
    assert (northwind.pipeline_id, northwind.stage_id) == (
        hub.id,
        stages["Appointment Scheduled"].id,
    )
    assert (northwind.value, northwind.currency) == (48000.0, "EUR")
    assert northwind.contact_id == anna.id  # found by her address, not changed
    assert northwind.expected_close == date(2024, 5, 31)
    session.refresh(anna)
    assert (anna.first_name, anna.company_id) == ("Anna", None)

    fjord = _deal(session, "9100002")  # "Closed Won" → the pipeline's won stage
    assert (fjord.stage_id, fjord.currency, fjord.exchange_rate) == (stages["Won"].id, "USD", 0.9)
    # closed on the close date, 14:22 in Tallinn
    assert fjord.closed_at == datetime(2024, 3, 5, 12, 22, tzinfo=UTC)
    assert fjord.expected_close == date(2024, 3, 5)
    jonas = session.get(Contact, fjord.contact_id)
    assert (jonas.first_name, jonas.last_name) == ("Jonas", "Berg")
    assert session.execute(
        sa.select(ContactEmail.email).where(ContactEmail.contact_id == jonas.id)
    ).scalars().all() == ["jonas.berg@fjord.example"]
    assert session.get(Company, jonas.company_id).name == "Fjord Logistics"
    assert len(_orders(session, fjord.id)) == 1

    lotus = _deal(session, "9100003")  # "Closed Lost" → lost, without a reason
    assert (lotus.stage_id, lotus.lost_reason, lotus.owner_id) == (stages["Lost"].id, None, None)
    assert lotus.closed_at == datetime(2024, 2, 28, 6, 30, tzinfo=UTC)
    beans = _deal(session, "9100004")
    assert (beans.stage_id, beans.currency, beans.contact_id) == (
        stages["Contract Sent"].id,
        "EUR",
        None,
    )


@pytest.mark.parametrize(
    ("cell", "stage"),
    [("proposal", "Proposal"), ("  PROPOSAL ", "Proposal"), ("Won", "Won"),
     ("Closed Won", "Won"), ("closedwon", "Won"), ("Closed-Lost", "Lost"), ("LOST", "Lost")],
)  # fmt: skip
def test_stages_match_by_name_in_any_case_and_won_lost_synonyms(
    session, sales, cell, stage
) -> None:
    table = csv_table(f"Deal Name,Deal Stage,Lost Reason\nCoffee,{cell},Bad timing\n")
    result = imported(session, "deals", table)
    assert (result.created, result.rejected) == (1, [])
    deal = session.execute(sa.select(Deal)).scalar_one()
    assert deal.stage_id == sales[stage].id
    assert (deal.closed_at is not None) == (stage in ("Won", "Lost"))
    assert deal.lost_reason == ("timing" if stage == "Lost" else None)


def test_the_pipeline_option_and_column_choose_where_stages_are_looked_up(session, sales) -> None:
    partners = pipelines.create_pipeline(
        session,
        "Partners",
        actor_id=None,
        stages=[StageSpec("Intro", 10), StageSpec("Signed", 100, is_won=True),
                StageSpec("Dropped", 0, is_lost=True)],
    )  # fmt: skip
    session.commit()
    intro, signed, dropped = pipelines.active_stages(session, partners.id)
    table = csv_table(
        "Deal Name,Stage,Pipeline\n"
        "A,intro,\n"  # --pipeline Partners
        "B,Proposal,sales\n"  # its own pipeline, by name in any case
        "C,Closed Won,\n"  # Partners' won stage is called "Signed"
        "D,Proposal,\n"  # Partners has no "Proposal"
        "E,Intro,Marketing\n"  # no such pipeline
        "F,,\n"  # no stage: the first open one
    )
    with pytest.raises(UnknownPipeline) as caught:
        run_import(session, "deals", table, pipeline="Nope")
    assert caught.value.message == NO_PIPELINE and _count(session, Deal) == 0
    result = imported(session, "deals", table, pipeline="partners")
    assert result.extra["pipeline"] == "Partners"
    got = dict(session.execute(sa.select(Deal.title, Deal.stage_id)).all())
    assert got == {"A": intro.id, "B": sales["Proposal"].id, "C": signed.id, "F": intro.id}
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 5, "field": "stage", "reason": "No stage “Proposal” in pipeline “Partners”."},
        {"row": 6, "field": "pipeline", "reason": "There is no pipeline “Marketing”."},
    ]
    assert imported(session, "deals", csv_table("Deal Name\nG\n"), pipeline=partners.id).created


def test_bad_rows_are_rejected_with_field_and_reason(session, sales) -> None:
    table = csv_table(
        "Deal Name,Amount,Currency,Deal - Status,Contact\n"
        "Ok,10,usd,open,\n"
        ",5,EUR,open,\n"  # a new deal needs a title
        "Yen deal,5,JPY,open,\n"  # no exchange rate for yen
        "Odd,5,EUR,deleted,\n"
        "Cheap,-5,EUR,open,\n"
        "Mail,5,EUR,open,Ann (ann@@x.example)\n"
    )
    result = imported(session, "deals", table)
    assert result.created == 1
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [
        (3, "title", NEED_TITLE),
        (4, "currency", NO_RATE),
        (5, "status", BAD_STATUS),
        (6, "value", "Enter an amount, 0 or more."),
        (7, "contact", "Enter a valid e-mail address for the contact."),
    ]
    assert session.execute(sa.select(Deal.currency)).scalar_one() == "USD"


def test_custom_fields_are_refused_for_deals(session, sales) -> None:
    with pytest.raises(MappingError):
        run_import(
            session, "deals", csv_table("Deal Name,Colour\nA,red\n"), create_fields=["Colour"]
        )


# -- matching, updates, the blank-cell rule ------------------------------------------------------
def test_a_changed_row_updates_its_deal_moves_it_and_blank_cells_never_overwrite(
    session, sales
) -> None:
    header = "Record ID,Deal Name,Amount,Deal Stage,Close Date,Associated Company,Deal owner\n"
    imported(
        session,
        "deals",
        csv_table(header + "77,Big order,1000,Proposal,2026-05-31,Kohvik OÜ,Maria Tamm\n"),
    )
    deal = _deal(session, "77")
    old_company = deal.company_id
    result = imported(session, "deals", csv_table(header + "77,,2500,Closed Won,2026-04-02,,\n"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    deal = _deal(session, "77")
    assert (deal.title, deal.value, deal.company_id) == ("Big order", 2500.0, old_company)
    assert deal.owner_id is not None  # blank owner cell: kept
    assert deal.stage_id == sales["Won"].id
    assert deal.expected_close == date(2026, 4, 2)
    assert deal.closed_at == datetime(2026, 4, 2, tzinfo=UTC)  # the close date (UTC install)
    assert _history(session, deal.id) == [
        (None, sales["Proposal"].id),
        (sales["Proposal"].id, sales["Won"].id),
    ]
    (order,) = _orders(session, deal.id)
    assert (order.total, order.status) == (2500.0, "invoiced")
    assert _count(session, Deal) == 1
    # lost again later: the order no longer stands
    imported(session, "deals", csv_table("Record ID,Deal Stage,Lost Reason\n77,Lost,Price\n"))
    deal = _deal(session, "77")
    assert (deal.stage_id, deal.lost_reason) == (sales["Lost"].id, "price")
    assert _orders(session, deal.id)[0].status == "cancelled"


def test_rows_sharing_an_id_are_one_deal_later_cells_winning(session, sales) -> None:
    table = csv_table(
        "Deal - ID,Deal - Title,Deal - Value,Deal - Stage\n"
        "9,Draft title,100,New\n"
        "9,,150,Proposal\n"
        "10,Other,5,New\n"
    )
    result = imported(session, "deals", table)
    assert (result.created, result.merged, result.rows) == (2, 1, 3)
    deal = _deal(session, "9")
    assert (deal.title, deal.value, deal.stage_id) == ("Draft title", 150.0, sales["Proposal"].id)


def test_a_deal_from_the_board_is_matched_by_its_external_id(session, sales) -> None:
    made = deals.create_deal(
        session, DealInput(title="Board deal", value=10, stage_id=sales["New"].id), actor_id=None
    )
    made.external_id = "X-1"
    session.commit()
    result = imported(session, "deals", csv_table("External ID,Title,Value\nX-1,Board deal,10\n"))
    assert (result.created, result.unchanged) == (0, 1)
    result = imported(session, "deals", csv_table("External ID,Value,Currency\nX-1,12,USD\n"))
    assert result.updated == 1
    deal = _deal(session, "X-1")
    assert (deal.value, deal.currency, deal.title) == (12.0, "USD", "Board deal")


# -- dry run and undo ----------------------------------------------------------------------------
def test_a_dry_run_writes_nothing_and_reports_what_a_run_would_do(session, sales) -> None:
    imported(session, "deals", csv_table("Deal - ID,Deal - Title,Deal - Value\n203,Old,1\n"))
    table = sample("pipedrive_deals.csv")
    before = counts(session)
    dry = run_import(session, "deals", table, dry_run=True)
    session.commit()
    assert counts(session) == before
    assert (dry.batch_id, dry.dry_run) == (None, True)
    real = imported(session, "deals", table)
    for key in ("created", "updated", "unchanged", "merged", "rows", "companies_created", "extra"):
        assert getattr(dry, key) == getattr(real, key), key
    assert (real.created, real.updated) == (3, 1)
    assert [r.as_dict() for r in dry.rejected] == [r.as_dict() for r in real.rejected]


def test_undo_removes_created_deals_and_restores_updated_ones(session, sales) -> None:
    header = "Record ID,Deal Name,Amount,Deal Stage,Associated Company,Associated Contact\n"
    imported(session, "deals", csv_table(header + "1,Kept deal,100,Proposal,Old Co,\n"))
    kept = _deal(session, "1")
    kept_history = _history(session, kept.id)
    before = counts(session)
    table = csv_table(
        header + "1,Kept deal,300,Won,,\n"
        "2,New deal,50,Won,New Co,Ann Lee (ann@new.example)\n"
        "3,Other new,70,New,New Co,ann@new.example\n"
    )
    result = imported(session, "deals", table)
    assert (result.created, result.updated, result.companies_created) == (2, 1, 1)
    assert result.extra["contacts_created"] == 1
    assert _count(session, Order) == 2

    undone = undo_last_import(session, "deals", actor_id=None)
    session.commit()
    assert (undone.batch_id, undone.removed, undone.restored) == (result.batch_id, 2, 1)
    assert (undone.companies_removed, undone.contacts_removed) == (1, 1)
    kept = _deal(session, "1")
    assert (kept.value, kept.stage_id, kept.closed_at, kept.exchange_rate) == (
        100.0,
        sales["Proposal"].id,
        None,
        None,
    )
    assert _history(session, kept.id) == kept_history
    assert _count(session, Order) == 0 and _count(session, OrderLine) == 0
    after = counts(session)
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"audit_entries", "import_batches", "import_changes"}
    assert session.get(ImportBatch, result.batch_id).undone_at is not None
    audited = session.execute(sa.select(AuditEntry.entity, AuditEntry.action)).all()
    assert ("deals", "bulk_delete") in audited and ("orders", "bulk_delete") in audited
    # the first import is now the last one: undoing it leaves no deal behind
    undo_last_import(session, "deals", actor_id=None)
    session.commit()
    assert _count(session, Deal) == 0 and _count(session, Company) == 0


def test_undo_keeps_a_contact_the_import_created_once_it_is_used_elsewhere(session, sales) -> None:
    imported(session, "deals", csv_table("Deal Name,Contact\nA,Ann Lee (ann@x.example)\n"))
    ann = session.execute(sa.select(Contact)).scalar_one()
    deals.create_deal(
        session,
        DealInput(title="By hand", stage_id=sales["New"].id, contact_id=ann.id),
        actor_id=None,
    )
    session.commit()
    undone = undo_last_import(session, "deals", actor_id=None)
    session.commit()
    assert (undone.removed, undone.contacts_removed, undone.contacts_kept) == (1, 0, 1)
    assert session.execute(sa.select(Deal.title)).scalars().all() == ["By hand"]


def test_a_lost_reason_with_a_note_and_an_unknown_one(session, sales) -> None:
    table = csv_table(
        "Deal Name,Stage,Lost Reason\nA,Lost,Price: too dear for them\nB,Lost,They went bankrupt\n"
    )
    imported(session, "deals", table)
    got = session.execute(sa.select(Deal.title, Deal.lost_reason, Deal.lost_note)).all()
    assert sorted(tuple(r) for r in got) == [
        ("A", "price", "too dear for them"),
        ("B", "other", "They went bankrupt"),
    ]
    assert deal_moves.lost_reason_label("other") == "Other"


def test_five_thousand_rows_import_in_one_go(session, sales) -> None:
    rows = "".join(
        f"D{i},Deal {i},{100 + i},{'Won' if i % 4 == 0 else 'New'},Company {i % 300},"
        f"p{i % 900}@x.example\n"
        for i in range(5000)
    )
    table = csv_table("Deal ID,Deal Name,Amount,Stage,Company,Contact Email\n" + rows)
    result = imported(session, "deals", table)
    assert (result.created, result.rejected, result.companies_created) == (5000, [], 300)
    assert result.extra["contacts_created"] == 900
    assert _count(session, DealStageChange) == 5000
    assert _count(session, Order) == 1250
    numbers = session.execute(sa.select(Order.number)).scalars().all()
    assert len(set(numbers)) == 1250
    again = imported(session, "deals", table)
    assert again.unchanged == 5000


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    return db_url


def _json(capsys) -> dict:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return json.loads(out)


def test_cli_json_keys_and_the_pipeline_option(cli_db, session, sales, capsys, tmp_path) -> None:
    hub = pipelines.create_pipeline(session, "Sales Pipeline", actor_id=None, stages=HUBSPOT_STAGES)
    session.commit()
    file = str(DATA / "pipedrive_deals.csv")
    assert main(["import", "deals", file, "--json", "--dry-run"]) == 0
    dry = _json(capsys)
    assert list(dry)[:4] == ["created", "updated", "unchanged", "rejected"]
    assert (dry["created"], dry["dry_run"], dry["batch_id"], dry["pipeline"]) == (
        4,
        True,
        None,
        "Sales",
    )
    assert _count(session, Deal) == 0
    assert main(["import", "deals", file, "--json"]) == 0
    real = _json(capsys)
    assert (real["created"], real["updated"], real["unchanged"]) == (4, 0, 0)
    assert real["rejected"] == [
        {"row": 5, "field": "stage", "reason": "No stage “Negotiation” in pipeline “Sales”."}
    ]
    assert (real["contacts_created"], real["companies_created"]) == (3, 3)
    assert main(["import", "deals", file, "--json"]) == 0
    assert _json(capsys)["unchanged"] == 4
    # --pipeline: rows without a Pipeline column go there
    table = tmp_path / "deals.csv"
    table.write_text("Deal Name,Deal Stage\nX,Contract Sent\n", encoding="utf-8")
    assert main(["import", "deals", str(table), "--pipeline", "sales pipeline", "--json"]) == 0
    assert _json(capsys)["pipeline"] == "Sales Pipeline"
    session.expire_all()
    x = session.execute(sa.select(Deal).where(Deal.title == "X")).scalar_one()
    assert x.pipeline_id == hub.id
    assert main(["import", "deals", str(table), "--json"]) == 0  # X is found: its own pipeline
    assert _json(capsys)["unchanged"] == 1
    table.write_text("Deal Name,Deal Stage\nY,Contract Sent\n", encoding="utf-8")
    assert main(["import", "deals", str(table), "--json"]) == 0  # the default: Sales
    assert _json(capsys)["rejected"] == [
        {"row": 2, "field": "stage", "reason": "No stage “Contract Sent” in pipeline “Sales”."}
    ]
    assert main(["import", "deals", str(table), "--pipeline", "Nope", "--json"]) == 2
    assert _json(capsys)["error"] == "There is no pipeline “Nope”. Nothing was imported."


def test_cli_help_lists_the_deal_fields_and_the_pipeline_option(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["import", "deals", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "--pipeline NAME" in out and "--create-field" not in out
    epilog = out.split("Fields for --map", 1)[1]
    listed = [line.split()[0] for line in epilog.splitlines()[1:] if line.startswith("  ")]
    assert listed == field_names("deals")
    assert "Closed Won" in out


def test_stage_objects_stay_unchanged_by_an_import(session, sales) -> None:
    before = [(s.id, s.name, s.position) for s in session.execute(sa.select(Stage)).scalars()]
    imported(session, "deals", sample("pipedrive_deals.csv"))
    session.expire_all()
    after = [(s.id, s.name, s.position) for s in session.execute(sa.select(Stage)).scalars()]
    assert after == before
