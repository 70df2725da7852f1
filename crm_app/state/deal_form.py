"""The one deal form, for add and edit: errors beside each field, typed values kept, line
items whose sum becomes the value, and (on edit) the deal's stage history. The contact and
company search fields come from ``DealFormSearchMixin`` (deal_form_search.py)."""

from __future__ import annotations

import reflex as rx
from babel.dates import format_timedelta
from babel.numbers import get_currency_name

from crm_app.db import session_scope
from crm_app.services import (
    contacts,
    deal_board,
    deal_lines,
    deals,
    formatting,
    i18n,
    pipelines,
    users,
)
from crm_app.services.deal_lines import number
from crm_app.services.deals import DealInput, LineInput
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can, can_edit_deal

from .base import AppState
from .company_search import CompanySearchMixin
from .deal_form_search import DealFormSearchMixin
from .guard import caller, guarded
from .record_tasks import DealTasksState

MAX_LINES = 30
NONE = "__none__"  # a select item cannot have an empty value
LINE_FIELDS = ("product_id", "description", "quantity", "unit_price", "discount_pct")
BLANK_LINE = ["", "", "1", "", "0"]
ARCHIVED = N_("{name} (archived)")


def duration(seconds: float, locale: str) -> str:
    """Time in a stage in business terms: "4 days", "3 hours", "20 minutes"."""
    text = format_timedelta(max(seconds, 60), threshold=1.5, locale=locale, format="short")
    return i18n.localize_digits(text, locale)


def _kind(stage) -> str:
    return "won" if stage.is_won else "lost" if stage.is_lost else "open"


def currency_name(code: str, locale: str) -> str:
    try:
        return get_currency_name(code, locale=locale)
    except (ValueError, LookupError):
        return code


class DealFormState(DealFormSearchMixin, CompanySearchMixin, AppState):
    open: bool = False
    deal_id: int = 0
    form_key: int = 0
    can_edit: bool = True
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    currency: str = ""
    currencies: list[list[str]] = []
    pipeline_id: str = ""
    stage_id: str = ""
    pipelines: list[list[str]] = []
    # pipeline id → [stage id, name, kind] (a fourth entry: archived, shown but not choosable)
    stages: dict[str, list[list[str]]] = {}
    lost_stages: list[str] = []
    owners: list[list[str]] = []
    lost_reasons: list[list[str]] = []
    products: list[list[str]] = []  # [id, name, list price label]
    lines: list[list[str]] = []
    lines_total: str = ""
    history: list[dict[str, str]] = []
    stage_times: list[list[str]] = []

    _prices: dict[str, list] = {}  # product id → [price, currency]
    _rates: dict[str, float] = {}

    @rx.var
    def stage_is_lost(self) -> bool:
        return self.stage_id in self.lost_stages

    def _prepare(self, session) -> None:
        me = caller()
        loc = me.locale
        base, rates = deal_board.rates(session)
        self._rates = rates
        self.currencies = [
            [c, currency_name(c, loc)] for c in [base, *sorted(c for c in rates if c != base)]
        ]
        rows = pipelines.list_pipelines(session)
        self.pipelines = [[str(p.id), p.name] for p in rows]
        self.stages = {str(p.id): [[str(s.id), s.name, _kind(s)] for s in p.stages] for p in rows}
        self.lost_stages = [s[0] for ss in self.stages.values() for s in ss if s[2] == "lost"]
        self.owners = [[str(u.id), u.name] for u in users.list_users(session) if u.active]
        products = deal_lines.active_products(session)
        self._prices = {str(i): [float(p), c] for i, _, p, c in products}
        self.products = [[str(i), name, formatting.money(p, c, loc)] for i, name, p, c in products]
        self.lost_reasons = [
            [code, i18n.gettext(label, loc)] for code, label in deals.lost_reason_choices()
        ]
        self.errors, self.contact_hits, self.company_hits = {}, [], []
        self.form_key += 1
        self.open = True

    def _keep_archived(self, session, pipeline_id: int | None, stage_id: int | None) -> None:
        """A deal in an archived pipeline or stage: that pipeline and stage are listed, marked
        archived and not choosable, so the form shows where the deal is and saving it without
        touching them keeps it there."""
        pid, sid = str(pipeline_id or ""), str(stage_id or "")
        if not pid or not sid:
            return
        loc = caller().locale
        if pid not in self.stages:
            pipeline = pipelines.get_pipeline(session, int(pid))
            name = i18n.format_message(ARCHIVED, loc, name=pipeline.name)
            self.pipelines = [*self.pipelines, [pid, name, "archived"]]
        elif any(s[0] == sid for s in self.stages[pid]):
            return
        shown = pipelines.active_stages(session, int(pid))
        stage = pipelines.get_stage(session, int(sid))
        if stage.archived:
            shown = sorted([*shown, stage], key=lambda s: (s.position, s.id or 0))
            if stage.is_lost:
                self.lost_stages = [*self.lost_stages, sid]
        self.stages = {
            **self.stages,
            pid: [
                [str(s.id), s.name, _kind(s)]
                if not s.archived
                else [str(s.id), i18n.format_message(ARCHIVED, loc, name=s.name), _kind(s), "1"]
                for s in shown
            ],
        }

    @guarded(Perm.DEALS_WRITE_OWN)
    def open_new(self, pipeline_id: str = "", stage_id: str = ""):
        me = caller()
        with session_scope() as session:
            self._prepare(session)
        pid = str(pipeline_id)
        self.pipeline_id = pid if pid in self.stages else next(iter(self.stages), "")
        open_stages = [s[0] for s in self.stages.get(self.pipeline_id, []) if s[2] == "open"]
        self.stage_id = (
            str(stage_id) if str(stage_id) in open_stages else next(iter(open_stages), "")
        )
        self.deal_id, self.can_edit = 0, True
        self.currency = self.currencies[0][0] if self.currencies else ""
        self.values = {"owner_id": str(me.id)}
        self.contact_id = self.contact_name = self.company_id = self.company_name = ""
        self.lines, self.history, self.stage_times = [], [], []
        self._total()

    @guarded()
    def open_edit(self, deal_id: str):
        me = caller()
        if not str(deal_id).isdigit():
            return None
        try:
            with session_scope() as session:
                deal = deals.get_deal(session, int(deal_id))
                form = deals.deal_form(session, int(deal_id))
                contact_name, company_name = contacts.display_names(
                    session, form.contact_id, form.company_id
                )
                history = deals.stage_history(session, int(deal_id))
                self._prepare(session)
                self._keep_archived(session, form.pipeline_id, form.stage_id)
                owner_id = deal.owner_id
        except NotFound:
            return rx.toast.error(self._t(N_("That deal no longer exists.")))
        loc = me.locale
        self.deal_id = int(deal_id)
        self.can_edit = can_edit_deal(me.role, me.id, owner_id)
        self.pipeline_id, self.stage_id = str(form.pipeline_id), str(form.stage_id)
        self.currency = form.currency
        self.values = {
            "title": form.title,
            "value": f"{float(form.value or 0):g}",
            "expected_close": form.expected_close.isoformat() if form.expected_close else "",
            "owner_id": str(form.owner_id or ""),
            "source": form.source,
            "lost_reason": form.lost_reason,
            "lost_note": form.lost_note,
        }
        self.contact_id = str(form.contact_id or "")
        self.contact_name = contact_name
        self.company_id = str(form.company_id or "")
        self.company_name = company_name
        self.lines = [
            [str(ln.product_id or ""), ln.description, f"{ln.quantity:g}"]
            + [f"{float(ln.unit_price or 0):g}", f"{float(ln.discount_pct or 0):g}"]
            for ln in form.lines
        ]
        self.history = [
            {
                "stage": v.stage_name,
                "move": i18n.format_message(N_("Moved from {stage}"), loc, stage=v.from_stage_name)
                if v.from_stage_name
                else i18n.gettext(N_("Created in this stage"), loc),
                "who": v.changed_by_name,
                "when": formatting.day(v.entered_at, me.time_zone, loc),
                "exact": formatting.when(v.entered_at, me.time_zone, loc),
                "time": i18n.format_message(
                    N_("{time} in this stage"), loc, time=duration(v.seconds, loc)
                ),
                "current": "1" if v.left_at is None else "",
            }
            for v in reversed(history.visits)
        ]
        self.stage_times = [[t.stage_name, duration(t.seconds, loc)] for t in history.time_in_stage]
        self._total()
        return DealTasksState.open_for(str(deal_id))

    @guarded()
    def open_from_route(self):
        """/deals/<id> opens that deal's form over the board."""
        deal = str(getattr(self, "record_id", "") or "")
        return DealFormState.open_edit(deal) if deal.isdigit() else None

    @guarded()
    def set_open(self, value: bool):
        self.open = bool(value)

    # -- controlled choices ---------------------------------------------------------------------
    @guarded(Perm.DEALS_WRITE_OWN)
    def set_pipeline(self, pipeline_id: str):
        pipeline_id = str(pipeline_id)
        if pipeline_id in self.stages and pipeline_id != self.pipeline_id:
            self.pipeline_id = pipeline_id
            first = [s[0] for s in self.stages[pipeline_id] if s[2] == "open"]
            self.stage_id = first[0] if first else ""

    @guarded(Perm.DEALS_WRITE_OWN)
    def set_stage(self, stage_id: str):
        if any(s[0] == str(stage_id) for s in self.stages.get(self.pipeline_id, [])):
            self.stage_id = str(stage_id)

    @guarded(Perm.DEALS_WRITE_OWN)
    def set_currency(self, currency: str):
        if any(c[0] == str(currency) for c in self.currencies):
            self.currency = str(currency)
            self._total()

    # -- line items ---------------------------------------------------------------------------
    def _total(self) -> None:
        total, any_line = 0.0, False
        for product, description, qty, price, discount in self.lines:
            if not (product or description.strip() or price.strip()):
                continue
            any_line = True
            if not price.strip() and product in self._prices:
                price = str(self._list_price(product))
            q, p, d = number(qty), number(price), number(discount or "0")
            if q is not None and p is not None and d is not None:
                total += float(q * p * (1 - d / 100))
        self.lines_total = (
            formatting.money(round(total, 2), self.currency or "EUR", self.locale)
            if any_line
            else ""
        )

    def _list_price(self, product_id: str) -> float:
        price, currency = self._prices[product_id]
        if currency == self.currency:
            return price
        have, want = self._rates.get(currency), self._rates.get(self.currency)
        return round(price * have / want, 2) if have and want else price

    @guarded(Perm.DEALS_WRITE_OWN)
    def set_line(self, index: int, field: int, value: str):
        index, field = int(index), int(field)
        if not 0 <= index < len(self.lines) or not 0 <= field < len(LINE_FIELDS):
            return
        rows = [list(r) for r in self.lines]
        value = str(value)[:200]
        if field == 0:
            value = "" if value == NONE else value
            if value and value not in self._prices:
                return
            if value:
                name = next((p[1] for p in self.products if p[0] == value), "")
                if not rows[index][1].strip() or rows[index][1] in {p[1] for p in self.products}:
                    rows[index][1] = name
                rows[index][3] = f"{self._list_price(value):g}"
        rows[index][field] = value
        self.lines = rows
        self._total()

    @guarded(Perm.DEALS_WRITE_OWN)
    def add_line(self):
        if len(self.lines) < MAX_LINES:
            self.lines = [*self.lines, list(BLANK_LINE)]

    @guarded(Perm.DEALS_WRITE_OWN)
    def remove_line(self, index: int):
        self.lines = [r for i, r in enumerate(self.lines) if i != int(index)]
        self.errors = {k: v for k, v in self.errors.items() if not k.startswith("lines.")}
        self._total()

    # -- submit -------------------------------------------------------------------------------
    def _input(self, form: dict) -> DealInput:
        def text(key: str, limit: int = 300) -> str:
            return str(form.get(key, "") or "")[:limit]

        def ident(raw: str) -> int | None:
            return int(raw) if str(raw).isdigit() else None

        reason = text("lost_reason", 60)
        return DealInput(
            title=text("title"),
            value=text("value", 40),
            currency=self.currency,
            expected_close=text("expected_close", 20) or None,
            pipeline_id=ident(self.pipeline_id),
            stage_id=ident(self.stage_id),
            contact_id=ident(self.contact_id) if self.contact_name else None,
            company_id=ident(self.company_id) if self.company_name else None,
            owner_id=ident(text("owner_id", 20)),
            source=text("source", 100),
            lines=[LineInput(ident(r[0]), r[1], r[2], r[3], r[4]) for r in self.lines],
            lost_reason="" if reason == NONE else reason,
            lost_note=text("lost_note", 1000),
        )

    def _owner_error(self, session, data: DealInput) -> str:
        """Sales may edit their own or unowned deals, and give a deal only to themselves."""
        me = caller()
        if self.deal_id:
            owner = deals.get_deal(session, self.deal_id).owner_id
            if not can_edit_deal(me.role, me.id, owner):
                return N_("Your role does not allow changing this deal.")
        if data.owner_id not in (None, me.id) and not (
            can(me.role, Perm.DEALS_WRITE_ANY) or can(me.role, Perm.ASSIGN)
        ):
            return N_("Your role can give deals only to yourself.")
        return ""

    @guarded(Perm.DEALS_WRITE_OWN)
    def submit(self, form: dict):
        me = caller()
        data = self._input(form)
        self.values = {str(k): str(v)[:500] for k, v in form.items()}
        try:
            with session_scope() as session:
                refusal = self._owner_error(session, data)
                if refusal:
                    raise ValidationError({"owner_id": refusal})
                if self.deal_id:
                    deal = deals.update_deal(session, self.deal_id, data, actor_id=me.id)
                else:
                    deal = deals.create_deal(session, data, actor_id=me.id)
                title = deal.title
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return rx.toast.error(self._t(N_("Check the highlighted fields.")))
        except NotFound:
            return rx.toast.error(self._t(N_("That deal no longer exists.")))
        was_new = not self.deal_id
        self.errors, self.open = {}, False
        message = N_("{name} was added.") if was_new else N_("{name} was saved.")
        from .pipeline import PipelineState

        return [
            rx.toast.success(i18n.format_message(message, self.locale, name=title)),
            PipelineState.refresh,
        ]
