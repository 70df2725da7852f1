"""Counts for the pages whose full features arrive in later releases (no made-up numbers)."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import formatting, stats

from .base import AppState
from .guard import caller, guarded


class OverviewState(AppState):
    counts: dict[str, str] = {}
    counts_loaded: bool = False

    @guarded()
    def load_counts(self):
        user = caller()
        with session_scope() as session:
            raw = stats.counts(session)
        self.counts = {k: formatting.number(v, user.locale) for k, v in raw.items()}
        self.counts_loaded = True


def count_of(key: str) -> rx.Var:
    return OverviewState.counts.get(key, "…")
