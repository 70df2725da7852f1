"""A form's company field: search as you type, pick a hit (the contact form and the deal
form). A typed name without a pick keeps no id; the form's save checks the picked id."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import companies

from .guard import guarded


class CompanySearchMixin(rx.State, mixin=True):
    company_id: str = ""
    company_name: str = ""
    company_hits: list[list[str]] = []

    @guarded()
    def find_company(self, text: str):
        text = str(text).strip()[:100]
        self.company_name = text
        if not text:
            self.company_id, self.company_hits = "", []
            return
        with session_scope() as session:
            self.company_hits = [
                [str(i), n] for i, n in companies.search_companies(session, text, limit=8)
            ]

    @guarded()
    def pick_company(self, company_id: str, name: str):
        self.company_id, self.company_name = str(company_id), str(name)[:200]
        self.company_hits = []
