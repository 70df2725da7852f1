"""Dashboard: real figures for the signed-in user, formatted in their language."""

from __future__ import annotations

import dataclasses

from crm_app.db import session_scope
from crm_app.services import dashboard, formatting, i18n
from crm_app.services.i18n import N_

from .base import AppState
from .guard import caller, guarded

# Shown when an activity has no subject.
KIND_LABELS = {
    "note": N_("Note"),
    "call": N_("Call"),
    "email": N_("E-mail message"),
    "meeting": N_("Meeting"),
}


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
    deals_label: str
    value: str
    percent: int


class DashboardState(AppState):
    loaded: bool = False
    open_pipeline_value: str = ""
    open_deals_label: str = ""
    won_value: str = ""
    won_count_label: str = ""
    open_tickets: str = ""
    urgent_label: str = ""
    overdue_tasks: str = ""
    my_overdue_label: str = ""
    recent: list[ActivityRow] = []
    stages: list[StageBar] = []

    @guarded()
    def load(self):
        user = caller()
        with session_scope() as session:
            figs = dashboard.figures(session, user_id=user.id, time_zone=user.time_zone)
            stage_totals = dashboard.open_pipeline_by_stage(session)
        loc, cur, n = user.locale, figs.base_currency, i18n.ngettext
        # (n is i18n.ngettext; scripts/i18n.py extracts both names)
        self.open_pipeline_value = formatting.money(figs.open_pipeline_value, cur, loc)
        self.open_deals_label = n("{n} open deal", "{n} open deals", figs.open_deals, loc)
        self.won_value = formatting.money(figs.won_this_month_value, cur, loc)
        self.won_count_label = n("{n} deal won", "{n} deals won", figs.won_this_month_count, loc)
        self.open_tickets = formatting.number(figs.open_tickets, loc)
        self.urgent_label = n("{n} urgent", "{n} urgent", figs.urgent_open_tickets, loc)
        self.overdue_tasks = formatting.number(figs.overdue_tasks, loc)
        self.my_overdue_label = n(
            "{n} assigned to you", "{n} assigned to you", figs.my_overdue_tasks, loc
        )
        self.recent = [
            ActivityRow(
                id=a.id,
                kind=a.kind,
                subject=a.subject or i18n.gettext(KIND_LABELS.get(a.kind, a.kind), loc),
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
                stage=s.stage,
                pipeline=s.pipeline,
                deals_label=n("{n} deal", "{n} deals", s.deals, loc),
                value=formatting.money(s.value, cur, loc),
                percent=round(100 * s.value / top),
            )
            for s in stage_totals
        ]
        self.loaded = True
