"""Possible duplicates of contacts or companies: review, dismiss, and merge field by field."""

from __future__ import annotations

from typing import Any

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import duplicates, formatting, i18n
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import Perm, can

from . import list_views
from .base import AppState
from .guard import caller, guarded

PAGE_SIZE = 25
ENTITIES = ("contact", "company")
# What the merge screen calls each field (custom fields show their own label).
FIELD_LABELS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "title": N_("Job title"),
    "company_id": N_("Company"),
    "owner_id": N_("Owner"),
    "lifecycle_stage": N_("Lifecycle stage"),
    "source": N_("Source"),
    "street": N_("Street"),
    "city": N_("City"),
    "region": N_("Region"),
    "postal_code": N_("Postal code"),
    "country": N_("Country"),
    "preferences": N_("Preferences"),
    "consent_email": N_("Agreed to receive e-mail"),
    "do_not_call": N_("Do not call"),
    "external_id": N_("External ID"),
    "name": N_("Name"),
    "domain": N_("Website"),
    "industry": N_("Industry"),
    "employees": N_("Employees"),
    "annual_revenue": N_("Annual revenue"),
    "phone": N_("Phone"),
    "parent_id": N_("Parent company"),
}
MOVE_LABELS = {
    "activities": N_("activities"),
    "deals": N_("deals"),
    "tickets": N_("tickets"),
    "tasks": N_("tasks"),
    "orders": N_("orders"),
    "contacts": N_("contacts"),
}
MERGED = N_("Merged. {name} now holds everything from both records.")
DISMISSED = N_("Marked as not duplicates.")
YES, NO = N_("Yes"), N_("No")


def _write_perm(entity: str) -> Perm:
    return Perm.CONTACTS_WRITE if entity == "contact" else Perm.COMPANIES_WRITE


class DuplicatesState(AppState):
    entity: str = "contact"
    pairs: list[dict[str, Any]] = []
    total: int = 0
    page: int = 1
    include_weak: bool = False
    loaded: bool = False
    # the merge screen
    merge_open: bool = False
    survivor_id: int = 0
    other_id: int = 0
    survivor_name: str = ""
    other_name: str = ""
    fields: list[dict[str, str]] = []
    choices: dict[str, str] = {}
    merge_summary: list[str] = []
    merge_error: str = ""

    @rx.var
    def count_label(self) -> str:
        return i18n.ngettext(
            *NP_("{n} possible duplicate", "{n} possible duplicates"),
            self.total,
            self.locale,
        )

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def can_merge(self) -> bool:
        return can(self.user_role, _write_perm(self.entity)) if self.user_role else False

    def _load(self) -> None:
        me = caller()
        min_score = duplicates.MIN_KEPT if self.include_weak else duplicates.DEFAULT_MIN_SCORE
        with session_scope() as session:
            found = duplicates.find_duplicates(
                session,
                self.entity,
                limit=PAGE_SIZE,
                offset=(self.page - 1) * PAGE_SIZE,
                min_score=min_score,
            )
        self.total = found.total
        self.pairs = [
            {
                "a_id": str(p.a_id),
                "b_id": str(p.b_id),
                "a_name": p.a_name,
                "b_name": p.b_name,
                "score": str(p.score),
                "strength": "strong" if p.score >= 85 else "medium" if p.score >= 70 else "weak",
                "reasons": [self._reason(label, value, me.locale) for label, value in p.labelled()],
            }
            for p in found.pairs
        ]
        self.loaded = True

    def _reason(self, label: str, value: Any, locale: str) -> str:
        text = i18n.gettext(label, locale)
        if isinstance(value, int):
            return f"{text} ({i18n.localize_digits(str(value), locale)}%)"
        return f"{text}: {i18n.isolate(str(value))}" if value else text

    def _open(self, entity: str):
        self.entity = entity
        self.page, self.merge_open = 1, False
        self._load()

    @guarded()
    def load_contacts(self):
        self._open("contact")

    @guarded()
    def load_companies(self):
        self._open("company")

    @guarded()
    def go_page(self, delta: int):
        self.page = min(max(1, self.page + int(delta)), self.pages)
        self._load()

    @guarded()
    def set_include_weak(self, value: bool):
        self.include_weak, self.page = bool(value), 1
        self._load()

    def _allowed(self) -> bool:
        return self.entity in ENTITIES and can(caller().role, _write_perm(self.entity))

    @guarded()
    def dismiss(self, a_id: str, b_id: str):
        if not self._allowed() or not (str(a_id).isdigit() and str(b_id).isdigit()):
            return rx.toast.error(self._t(N_("Your role does not allow this.")))
        try:
            with session_scope() as session:
                duplicates.dismiss(session, self.entity, int(a_id), int(b_id), actor_id=caller().id)
        except (ValidationError, NotFound) as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self._load()
        return rx.toast.success(self._t(DISMISSED))

    # -- merge ---------------------------------------------------------------------------
    def _preview(self) -> None:
        me = caller()
        with session_scope() as session:
            preview = duplicates.merge_preview(
                session, self.entity, self.survivor_id, self.other_id
            )
            labels = {}
            if any(f.key.startswith("custom.") for f in preview.fields):
                from crm_app.services import custom_fields

                labels = {
                    f"custom.{f.key}": f.label
                    for f in custom_fields.list_fields(session, self.entity, include_archived=True)
                }
        rows = []
        for f in preview.fields:
            mine = self._show(f.key, f.survivor, f.survivor_display, me.locale)
            theirs = self._show(f.key, f.other, f.other_display, me.locale)
            if not mine and not theirs:
                continue
            label = labels.get(f.key) or i18n.gettext(FIELD_LABELS.get(f.key, f.key), me.locale)
            rows.append({"key": f.key, "label": label, "survivor": mine, "other": theirs})
        self.fields = rows
        self.choices = {f.key: f.default for f in preview.fields}
        summary = []
        if preview.emails:
            summary.append(
                i18n.gettext(N_("E-mail addresses"), me.locale) + ": " + ", ".join(preview.emails)
            )
        if preview.phones:
            summary.append(i18n.gettext(N_("Phone"), me.locale) + ": " + ", ".join(preview.phones))
        if preview.tags:
            summary.append(i18n.gettext(N_("Tags"), me.locale) + ": " + ", ".join(preview.tags))
        moved = [
            f"{i18n.localize_digits(str(n), me.locale)} {i18n.gettext(MOVE_LABELS.get(t, t), me.locale)}"
            for t, n in preview.moves.items()
            if n and t in MOVE_LABELS
        ]
        if moved:
            summary.append(
                i18n.gettext(N_("Moves to the kept record"), me.locale) + ": " + ", ".join(moved)
            )
        self.merge_summary = summary

    def _show(self, key: str, value: Any, display: str, locale: str) -> str:
        if display:
            return display
        if value is None or value == "" or value == {} or value == []:
            return ""
        if isinstance(value, bool):
            return i18n.gettext(YES if value else NO, locale)
        if key == "lifecycle_stage":
            return i18n.gettext(list_views.STAGE_LABELS.get(value, value), locale)
        if key == "country":
            return list_views.country_name(value, locale)
        if isinstance(value, float):
            return formatting.number(value, locale)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
        return str(value)

    @guarded()
    def open_merge(self, a_id: str, b_id: str):
        if not self._allowed() or not (str(a_id).isdigit() and str(b_id).isdigit()):
            return rx.toast.error(self._t(N_("Your role does not allow this.")))
        pair = next(
            (p for p in self.pairs if p["a_id"] == str(a_id) and p["b_id"] == str(b_id)), None
        )
        # keep the older record (lower id) by default: it usually carries the history
        self.survivor_id, self.other_id = int(a_id), int(b_id)
        self.survivor_name = pair["a_name"] if pair else ""
        self.other_name = pair["b_name"] if pair else ""
        try:
            self._preview()
        except (ValidationError, NotFound) as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self.merge_error, self.merge_open = "", True
        return None

    @guarded()
    def swap(self):
        if not self.merge_open:
            return
        self.survivor_id, self.other_id = self.other_id, self.survivor_id
        self.survivor_name, self.other_name = self.other_name, self.survivor_name
        try:
            self._preview()
        except (ValidationError, NotFound) as exc:
            self.merge_error = self._t(list_views.first_error(exc))

    @guarded()
    def choose(self, key: str, side: str):
        key, side = str(key), str(side)
        if key in self.choices and side in (duplicates.SURVIVOR, duplicates.OTHER):
            self.choices = {**self.choices, key: side}

    @guarded()
    def set_merge_open(self, value: bool):
        self.merge_open = bool(value)

    @guarded()
    def confirm_merge(self):
        if not self._allowed() or not self.merge_open:
            return rx.toast.error(self._t(N_("Your role does not allow this.")))
        merge = (
            duplicates.merge_contacts if self.entity == "contact" else duplicates.merge_companies
        )
        try:
            with session_scope() as session:
                merge(
                    session,
                    self.survivor_id,
                    self.other_id,
                    dict(self.choices),
                    actor_id=caller().id,
                )
        except (ValidationError, NotFound) as exc:
            self.merge_error = self._t(list_views.first_error(exc))
            return None
        self.merge_open = False
        self._load()
        name = self.survivor_name
        return rx.toast.success(i18n.format_message(MERGED, self.locale, name=name))
