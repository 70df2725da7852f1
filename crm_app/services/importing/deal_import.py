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

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from babel.numbers import list_currencies
from sqlmodel import Session

from crm_app.models import (
    Contact,
    ContactEmail,
    Deal,
    DealStageChange,
    ImportBatch,
    ImportChange,
    Order,
    OrderLine,
    Pipeline,
    Stage,
    utcnow,
)

from .. import deal_moves, deal_orders, money, writes
from ..i18n import N_
from .bulk import insert_rows
from .company_links import CompanyLinks
from .merging import CREATE, UNCHANGED, UPDATE, Change, Plan, chunks, groups, jsonable
from .problems import MappingError
from .rows import Rejection, RowValues
from .values import email as check_email
from .values import split_name

ENTITY = "deal"
NOTE = "import"

NEED_TITLE = N_("Enter a title.")
NO_PIPELINE = N_("There is no pipeline “{pipeline}”.")
NO_PIPELINES = N_("Add a pipeline in Settings first.")
PIPELINE_ARCHIVED = N_("The pipeline “{pipeline}” is archived.")
NO_STAGE = N_("No stage “{stage}” in pipeline “{pipeline}”.")
STAGE_ARCHIVED = N_("The stage “{stage}” of pipeline “{pipeline}” is archived.")
NO_OPEN_STAGE = N_("The pipeline “{pipeline}” has no open stage.")
BAD_STATUS = N_("Enter open, won or lost.")
BAD_CURRENCY = N_("Choose a currency from the list.")
NO_RATE = N_("Add an exchange rate for this currency in Settings first.")
BAD_CONTACT_EMAIL = N_("Enter a valid e-mail address for the contact.")
NO_CUSTOM_FIELDS = N_("Deals have no custom fields. Map the column to a field or skip it.")

OPEN, WON, LOST = "open", "won", "lost"
_STATUS_WORDS = {
    OPEN: ("open", "active", "inprogress", "avatud", "offen"),
    WON: ("won", "closedwon", "dealwon", "win", "voidetud", "gewonnen"),
    LOST: ("lost", "closedlost", "deallost", "kaotatud", "verloren"),
}
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₪": "ILS", "¥": "JPY", "₹": "INR", "֏": "AMD"}
_EMAIL = re.compile(r"[^\s<>()\[\];,:\"']+@[^\s<>()\[\];,:\"']+\.[^\s<>()\[\];,:\"']+")
# Columns a stored deal keeps for undo (everything an import can change).
SNAPSHOT = ("title", "value", "currency", "expected_close", "pipeline_id", "stage_id", "owner_id",
            "contact_id", "company_id", "source", "lost_reason", "lost_note", "closed_at",
            "exchange_rate", "stage_entered_at", "position", "created_at", "updated_at")  # fmt: skip

_ORDER_COLUMNS = frozenset({"title", "value", "currency", "contact_id", "company_id"})


class UnknownPipeline(MappingError):
    """The pipeline the import was asked to use is not there (or archived)."""


@dataclass
class NamedRejection(Rejection):
    """A rejection whose reason names what the row wrote. ``reason`` is the English sentence
    (the JSON, the CLI, the stored batch); ``message`` and ``params`` give it in the reader's
    language through ``i18n.format_message(message, locale, **params)``."""

    message: str = ""
    params: dict[str, str] = field(default_factory=dict)


def _reject(rows: list[RowValues], name: str, message: str, **params: str) -> list[Rejection]:
    if not params:
        return [Rejection(r.row, name, message, r.cells) for r in rows]
    text = message.format(**params)
    return [NamedRejection(r.row, name, text, r.cells, message, dict(params)) for r in rows]


def _norm(text: Any) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def _fold(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_code(raw: str) -> str | None:
    """ "eur", "EUR", "Euro (EUR)", "€" → "EUR"; None when no known code is there."""
    text = str(raw or "").strip()
    upper = text.upper()
    found = [upper] if len(upper) == 3 else re.findall(r"\b[A-Z]{3}\b", upper)
    for code in found:
        if code in _known_currencies():
            return code
    return _SYMBOLS.get(text)


def status_of(raw: str) -> str | None:
    word = _norm(raw)
    return next((s for s, words in _STATUS_WORDS.items() if word in words), None)


def lost_reason(text: str | None) -> tuple[str | None, str | None]:
    """(picklist code, note) of a lost reason as another tool wrote it (see the module rules);
    "Other: too slow" — the way the export writes a note — comes back as it was."""
    text = " ".join(str(text or "").split())
    if not text:
        return None, None
    code = deal_moves.lost_reason_code(text)
    if code:
        return code, None
    head, sep, rest = text.partition(":")
    if sep and (code := deal_moves.lost_reason_code(head)) and rest.strip():
        return code, rest.strip()
    return "other", text


def contact_parts(raw: str | None) -> tuple[str, str | None]:
    """(name, e-mail) from a contact cell: "Ann Lee (ann@x.example)", "Ann Lee <ann@…>",
    "ann@x.example" or "Ann Lee"; several contacts in one cell: the first."""
    text = str(raw or "").strip()
    if not text:
        return "", None
    match = _EMAIL.search(text)
    if match is None:
        first = re.split(r"\s*;\s*", text)[0]
        return " ".join(first.split()), None
    before = text[: match.start()]
    name = re.split(r"[;]", before)[-1]
    name = " ".join(re.sub(r"[<>()\[\]\"']", " ", name).split()).strip(" ,")
    return name, match.group(0).strip().lower()


# -- pipelines and stages -----------------------------------------------------------------------
class Stages:
    """Every pipeline and stage, read once: names are looked up in Python."""

    def __init__(self, session: Session):
        pipelines = session.execute(
            sa.select(Pipeline).order_by(Pipeline.archived, Pipeline.position, Pipeline.id)
        ).scalars()
        self.pipelines: dict[int, Pipeline] = {p.id or 0: p for p in pipelines}
        self.by_name: dict[str, Pipeline] = {}
        for p in self.pipelines.values():
            self.by_name.setdefault(_fold(p.name), p)
        self.stages: dict[int, list[Stage]] = defaultdict(list)
        self.by_id: dict[int, Stage] = {}
        query = sa.select(Stage).order_by(Stage.pipeline_id, Stage.position, Stage.id)
        for stage in session.execute(query).scalars():
            self.stages[stage.pipeline_id].append(stage)
            self.by_id[stage.id or 0] = stage

    def pipeline(self, name: str) -> Pipeline | None:
        return self.by_name.get(_fold(name))

    def _active(self, pipeline: Pipeline) -> list[Stage]:
        return [s for s in self.stages[pipeline.id or 0] if not s.archived]

    def first_open(self, pipeline: Pipeline) -> Stage | None:
        return next((s for s in self._active(pipeline) if not s.is_won and not s.is_lost), None)

    def terminal(self, pipeline: Pipeline, status: str) -> Stage | None:
        if status == OPEN:
            return self.first_open(pipeline)
        won = status == WON
        return next((s for s in self._active(pipeline) if (s.is_won if won else s.is_lost)), None)

    def named(self, pipeline: Pipeline, name: str) -> tuple[Stage | None, bool]:
        """(the stage ``name`` names in ``pipeline``, whether only an archived one does)."""
        stages = self.stages[pipeline.id or 0]
        for key in (_fold, _norm):
            wanted = key(name)
            found = [s for s in stages if key(s.name) == wanted]
            active = [s for s in found if not s.archived]
            if active:
                return active[0], False
            if found:
                return None, True
        status = status_of(name)
        if status in (WON, LOST):
            return self.terminal(pipeline, status), False
        return None, False


def target_pipeline(session: Session, choice: str | int | None) -> Pipeline:
    """The pipeline new deals go to: ``choice`` (a name in any case, or an id), else the
    default pipeline. Raises ``UnknownPipeline`` when there is no such active pipeline."""
    if choice is None or str(choice).strip() == "":
        q = (
            sa.select(Pipeline)
            .where(~Pipeline.archived)
            .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.id)
            .limit(1)
        )
        found = session.execute(q).scalar()
        if found is None:
            raise UnknownPipeline(NO_PIPELINES)
        return found
    pipeline = None
    if isinstance(choice, int) or str(choice).strip().isdigit():
        pipeline = session.get(Pipeline, int(choice))
    if pipeline is None:
        pipeline = Stages(session).pipeline(str(choice))
    if pipeline is None:
        raise UnknownPipeline(NO_PIPELINE, pipeline=str(choice).strip())
    if pipeline.archived:
        raise UnknownPipeline(PIPELINE_ARCHIVED, pipeline=pipeline.name)
    return pipeline


# -- the plan -----------------------------------------------------------------------------------
@dataclass
class Item:
    """One deal's worth of rows (rows sharing an external id are one deal)."""

    rows: list[RowValues]
    values: dict[str, Any]

    @property
    def key(self) -> str:
        return self.rows[0].key

    @property
    def external_id(self) -> str | None:
        return self.values.get("external_id")


@dataclass
class DealDecision:
    action: str
    item: Item
    deal: Deal | None = None  # the stored deal (kept: the session holds it weakly)
    record_id: int | None = None
    columns: dict[str, Any] = field(default_factory=dict)  # a new deal's columns
    changes: dict[str, Any] = field(default_factory=dict)  # a stored deal's changed columns
    company: int | str | None = None  # id, or "new:<key>" to create
    contact: int | str | None = None
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


def _merge(rows: list[RowValues]) -> list[Item]:
    keys = [
        [("x", str(r.values["external_id"]))] if r.values.get("external_id") else [("k", r.key)]
        for r in rows
    ]
    items = []
    for members in groups(keys):
        values: dict[str, Any] = {}
        for i in members:
            values.update(rows[i].values)
        items.append(Item(rows=[rows[i] for i in members], values=values))
    return items


class _Stored:
    """The stored deals the items match, by external id and by row key."""

    def __init__(self, session: Session, items: list[Item]):
        self.by_external: dict[str, list[Deal]] = defaultdict(list)
        self.by_key: dict[str, Deal] = {}
        wanted = sorted({str(i.external_id) for i in items if i.external_id})
        for part in chunks(wanted):
            q = sa.select(Deal).where(Deal.external_id.in_(part)).order_by(Deal.id)
            for deal in session.execute(q).scalars():
                self.by_external[str(deal.external_id)].append(deal)
        keys = sorted({i.key for i in items if not i.external_id})
        for part in chunks(keys):
            q = (
                sa.select(ImportChange.row_key, Deal)
                .join(ImportBatch, ImportBatch.id == ImportChange.batch_id)
                .join(Deal, Deal.id == ImportChange.record_id)
                .where(
                    ImportChange.entity == ENTITY,
                    ImportChange.action == "created",
                    ImportChange.row_key.in_(part),
                    ImportBatch.undone_at.is_(None),
                )
                .order_by(ImportChange.id)
            )
            for key, deal in session.execute(q):
                self.by_key.setdefault(key, deal)

    def match(self, item: Item, pipeline_id: int | None) -> Deal | None:
        if not item.external_id:
            return self.by_key.get(item.key)
        found = self.by_external.get(str(item.external_id), [])
        same = [d for d in found if d.pipeline_id == pipeline_id]
        return (same or found or [None])[0]


class _Contacts:
    """Existing contacts by e-mail address and by full name; new ones once per key."""

    def __init__(self, session: Session, wanted: list[tuple[str, str | None]]):
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.new: dict[str, dict[str, Any]] = {}
        addresses = sorted({e for _, e in wanted if e})
        for part in chunks(addresses):
            q = sa.select(ContactEmail.email, ContactEmail.contact_id).where(
                ContactEmail.email.in_(part)
            )
            for email, cid in session.execute(q.order_by(ContactEmail.id)):
                self.by_email.setdefault(email, int(cid))
        names = sorted({_fold(n) for n, e in wanted if n and not e})
        full = sa.func.lower(sa.func.trim(Contact.first_name + " " + Contact.last_name))
        for part in chunks(names):
            q = sa.select(Contact.id, Contact.first_name, Contact.last_name).where(full.in_(part))
            self._add_names(session.execute(q.order_by(Contact.id)))
        if any(not n.isascii() for n in names if n not in self.by_name):
            # SQLite's lower() folds ASCII only: compare the other names in Python
            q = sa.select(Contact.id, Contact.first_name, Contact.last_name).order_by(Contact.id)
            self._add_names(session.execute(q))

    def _add_names(self, rows) -> None:
        for cid, first, last in rows:
            self.by_name.setdefault(_fold(f"{first} {last}"), int(cid))

    def resolve(self, name: str, email: str | None, company: int | str | None) -> int | str | None:
        if email:
            if email in self.by_email:
                return self.by_email[email]
            key = "e:" + email
        elif name:
            if _fold(name) in self.by_name:
                return self.by_name[_fold(name)]
            key = "n:" + _fold(name)
        else:
            return None
        first, last = split_name(name) if name else ("", "")
        entry = self.new.setdefault(
            key, {"first_name": first[:100], "last_name": last[:100], "email": email}
        )
        if entry.get("company") is None and company is not None:
            entry["company"] = company
        return "new:" + key


def _local_day(moment: datetime | None, zone: tzinfo) -> date | None:
    """The calendar day a moment read from the file falls on where the installation is."""
    return moment.astimezone(zone).date() if moment is not None else None


class _Planner:
    def __init__(self, session: Session, pipeline: Pipeline, zone: tzinfo):
        self.session = session
        self.default = pipeline
        self.zone = zone
        self.stages = Stages(session)
        self.base = money.base_currency(session)
        self.rates: dict[str, float | None] = {}
        self.now = utcnow()

    def rate(self, code: str) -> float | None:
        if code not in self.rates:
            self.rates[code] = deal_moves.rate_to_base(self.session, code)
        return self.rates[code]

    def pipeline_of(self, item: Item, deal: Deal | None) -> Pipeline | list[Rejection]:
        name = item.values.get("pipeline")
        if not name:
            if deal is not None:
                return self.stages.pipelines[deal.pipeline_id]
            return self.default
        pipeline = self.stages.pipeline(name)
        if pipeline is None:
            return _reject(item.rows, "pipeline", NO_PIPELINE, pipeline=name)
        if pipeline.archived and (deal is None or deal.pipeline_id != pipeline.id):
            return _reject(item.rows, "pipeline", PIPELINE_ARCHIVED, pipeline=pipeline.name)
        return pipeline

    def stage_of(
        self, item: Item, pipeline: Pipeline, deal: Deal | None
    ) -> Stage | None | list[Rejection]:
        """The stage the deal ends in (None: a stored deal stays where it is)."""
        v = item.values
        status = status_of(v["status"]) if v.get("status") else None
        if v.get("status") and status is None:
            return _reject(item.rows, "status", BAD_STATUS)
        current = self.stages.by_id.get(deal.stage_id) if deal is not None else None
        same_pipeline = current is not None and current.pipeline_id == pipeline.id
        stage = None
        if status in (WON, LOST):
            stage = self.stages.terminal(pipeline, status)
            if (
                same_pipeline
                and current is not None
                and (current.is_won if status == WON else current.is_lost)
            ):
                stage = current  # already won (lost) here: it stays in its own won stage
        elif v.get("stage"):
            stage, archived = self.stages.named(pipeline, v["stage"])
            if stage is None:
                message = STAGE_ARCHIVED if archived else NO_STAGE
                return _reject(
                    item.rows, "stage", message, stage=v["stage"], pipeline=pipeline.name
                )
        elif status == OPEN and current is not None and (current.is_won or current.is_lost):
            stage = self.stages.first_open(pipeline)
        elif current is not None and not same_pipeline:
            kind = WON if current.is_won else LOST if current.is_lost else OPEN
            stage = self.stages.terminal(pipeline, kind)
        elif deal is None:
            stage = self.stages.first_open(pipeline)
        if stage is None and (deal is None or not same_pipeline):
            return _reject(item.rows, "stage", NO_OPEN_STAGE, pipeline=pipeline.name)
        return stage

    def currency_of(self, item: Item, deal: Deal | None) -> str | list[Rejection]:
        raw = item.values.get("currency")
        if not raw:
            return deal.currency if deal is not None else self.base
        code = currency_code(raw)
        if code is None:
            return _reject(item.rows, "currency", BAD_CURRENCY)
        if self.rate(code) is None:
            return _reject(item.rows, "currency", NO_RATE)
        return code

    def close_moment(self, item: Item) -> datetime | None:
        """The moment the row says the deal closed (None: the row does not say)."""
        v = item.values
        return v.get("closed_at") or v.get("expected_close")

    def columns(self, item: Item) -> dict[str, Any]:
        """The row's non-blank plain columns (stage, links and closing aside)."""
        v = item.values
        out: dict[str, Any] = {}
        for key in ("title", "value", "source", "external_id", "created_at"):
            if v.get(key) not in (None, ""):
                out[key] = v[key]
        if v.get("expected_close") is not None:
            out["expected_close"] = _local_day(v["expected_close"], self.zone)
        if v.get("owner") is not None:
            out["owner_id"] = v["owner"]
        return out


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
    items = _merge(rows)
    out.merged = len(rows) - len(items)
    stored = _Stored(session, items)
    planner = _Planner(session, pipeline, zone)
    ready: list[tuple[Item, Deal | None, Pipeline, Stage | None, str, tuple[str, str | None]]]
    ready = []
    contact_cells: list[tuple[str, str | None]] = []
    for item in items:
        named = planner.stages.pipeline(item.values.get("pipeline") or "")
        deal = stored.match(item, (named or pipeline).id)
        got_pipeline = planner.pipeline_of(item, deal)
        if isinstance(got_pipeline, list):
            out.rejected += got_pipeline
            continue
        stage = planner.stage_of(item, got_pipeline, deal)
        if isinstance(stage, list):
            out.rejected += stage
            continue
        currency = planner.currency_of(item, deal)
        if isinstance(currency, list):
            out.rejected += currency
            continue
        if deal is None and not item.values.get("title"):
            out.rejected += _reject(item.rows, "title", NEED_TITLE)
            continue
        person = _contact_of(item)
        if person is None:
            out.rejected += _reject(item.rows, "contact", BAD_CONTACT_EMAIL)
            continue
        contact_cells.append(person)
        ready.append((item, deal, got_pipeline, stage, currency, person))
    named_companies = [(i.values["company"], None) for i, *_ in ready if i.values.get("company")]
    links = CompanyLinks(session, named_companies)
    contacts = _Contacts(session, contact_cells)
    for item, deal, target, stage, currency, (name, email) in ready:
        company = (
            links.resolve(item.values["company"], None) if item.values.get("company") else None
        )
        contact = contacts.resolve(name, email, company)
        if deal is None:
            decision = _create(planner, item, target, stage, currency, company, contact)
        else:
            decision = _update(planner, item, deal, stage, currency, company, contact)
        out.decisions.append(decision)
    used = {d.contact for d in out.decisions if isinstance(d.contact, str)}
    out.new_contacts = {k: v for k, v in contacts.new.items() if "new:" + k in used}
    companies = {d.company for d in out.decisions if isinstance(d.company, str)}
    for entry in out.new_contacts.values():
        if isinstance(entry.get("company"), str):
            companies.add(entry["company"])
    out.new_companies = {c for c in companies if c.startswith("new:")}
    out.links = links
    out.rejected.sort(key=lambda r: r.row)
    return out


def _contact_of(item: Item) -> tuple[str, str | None] | None:
    """(name, e-mail) of the row's contact; None when its cell holds a broken address."""
    name, email = contact_parts(item.values.get("contact"))
    if item.values.get("contact_email"):
        return name, item.values["contact_email"][0]
    if email is not None:
        email, problem = check_email(email)
        if problem:
            return None
    return name, email


def _create(
    planner: _Planner,
    item: Item,
    pipeline: Pipeline,
    stage: Stage | None,
    currency: str,
    company: int | str | None,
    contact: int | str | None,
) -> DealDecision:
    assert stage is not None
    columns = planner.columns(item)
    columns.setdefault("value", 0.0)
    closes = stage.is_won or stage.is_lost
    closed = (planner.close_moment(item) or planner.now) if closes else planner.now
    reason, note = lost_reason(item.values.get("lost_reason")) if stage.is_lost else (None, None)
    closing = deal_moves.closing_changes(
        planner.session,
        SimpleNamespace(currency=currency),  # type: ignore[arg-type]
        None,
        stage,
        lost_reason=reason or "other",
        lost_note=note,
        at=closed,
    )
    if stage.is_lost:
        closing.update(lost_reason=reason, lost_note=note)
    created = columns.pop("created_at", None) or (closed if closes else planner.now)
    columns.update(
        closing,
        currency=currency,
        pipeline_id=pipeline.id,
        stage_id=stage.id,
        created_at=created,
        updated_at=planner.now,
        stage_entered_at=closed if closes else created,
    )
    return DealDecision(CREATE, item, columns=columns, company=company, contact=contact,
                        stage=stage)  # fmt: skip


def _update(
    planner: _Planner,
    item: Item,
    deal: Deal,
    stage: Stage | None,
    currency: str,
    company: int | str | None,
    contact: int | str | None,
) -> DealDecision:
    columns = planner.columns(item)
    columns.pop("external_id", None)  # matched by it (or by row key: then it has none)
    columns["currency"] = currency
    if company is not None:
        columns["company_id"] = company
    if contact is not None:
        columns["contact_id"] = contact
    current = planner.stages.by_id[deal.stage_id]
    target = stage or current
    moved = target.id != current.id
    closes = target.is_won or target.is_lost
    moment = planner.close_moment(item)
    reason, note = lost_reason(item.values.get("lost_reason"))
    if target.is_lost and not moved and reason is not None:
        columns.update(lost_reason=reason, lost_note=note)
    if closes and not moved and moment is not None:
        columns["closed_at"] = moment
    if deal.closed_at is not None and not moved and currency != deal.currency:
        columns["exchange_rate"] = planner.rate(currency)  # as deals.update_deal does
    changes = {k: v for k, v in columns.items() if _differs(getattr(deal, k), v)}
    decision = DealDecision(UPDATE, item, deal=deal, record_id=deal.id, changes=changes,
                            company=company, contact=contact, stage=target)  # fmt: skip
    if moved:
        decision.move_at = (moment or planner.now) if closes else planner.now
        decision.lost = (reason, note) if target.is_lost else None
    elif not changes:
        decision.action = UNCHANGED
    return decision


def _differs(stored: Any, new: Any) -> bool:
    if isinstance(new, str) and new.startswith("new:"):
        return True
    if isinstance(stored, float) or isinstance(new, float):
        return stored is None or new is None or round(float(stored), 2) != round(float(new), 2)
    if isinstance(stored, datetime) and isinstance(new, datetime):
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        return stored != new
    return stored != new


# -- the writes ---------------------------------------------------------------------------------
def apply(session: Session, out: DealPlan, *, actor_id: int | None) -> list[Change]:
    """Write the plan: new companies and contacts, new deals with their history and orders,
    then the updates; the changes a batch keeps for undo."""
    links: CompanyLinks = out.links
    company_ids = links.create(session, out.new_companies, actor_id=actor_id)
    changes = [Change("company", cid, "created") for cid in company_ids.values()]

    def company_id(link: int | str | None) -> int | None:
        return company_ids.get(link, None) if isinstance(link, str) else link

    contact_ids = _create_contacts(session, out.new_contacts, company_id, actor_id=actor_id)
    changes += [Change("contact", cid, "created") for cid in contact_ids.values()]

    def contact_id(link: int | str | None) -> int | None:
        return contact_ids.get(link) if isinstance(link, str) else link

    creating = [d for d in out.decisions if d.action == CREATE]
    for d in creating:
        d.columns.update(company_id=company_id(d.company), contact_id=contact_id(d.contact))
    ids = _insert_deals(session, creating, actor_id=actor_id)
    changes += [
        Change(ENTITY, did, "created", row_key=d.item.key)
        for d, did in zip(creating, ids, strict=True)
    ]
    for d in out.decisions:
        if d.action != UPDATE:
            continue
        if isinstance(d.changes.get("company_id"), str):
            d.changes["company_id"] = company_id(d.changes["company_id"])
        if isinstance(d.changes.get("contact_id"), str):
            d.changes["contact_id"] = contact_id(d.changes["contact_id"])
        _write_update(session, d, actor_id=actor_id)
        changes.append(Change(ENTITY, int(d.record_id or 0), "updated", d.item.key, d.before))
    return changes


def _create_contacts(
    session: Session, new: dict[str, dict[str, Any]], company_id, *, actor_id: int | None
) -> dict[str, int]:
    keys = list(new)
    rows = [
        {
            "first_name": new[k]["first_name"],
            "last_name": new[k]["last_name"],
            "company_id": company_id(new[k].get("company")),
        }
        for k in keys
    ]
    ids = insert_rows(session, Contact, rows, actor_id=actor_id, note=NOTE)
    emails = [
        {"contact_id": cid, "email": new[k]["email"], "label": "work", "is_primary": True}
        for k, cid in zip(keys, ids, strict=True)
        if new[k].get("email")
    ]
    for part in chunks(emails, 5000):
        writes.bulk_insert(session, ContactEmail, part, actor_id=actor_id, note=NOTE)
    return {"new:" + k: cid for k, cid in zip(keys, ids, strict=True)}


def _insert_deals(
    session: Session, creating: list[DealDecision], *, actor_id: int | None
) -> list[int]:
    """New deals on top of their columns (the file's first row first), each with its first
    history entry, and the won ones with their order."""
    by_stage: dict[int, list[DealDecision]] = defaultdict(list)
    for d in creating:
        by_stage[d.columns["stage_id"]].append(d)
    for stage_id, group in by_stage.items():
        top = deal_moves.top_position(session, stage_id) - deal_moves.GAP * (len(group) - 1)
        for i, d in enumerate(group):
            d.columns["position"] = top + i * deal_moves.GAP
    ids = insert_rows(session, Deal, [d.columns for d in creating], actor_id=actor_id, note=NOTE)
    history = []
    for d, did in zip(creating, ids, strict=True):
        d.record_id = did
        history.append({"deal_id": did, "from_stage_id": None, "to_stage_id": d.columns["stage_id"],
                        "changed_at": d.columns["stage_entered_at"], "changed_by_id": actor_id})  # fmt: skip
    for part in chunks(history, 5000):
        writes.bulk_insert(session, DealStageChange, part, actor_id=actor_id, note=NOTE)
    _insert_orders(session, [d for d in creating if d.stage and d.stage.is_won], actor_id)
    return ids


def _insert_orders(session: Session, won: list[DealDecision], actor_id: int | None) -> None:
    """Each new won deal's order, as ``deal_orders.sync_order`` makes it (one line for the
    deal's value, numbered on from the year's last order), in a few statements."""
    if not won:
        return
    won = sorted(won, key=lambda d: (d.columns["closed_at"], d.record_id))
    numbers: Counter[int] = Counter()
    rows = []
    for d in won:
        c = d.columns
        year = deal_orders.order_year(session, c["closed_at"])
        if year not in numbers:
            numbers[year] = deal_orders.last_order_number(session, year)
        numbers[year] += 1
        rows.append({"number": deal_orders.order_number(year, numbers[year]),
                     "contact_id": c["contact_id"], "company_id": c["company_id"],
                     "deal_id": d.record_id, "ordered_at": c["closed_at"],
                     "status": deal_orders.NEW_STATUS, "total": round(float(c["value"]), 2),
                     "currency": c["currency"]})  # fmt: skip
    order_ids = insert_rows(session, Order, rows, actor_id=actor_id, note=NOTE)
    lines = []
    for d, oid in zip(won, order_ids, strict=True):
        product, text, qty, price, discount = deal_orders.line_tuple(
            None, d.columns["title"][:200], 1, d.columns["value"], 0
        )
        lines.append({"order_id": oid, "product_id": product, "description": text,
                      "quantity": qty, "unit_price": price, "discount_pct": discount})  # fmt: skip
    for part in chunks(lines, 5000):
        writes.bulk_insert(session, OrderLine, part, actor_id=actor_id, note=NOTE)


def order_state(session: Session, deal_id: int) -> dict[str, Any] | None:
    """A deal's order as undo restores it (None: the deal has no order)."""
    order = deal_orders.order_of(session, deal_id)
    if order is None:
        return None
    lines = session.execute(
        sa.select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
    ).scalars()
    keys = ("status", "ordered_at", "total", "currency", "contact_id", "company_id")
    return {
        "id": order.id,
        "fields": {k: jsonable(getattr(order, k)) for k in keys},
        "lines": [
            list(
                deal_orders.line_tuple(
                    r.product_id, r.description, r.quantity, r.unit_price, r.discount_pct
                )
            )
            for r in lines
        ],  # fmt: skip
    }


def _write_update(session: Session, d: DealDecision, *, actor_id: int | None) -> None:
    deal = d.deal
    assert deal is not None and deal.id is not None and d.stage is not None
    old = session.get(Stage, deal.stage_id)
    d.before = {"fields": {k: jsonable(getattr(deal, k)) for k in SNAPSHOT}, "added": {}}
    moved = d.move_at is not None
    # the order copies the deal's title, value, currency, contact and company
    resync = not moved and d.stage.is_won and bool(_ORDER_COLUMNS & set(d.changes))
    if resync or (moved and (d.stage.is_won or (old is not None and old.is_won))):
        d.before["order"] = order_state(session, deal.id)
    writes.update(session, deal, d.changes, actor_id=actor_id)
    if moved:
        reason, note = d.lost or (None, None)
        deal_moves.move_deal(
            session,
            deal.id,
            d.stage.id or 0,
            actor_id=actor_id,
            lost_reason=reason or "other",
            lost_note=note,
            at=d.move_at,
        )
        if d.stage.is_lost:
            writes.update(session, deal, {"lost_reason": reason, "lost_note": note},
                          actor_id=actor_id)  # fmt: skip
        last = session.execute(
            sa.select(sa.func.max(DealStageChange.id)).where(DealStageChange.deal_id == deal.id)
        ).scalar()
        d.before["added"]["history"] = [int(last)] if last is not None else []
    elif resync:
        deal_orders.sync_order(session, deal, actor_id=actor_id, at=deal.closed_at or utcnow())
