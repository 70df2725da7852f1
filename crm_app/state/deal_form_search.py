"""The deal form's contact field: search as you type, pick a hit (its company field is
``company_search.CompanySearchMixin``).

A mixin of ``DealFormState`` (deal_form.py), which clears the hits when the form opens and
sends the picked ids with the deal. A typed name without a pick keeps no id.
"""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import contacts

from .guard import guarded


class DealFormSearchMixin(rx.State, mixin=True):
    contact_id: str = ""
    contact_name: str = ""
    contact_hits: list[list[str]] = []

    @guarded()
    def find_contact(self, text: str):
        text = str(text).strip()[:100]
        self.contact_name = text
        if not text:
            self.contact_id, self.contact_hits = "", []
            return
        with session_scope() as session:
            hits = contacts.search_contacts(session, text)
            self.contact_hits = [[str(i), name, company] for i, name, company in hits]

    @guarded()
    def pick_contact(self, contact_id: str, name: str):
        self.contact_id, self.contact_name = str(contact_id), str(name)[:200]
        self.contact_hits = []
