"""The pipeline board: columns with totals, cards paged per column, drag-and-drop moves,
the move-to-stage dialog, the lost-reason dialog and quick-add.

Moves take ids from the browser and re-read the deal: the caller must be allowed to edit it
(``can_edit_deal``) and the target must be a column of the board on screen. After a move only
the two columns it touched are re-read (plus every column's totals, one query).
"""

from __future__ import annotations

import dataclasses
import time
from datetime import date, timedelta

import reflex as rx

from crm_app.db import session_scope
from crm_app.models import utcnow
from crm_app.services import deal_board, deals, formatting, i18n, pipelines, users
from crm_app.services.auth import CurrentUser
from crm_app.services.deal_board import BoardFilters
from crm_app.services.deals import DealInput
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import Perm, can, can_edit_deal

from .base import AppState
from .guard import caller, guarded
from .record_list import ALL, PREFETCH_FRESH_S

PAGE = deal_board.DEFAULT_LIMIT  # cards per "Show more"
MAX_SHOWN = 1000  # per column; past this, filters are the better tool
CLOSED_DAYS = ("7", "30", "90", "365", "all")
DEFAULT_CLOSED_DAYS = "30"
FILTER_NAMES = frozenset({"owner", "close_from", "close_to", "closed_days"})
DAYS = NP_("{n} day", "{n} days")
OPEN_DEALS = NP_("{n} open deal", "{n} open deals")
CANNOT_EDIT = N_("Your role does not allow changing this deal.")
GONE = N_("That deal no longer exists.")


@dataclasses.dataclass
class CardView:
    id: str
    title: str
    company: str
    value: str
    owner: str
    initials: str
    days: str
    task: str
    task_when: str
    task_exact: str
    overdue: bool
    editable: bool


@dataclasses.dataclass
class ColumnView:
    stage_id: str
    name: str
    kind: str  # "open", "won" or "lost"
    probability: str
    count: int
    count_label: str
    total: str
    weighted: str
    more_label: str
    has_more: bool
    cards: list[CardView] = dataclasses.field(default_factory=list)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _initials(name: str) -> str:
    return "".join(p[0] for p in name.split()[:2]).upper()


def card_view(card: deal_board.Card, me: CurrentUser, now) -> CardView:
    loc = me.locale
    due = card.next_task_due
    return CardView(
        id=str(card.id),
        title=card.title,
        company=card.company_name,
        value=formatting.money(card.value, card.currency, loc),
        owner=card.owner_name,
        initials=_initials(card.owner_name),
        days=i18n.ngettext(*DAYS, card.days_in_stage, loc),
        task=card.next_task_title,
        task_when=formatting.ago(due, loc, now) if due else "",
        task_exact=formatting.when(due, me.time_zone, loc) if due else "",
        overdue=due is not None and due < now,
        editable=can_edit_deal(me.role, me.id, card.owner_id),
    )


class PipelineState(AppState):
    loaded: bool = False
    pipelines: list[list[str]] = []
    pipeline_id: str = ""
    columns: list[ColumnView] = []
    owners: list[list[str]] = []
    filters: dict[str, str] = {"closed_days": DEFAULT_CLOSED_DAYS}
    summary: str = ""
    can_write: bool = False
    # Bumped by every load: the board's data-stamp tells tests and benchmarks which reply the
    # page shows (an unchanged board sends no columns, so its cards are not rendered again).
    stamp: int = 0
    # the move-to-stage dialog
    move_open: bool = False
    move_deal_id: str = ""
    move_title: str = ""
    move_stage_id: str = ""
    # the lost-reason dialog (a move waiting for its reason)
    lost_open: bool = False
    lost_title: str = ""
    lost_stage_name: str = ""
    lost_error: str = ""
    lost_reasons: list[list[str]] = []
    # quick-add: the column whose small form is open
    quick_stage_id: str = ""
    quick_errors: dict[str, str] = {}

    _shown: dict[str, int] = {}  # stage id → cards loaded in that column
    _pending: dict[str, int] = {}  # the move behind the lost dialog: deal, stage, index
    # When the sidebar click loaded the board (monotonic seconds): the page's own on-load that
    # follows within PREFETCH_FRESH_S does not load it a second time.
    _prefetched_at: float = 0.0

    # -- loading ------------------------------------------------------------------------------
    def _filters(self) -> BoardFilters:
        f = self.filters
        days = f.get("closed_days", DEFAULT_CLOSED_DAYS)
        since = utcnow() - timedelta(days=int(days)) if days.isdigit() else None
        owner = f.get("owner", "")
        return BoardFilters(
            owner_id=int(owner) if owner.isdigit() else None,
            close_from=_day(f.get("close_from", "")),
            close_to=_day(f.get("close_to", "")),
            closed_since=since,
        )

    def _reload(self, touched: set[str] | None = None) -> None:
        """Totals of every column; cards of the ``touched`` columns (None: all of them)."""
        me = caller()
        loc = me.locale
        pid = int(self.pipeline_id) if self.pipeline_id.isdigit() else 0
        flt, now = self._filters(), utcnow()
        old = {c.stage_id: c for c in self.columns}
        columns, open_count, weighted = [], 0, 0.0
        with session_scope() as session:
            base, _ = deal_board.rates(session)
            totals = deal_board.column_totals(session, pid, flt)
            for stage in pipelines.active_stages(session, pid):
                sid = str(stage.id)
                count, total = totals.get(stage.id or 0, (0, 0.0))
                shown = min(self._shown.get(sid, PAGE), count)
                if touched is None or sid in touched or sid not in old:
                    cards = []
                    while len(cards) < shown:
                        page = deal_board.column_cards(
                            session,
                            stage.id or 0,
                            filters=flt,
                            offset=len(cards),
                            limit=min(deal_board.MAX_LIMIT, shown - len(cards)),
                            now=now,
                        )
                        cards += [card_view(c, me, now) for c in page]
                        if not page:
                            break
                else:
                    cards = old[sid].cards
                kind = "won" if stage.is_won else "lost" if stage.is_lost else "open"
                if kind == "open":
                    open_count += count
                    weighted += total * stage.probability / 100
                columns.append(
                    ColumnView(
                        stage_id=sid,
                        name=stage.name,
                        kind=kind,
                        probability=f"{formatting.number(stage.probability, loc)}%",
                        count=count,
                        count_label=formatting.number(count, loc),
                        total=formatting.money(total, base, loc, compact=True),
                        weighted=i18n.format_message(
                            N_("{amount} weighted"),
                            loc,
                            amount=formatting.money(
                                total * stage.probability / 100, base, loc, compact=True
                            ),
                        ),
                        more_label=i18n.format_message(
                            N_("{shown} of {total}"),
                            loc,
                            shown=formatting.number(len(cards), loc),
                            total=formatting.number(count, loc),
                        ),
                        has_more=len(cards) < count and len(cards) < MAX_SHOWN,
                        cards=cards,
                    )
                )
        self._update(columns=columns)  # unchanged (a revisit): nothing to send or render
        summary = i18n.ngettext(*OPEN_DEALS, open_count, loc)
        weighted_label = formatting.money(weighted, base, loc, compact=True)
        self._update(
            summary=i18n.format_message(
                N_("{deals} · {weighted} weighted"), loc, deals=summary, weighted=weighted_label
            ),
            loaded=True,
        )
        self.stamp += 1

    def _update(self, **values) -> None:
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _load_options(self) -> None:
        me = caller()
        with session_scope() as session:
            rows = pipelines.list_pipelines(session)
            owners = [[str(u.id), u.name] for u in users.list_users(session) if u.active]
            default = pipelines.default_pipeline(session)
        self._update(
            pipelines=[[str(p.id), p.name] for p in rows],
            owners=owners,
            can_write=can(me.role, Perm.DEALS_WRITE_OWN),
            lost_reasons=[
                [code, i18n.gettext(label, me.locale)]
                for code, label in deals.lost_reason_choices()
            ],
        )
        if self.pipeline_id not in {p[0] for p in self.pipelines}:
            self.pipeline_id = str(default.id) if default else ""
            self._shown = {}

    @guarded()
    def prefetch(self):
        """The sidebar link's click: the server loads the board while the browser is still
        mounting the page, instead of after it (the filter choices follow in ``load``)."""
        if not self.pipelines:
            self._load_options()
        self._reload()
        self._prefetched_at = time.monotonic()

    @guarded()
    def load(self):
        """The page's on-load: the board; ``?pipeline=<id>`` shows that pipeline (e.g. after
        the Maven import) and ``?deal=<id>`` (global search) opens that deal."""
        fresh = time.monotonic() - self._prefetched_at < PREFETCH_FRESH_S
        self._prefetched_at = 0.0
        pipeline = self.pipeline_id
        self._load_options()
        query = self.router.url.query_parameters
        wanted = str(query.get("pipeline", ""))
        if wanted != self.pipeline_id and wanted in {p[0] for p in self.pipelines}:
            self.pipeline_id, self._shown, self.quick_stage_id = wanted, {}, ""
            self.columns = []
        if not fresh or self.pipeline_id != pipeline:
            self._reload()
        deal = str(query.get("deal", ""))
        if deal.isdigit():
            from .deal_form import DealFormState

            return DealFormState.open_edit(deal)
        return None

    @guarded()
    def refresh(self):
        self._reload()

    @guarded()
    def set_pipeline(self, pipeline_id: str):
        pipeline_id = str(pipeline_id)
        if pipeline_id in {p[0] for p in self.pipelines} and pipeline_id != self.pipeline_id:
            self.pipeline_id, self._shown, self.quick_stage_id = pipeline_id, {}, ""
            self.columns = []
            self._reload()

    @guarded()
    def set_filter(self, name: str, value: str):
        name, value = str(name), str(value or "")[:40]
        if name not in FILTER_NAMES:
            return
        if name == "closed_days" and value not in CLOSED_DAYS:
            value = DEFAULT_CLOSED_DAYS
        if name == "owner" and value == ALL:
            value = ""
        self.filters = {**self.filters, name: value}
        self._shown = {}
        self._reload()

    @guarded()
    def reset_filters(self):
        self.filters, self._shown = {"closed_days": DEFAULT_CLOSED_DAYS}, {}
        self._reload()

    @guarded()
    def show_more(self, stage_id: str):
        stage_id = str(stage_id)
        column = next((c for c in self.columns if c.stage_id == stage_id), None)
        if column is None:
            return
        self._shown = {**self._shown, stage_id: min(len(column.cards) + PAGE, MAX_SHOWN)}
        self._reload({stage_id})

    # -- moves --------------------------------------------------------------------------------
    def _index(self, stage_id: str, deal_id: str, over: str | None, after: bool) -> int | None:
        """Where a card dropped on ``over`` (a card id) lands, counted without the moved card;
        dropped on the column itself: at the bottom when the whole column is loaded, else on
        top (so it stays in sight). None when it was dropped on itself."""
        column = self._column(stage_id)
        if column is None or over == deal_id:
            return None
        rest = [c.id for c in column.cards if c.id != deal_id]
        if over in rest:
            return rest.index(over) + (1 if after else 0)
        return 0 if column.has_more else len(rest)

    def _move(self, deal_id: int, stage_id: int, index: int | None, reason="", note=""):
        """Apply one move; returns a toast for a refusal, None when it was done."""
        me = caller()
        try:
            with session_scope() as session:
                deal = deals.get_deal(session, deal_id)
                if not can_edit_deal(me.role, me.id, deal.owner_id):
                    return rx.toast.error(self._t(CANNOT_EDIT))
                from_id = str(deal.stage_id)
                deals.move_deal(
                    session,
                    deal_id,
                    stage_id,
                    actor_id=me.id,
                    position=index,
                    lost_reason=reason or None,
                    lost_note=note or None,
                )
        except NotFound:
            self._reload()
            return rx.toast.error(self._t(GONE))
        target = str(stage_id)
        if index is not None and index >= self._shown.get(target, PAGE):
            self._shown = {**self._shown, target: min(index + 1, MAX_SHOWN)}  # keep it in sight
        self._reload({from_id, target})
        return None

    def _column(self, stage_id: str) -> ColumnView | None:
        return next((c for c in self.columns if c.stage_id == stage_id), None)

    def _request_move(self, deal_id: str, stage_id: str, index: int | None):
        """A move asked for by a drop or the move dialog: lost stages ask for the reason."""
        column = self._column(stage_id)
        if column is None or not deal_id.isdigit():
            return None
        if column.kind == "lost":
            with session_scope() as session:
                try:
                    deal = deals.get_deal(session, int(deal_id))
                except NotFound:
                    return rx.toast.error(self._t(GONE))
                if deal.stage_id == int(stage_id):
                    return None
                if not can_edit_deal(caller().role, caller().id, deal.owner_id):
                    return rx.toast.error(self._t(CANNOT_EDIT))
                title = deal.title
            self._pending = {"deal": int(deal_id), "stage": int(stage_id), "index": index or 0}
            self.lost_title, self.lost_stage_name = title, column.name
            self.lost_error, self.lost_open = "", True
            return None
        return self._move(int(deal_id), int(stage_id), index)

    @guarded(Perm.DEALS_WRITE_OWN)
    def drop(self, payload: dict):
        """The board's one drop handler (the page's monitor): card → column or card."""
        payload = payload if isinstance(payload, dict) else {}
        source = payload.get("source") or {}
        targets = [t for t in (payload.get("dropTargets") or []) if isinstance(t, dict)]
        deal_id = str(source.get("dealId", ""))
        card = next((t for t in targets if t.get("kind") == "card"), None)
        column = next((t for t in targets if t.get("kind") == "column"), None)
        if column is None or not deal_id.isdigit():
            return None  # dropped outside the board
        stage_id = str(column.get("stageId", ""))
        over = str(card.get("dealId", "")) if card else None
        index = self._index(
            stage_id, deal_id, over, card is not None and card.get("closestEdge") == "bottom"
        )
        if index is None:
            return None
        return self._request_move(deal_id, stage_id, index)

    @guarded(Perm.DEALS_WRITE_OWN)
    def open_move(self, deal_id: str):
        deal_id = str(deal_id)
        for column in self.columns:
            for card in column.cards:
                if card.id == deal_id:
                    self.move_deal_id, self.move_title = deal_id, card.title
                    self.move_stage_id, self.move_open = column.stage_id, True
                    return

    @guarded()
    def set_move_open(self, value: bool):
        self.move_open = bool(value)

    @guarded(Perm.DEALS_WRITE_OWN)
    def move_to(self, stage_id: str):
        """The move-to-stage dialog's choice: the deal goes on top of that column."""
        self.move_open = False
        stage_id = str(stage_id)
        if stage_id == self.move_stage_id:
            return None
        return self._request_move(self.move_deal_id, stage_id, 0)

    @guarded(Perm.DEALS_WRITE_OWN)
    def confirm_lost(self, form: dict):
        pending = self._pending
        if not pending:
            self.lost_open = False
            return None
        reason = str(form.get("lost_reason", ""))[:60]
        note = str(form.get("lost_note", ""))[:1000]
        try:
            refusal = self._move(pending["deal"], pending["stage"], pending["index"], reason, note)
        except ValidationError as exc:
            self.lost_error = self._t(next(iter(exc.errors.values()), ""))
            return None
        self._pending, self.lost_open = {}, False
        if refusal is not None:
            return refusal
        return rx.toast.success(
            i18n.format_message(
                N_("“{title}” moved to {stage}."),
                self.locale,
                title=self.lost_title,
                stage=self.lost_stage_name,
            )
        )

    @guarded()
    def set_lost_open(self, value: bool):
        """Closing the dialog (Cancel, Esc) drops the pending move: the deal stays put."""
        self.lost_open = bool(value)
        if not self.lost_open:
            self._pending, self.lost_error = {}, ""

    # -- quick-add ----------------------------------------------------------------------------
    @guarded(Perm.DEALS_WRITE_OWN)
    def open_quick_add(self, stage_id: str):
        stage_id = str(stage_id)
        self.quick_stage_id = "" if self.quick_stage_id == stage_id else stage_id
        self.quick_errors = {}

    @guarded()
    def close_quick_add(self):
        self.quick_stage_id, self.quick_errors = "", {}

    @guarded(Perm.DEALS_WRITE_OWN)
    def quick_add(self, form: dict):
        me = caller()
        stage_id = self.quick_stage_id
        column = self._column(stage_id)
        if column is None or column.kind == "lost":
            return None
        data = DealInput(
            title=str(form.get("title", ""))[:300],
            value=str(form.get("value", ""))[:40],
            pipeline_id=int(self.pipeline_id),
            stage_id=int(stage_id),
            owner_id=me.id,
        )
        try:
            with session_scope() as session:
                deal = deals.create_deal(session, data, actor_id=me.id)
                title = deal.title
        except ValidationError as exc:
            self.quick_errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        self.quick_errors, self.quick_stage_id = {}, ""
        self._reload({stage_id})
        return rx.toast.success(
            i18n.format_message(N_("{name} was added."), self.locale, name=title)
        )
