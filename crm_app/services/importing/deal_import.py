"""Deals from imported rows: which deal each row is, its pipeline and stage, what would change,
and the audited writes (issue 6).

Rules:
- A row with an ID from the other system matches the deal with that external id (any
  pipeline; one in the row's pipeline first); rows of the file sharing an ID are one deal,
  later non-blank cells winning. A row without an ID matches the deal an earlier, not undone
  import created from the same row (its row key). So the same file twice changes nothing.
- The pipeline is the row's "Pipeline" cell by name (any case); without one, a stored deal's
  own pipeline, else the import's pipeline (``--pipeline``; by default the default pipeline).
- The stage is the row's stage name within that pipeline: any case, spacing and punctuation
  aside; "Won" / "Closed Won" name the pipeline's won stage and "Lost" / "Closed Lost" its lost
  stage when no stage is called so. A status cell (Pipedrive's open / won / lost) of won or
  lost wins over the stage (Pipedrive keeps the stage a deal was won in). No stage: a new deal
  goes to the first open stage, a stored one stays where it is. A stage or pipeline that is
  not there rejects the row with a reason naming it.
- A new deal needs a title. The currency is the row's (a known code with an exchange rate,
  else the row is rejected), by default the base currency; the value reads like amounts
  elsewhere ("€ 1 200,50", "$1,200.50").
- The company is found by name in any case, else created once (as a contact import does). The
  contact is found by the e-mail address of its cell or of the contact e-mail column, else —
  with no address — by full name; a contact that is not found is created (with that name and
  address, at the deal's company). Found contacts are only linked, never changed.
- Won and lost deals close on the row's close moment (the "closed on" column, else the close
  date, else now) with the exchange rate of that day, through ``deal_moves.closing_changes``;
  a lost reason that is a picklist label or code is stored as its code, other text as "other"
  with the text as the note. A new deal's history starts with one entry into its stage (at
  its close when closed, else at its creation); a stored deal whose stage changes is moved
  with ``deal_moves.move_deal`` (history, closing rules, its order). A won deal gets its
  order, numbered and filled as ``deal_orders`` does.
- A stored deal is updated with the row's non-blank cells that differ; nothing to change →
  "unchanged", and nothing is written.
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from sqlmodel import Session

from crm_app.models import Deal, Pipeline, Stage

from ..i18n import N_
from .deal_decisions import DealDecision, DealPlan, changed_deal, new_deal
from .deal_rows import (
    BAD_CONTACT_EMAIL,
    BAD_CURRENCY,
    BAD_STATUS,
    NEED_TITLE,
    NO_OPEN_STAGE,
    NO_RATE,
    NO_STAGE,
    STAGE_ARCHIVED,
    DealRowReader,
    NamedRejection,
    contact_of,
    contact_parts,
    currency_code,
    lost_reason,
    reject_rows,
)
from .deal_stages import (
    LOST,
    NO_PIPELINE,
    NO_PIPELINES,
    OPEN,
    PIPELINE_ARCHIVED,
    WON,
    Stages,
    UnknownPipeline,
    status_of,
    target_pipeline,
)
from .deal_writes import SNAPSHOT, insert_deals, order_state, write_update
from .external_ids import Item, StoredRecords, merge_by_external_id
from .merging import CREATE, UPDATE, Change
from .people_links import PeopleLinks
from .rows import RowValues

__all__ = [
    "BAD_CONTACT_EMAIL",
    "BAD_CURRENCY",
    "BAD_STATUS",
    "ENTITY",
    "LOST",
    "NEED_TITLE",
    "NO_CUSTOM_FIELDS",
    "NO_OPEN_STAGE",
    "NO_PIPELINE",
    "NO_PIPELINES",
    "NO_RATE",
    "NO_STAGE",
    "OPEN",
    "PIPELINE_ARCHIVED",
    "SNAPSHOT",
    "STAGE_ARCHIVED",
    "WON",
    "DealDecision",
    "DealPlan",
    "NamedRejection",
    "Stages",
    "UnknownPipeline",
    "apply",
    "contact_parts",
    "currency_code",
    "lost_reason",
    "order_state",
    "plan",
    "status_of",
    "target_pipeline",
]

ENTITY = "deal"
NO_CUSTOM_FIELDS = N_("Deals have no custom fields. Map the column to a field or skip it.")

type _Ready = tuple[Item, Deal | None, Pipeline, Stage | None, str, tuple[str, str | None]]


def plan(
    session: Session,
    rows: list[RowValues],
    *,
    pipeline: Pipeline | None = None,
    zone: tzinfo = UTC,
) -> DealPlan:
    """What importing ``rows`` would do to deals (see the module rules); writes nothing."""
    pipeline = pipeline or target_pipeline(session, None)
    out = DealPlan(pipeline=pipeline)
    items = merge_by_external_id(rows)
    out.merged = len(rows) - len(items)
    stored = StoredRecords(session, Deal, ENTITY, items)
    reader = DealRowReader(session, pipeline, zone)
    ready: list[_Ready] = []
    for item in items:
        named = reader.stages.pipeline(item.values.get("pipeline") or "")
        pipeline_id = (named or pipeline).id
        deal = stored.match(item, lambda d, pid=pipeline_id: d.pipeline_id == pid)
        got_pipeline = reader.pipeline_of(item, deal)
        if isinstance(got_pipeline, list):
            out.rejected += got_pipeline
            continue
        stage = reader.stage_of(item, got_pipeline, deal)
        if isinstance(stage, list):
            out.rejected += stage
            continue
        currency = reader.currency_of(item, deal)
        if isinstance(currency, list):
            out.rejected += currency
            continue
        if deal is None and not item.values.get("title"):
            out.rejected += reject_rows(item.rows, "title", NEED_TITLE)
            continue
        person = contact_of(item)
        if person is None:
            out.rejected += reject_rows(item.rows, "contact", BAD_CONTACT_EMAIL)
            continue
        ready.append((item, deal, got_pipeline, stage, currency, person))
    people = PeopleLinks(session, [(i.values.get("company"), *p) for i, *_, p in ready])
    for item, deal, target, stage, currency, (name, email) in ready:
        company, contact = people.resolve(item.values.get("company"), name, email)
        if deal is None:
            decision = new_deal(reader, item, target, stage, currency, company, contact)
        else:
            decision = changed_deal(reader, item, deal, stage, currency, company, contact)
        out.decisions.append(decision)
    out.new_contacts, out.new_companies = people.new_records(
        [d.contact for d in out.decisions], [d.company for d in out.decisions]
    )
    out.links = people
    out.rejected.sort(key=lambda r: r.row)
    return out


def apply(session: Session, out: DealPlan, *, actor_id: int | None) -> list[Change]:
    """Write the plan: new companies and contacts, new deals with their history and orders,
    then the updates; the changes a batch keeps for undo."""
    people: PeopleLinks = out.links
    made = people.create(session, out.new_companies, out.new_contacts, actor_id=actor_id)
    changes = made.changes
    creating = [d for d in out.decisions if d.action == CREATE]
    for d in creating:
        d.columns.update(
            company_id=made.company_id(d.company), contact_id=made.contact_id(d.contact)
        )
    ids = insert_deals(session, creating, actor_id=actor_id)
    changes += [
        Change(ENTITY, did, "created", row_key=d.item.key)
        for d, did in zip(creating, ids, strict=True)
    ]
    for d in out.decisions:
        if d.action != UPDATE:
            continue
        if isinstance(d.changes.get("company_id"), str):
            d.changes["company_id"] = made.company_id(d.changes["company_id"])
        if isinstance(d.changes.get("contact_id"), str):
            d.changes["contact_id"] = made.contact_id(d.changes["contact_id"])
        write_update(session, d, actor_id=actor_id)
        changes.append(Change(ENTITY, int(d.record_id or 0), "updated", d.item.key, d.before))
    return changes
