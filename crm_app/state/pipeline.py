"""The pipeline board: columns with totals, cards paged per column, filters and quick-add;
card moves and their dialogs come from ``PipelineMovesMixin`` (pipeline_moves.py), the view
rows and limits from pipeline_views.py.

After a move only the two columns it touched are re-read (plus every column's totals, one
query).
"""

from __future__ import annotations

import time
from datetime import timedelta

import reflex as rx

from crm_app.db import session_scope
from crm_app.models import utcnow
from crm_app.services import deal_board, deals, formatting, i18n, pipelines, users
from crm_app.services.deal_board import BoardFilters
from crm_app.services.deals import DealInput
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded
from .pipeline_moves import PipelineMovesMixin
from .pipeline_views import (
    CLOSED_DAYS,
    DEFAULT_CLOSED_DAYS,
    FILTER_NAMES,
    MAX_SHOWN,
    OPEN_DEALS,
    PAGE,
    ColumnView,
    _day,
    card_view,
)
from .record_list import ALL, PREFETCH_FRESH_S


class PipelineState(PipelineMovesMixin, AppState):
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
    # quick-add: the column whose small form is open
    quick_stage_id: str = ""
    quick_errors: dict[str, str] = {}

    _shown: dict[str, int] = {}  # stage id → cards loaded in that column
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
