"""Global search in the top bar: contacts, companies, deals and tickets, grouped."""

from __future__ import annotations

from crm_app.db import session_scope
from crm_app.services import search
from crm_app.services.i18n import N_

from .base import AppState
from .guard import guarded

GROUPS = {
    "contacts": N_("Contacts"),
    "companies": N_("Companies"),
    "deals": N_("Deals"),
    "tickets": N_("Tickets"),
}


class GlobalSearchState(AppState):
    query: str = ""
    groups: list[dict[str, str]] = []  # {"kind", "label"} for groups with hits, in order
    hits: list[dict[str, str]] = []  # {"kind", "title", "subtitle", "href"}
    searched: bool = False

    @guarded()
    def search(self, text: str):
        text = str(text).strip()[:100]
        self.query = text
        if len(text) < 2:
            self.groups, self.hits, self.searched = [], [], False
            return
        with session_scope() as session:
            found = search.global_search(session, text, limit=5)
        self.hits = [
            {"kind": kind, "title": h.title, "subtitle": h.subtitle, "href": h.href}
            for kind in GROUPS
            for h in found.get(kind, [])
        ]
        self.groups = [
            {"kind": kind, "label": self._t(label)}
            for kind, label in GROUPS.items()
            if found.get(kind)
        ]
        self.searched = True

    @guarded()
    def clear(self):
        self.query, self.groups, self.hits, self.searched = "", [], [], False
