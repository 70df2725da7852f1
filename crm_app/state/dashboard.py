"""Dashboard: real figures for the signed-in user, formatted for display."""

from __future__ import annotations

import dataclasses

from crm_app.db import session_scope
from crm_app.services import dashboard, formatting

from .base import AppState
from .guard import caller, guarded


@dataclasses.dataclass
class ActivityRow:
    id: int
    kind: str
    subject: str
    contact: str
    user: str
    ago: str
    exact: str


@dataclasses.dataclass
class StageBar:
    stage: str
    pipeline: str
    deals: int
    value: str
    percent: int


class DashboardState(AppState):
    loaded: bool = False
    open_pipeline_value: str = ""
    open_deals: int = 0
    won_count: int = 0
    won_value: str = ""
    open_tickets: int = 0
    urgent_tickets: int = 0
    overdue_tasks: int = 0
    my_overdue_tasks: int = 0
    recent: list[ActivityRow] = []
    stages: list[StageBar] = []

    @guarded()
    def load(self):
        user = caller()
        with session_scope() as session:
            figs = dashboard.figures(session, user_id=user.id, time_zone=user.time_zone)
            stage_totals = dashboard.open_pipeline_by_stage(session)
        loc, cur = user.locale, figs.base_currency
        self.open_pipeline_value = formatting.money(figs.open_pipeline_value, cur, loc)
        self.open_deals = figs.open_deals
        self.won_count = figs.won_this_month_count
        self.won_value = formatting.money(figs.won_this_month_value, cur, loc)
        self.open_tickets = figs.open_tickets
        self.urgent_tickets = figs.urgent_open_tickets
        self.overdue_tasks = figs.overdue_tasks
        self.my_overdue_tasks = figs.my_overdue_tasks
        self.recent = [
            ActivityRow(
                id=a.id,
                kind=a.kind,
                subject=a.subject or a.kind.title(),
                contact=a.contact_name,
                user=a.user_name,
                ago=formatting.ago(a.occurred_at, loc),
                exact=formatting.when(a.occurred_at, user.time_zone, loc),
            )
            for a in figs.recent
        ]
        top = max((s.value for s in stage_totals), default=0.0) or 1.0
        self.stages = [
            StageBar(
                s.stage,
                s.pipeline,
                s.deals,
                formatting.money(s.value, cur, loc),
                round(100 * s.value / top),
            )
            for s in stage_totals
        ]
        self.loaded = True
