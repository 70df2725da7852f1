"""Contacts list: filters, sort, paging, selection, bulk actions, segments, column chooser."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import contact_query, contacts, custom_fields, i18n, segments
from crm_app.services.contact_query import ContactFilters, CustomFilter
from crm_app.services.errors import NotFound, PermissionDenied, ValidationError
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import Perm, can

from . import list_views
from .base import AppState
from .guard import caller, guarded
from .record_list import NOTHING_SELECTED, Column, RecordListMixin

BUILTIN_COLUMNS = [
    Column("name", N_("Name")),
    Column("email", N_("E-mail"), sortable=False),
    Column("phone", N_("Phone"), sortable=False),
    Column("company", N_("Company")),
    Column("owner", N_("Owner")),
    Column("stage", N_("Lifecycle stage")),
    Column("city", N_("City")),
    Column("country", N_("Country")),
    Column("tags", N_("Tags"), sortable=False),
    Column("created", N_("Created")),
    Column("last_contacted", N_("Last contacted")),
]
DEFAULT_VISIBLE = [
    "name",
    "email",
    "company",
    "owner",
    "stage",
    "city",
    "country",
    "last_contacted",
]
FILTER_NAMES = frozenset(
    {
        "search",
        "owner",
        "stage",
        "tag",
        "country",
        "city",
        "created_from",
        "created_to",
        "contacted",
        "contacted_value",
        "custom_key",
        "custom_op",
        "custom_value",
    }
)


class ContactsState(RecordListMixin, AppState):
    _filter_names: ClassVar[frozenset[str]] = FILTER_NAMES
    _sorts: ClassVar[tuple[str, ...]] = contact_query.SORTS
    _entity: ClassVar[str] = "contacts"
    _entity_label: ClassVar[str] = N_("Contacts")

    # -- loading -------------------------------------------------------------------------
    def _filters(self) -> ContactFilters:
        return list_views.contact_filters(self.filters)

    filter_error: str = ""

    @rx.var
    def custom_ops(self) -> list[list[str]]:
        """The conditions that suit the chosen custom field's type, labelled in the user's language."""
        kind = next(
            (
                c[2]
                for c in self.options.get("custom", [])
                if c[0] == self.filters.get("custom_key")
            ),
            "",
        )
        ops = custom_fields.OPS.get(kind, ())
        return [[op, i18n.gettext(list_views.CUSTOM_OP_LABELS[op], self.locale)] for op in ops]

    def _reload(self) -> None:
        me = caller()
        try:
            with session_scope() as session:
                fields = custom_fields.list_fields(session, "contact")
                result = contact_query.list_contacts(
                    session,
                    self._filters(),
                    sort=self.sort,
                    descending=self.descending,
                    page=self.page,
                    page_size=50,
                    tz=me.time_zone,
                )
        except ValidationError as exc:  # e.g. "greater than" with a value that is not a number
            self.filter_error = self._t(list_views.first_error(exc))
            self.rows, self.total, self.count_label = [], 0, ""
            return
        self._update(filter_error="")
        self._choose_columns(
            BUILTIN_COLUMNS
            + [Column(f"custom:{f.key}", f.label, sortable=True, translate=False) for f in fields],
            DEFAULT_VISIBLE,
        )
        self._show(result, [list_views.contact_cells(r, me) for r in result.rows], me.locale)

    def _load_options(self) -> None:
        me = caller()
        with session_scope() as session:
            self._update(
                options=list_views.contact_options(session, me.locale),
                segments=list_views.segment_rows(session, me.id, "contact"),
            )

    # -- bulk actions ---------------------------------------------------------------------
    def _bulk(self, action, done: tuple[str, str]):
        ids = self._selected_ids()
        if not ids:
            return rx.toast.info(self._t(NOTHING_SELECTED))
        try:
            with session_scope() as session:
                changed = action(session, ids)
        except (ValidationError, NotFound) as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self.selected = []
        self._reload()
        return rx.toast.success(i18n.ngettext(*done, changed, self.locale))

    @guarded(Perm.CONTACTS_WRITE)
    def bulk_tag(self, form: dict):
        names = list_views.split_list(form.get("tags", ""), 20)
        me = caller()
        return self._bulk(
            lambda s, ids: contacts.tag_contacts(s, ids, names, actor_id=me.id),
            NP_("{n} contact tagged.", "{n} contacts tagged."),
        )

    @guarded(Perm.ASSIGN)
    def bulk_owner(self, owner: str):
        me = caller()
        owner_id = int(owner) if str(owner).isdigit() else None
        return self._bulk(
            lambda s, ids: contacts.assign_owner(s, ids, owner_id, actor_id=me.id),
            NP_("{n} contact reassigned.", "{n} contacts reassigned."),
        )

    @guarded(Perm.CONTACTS_WRITE)
    def bulk_stage(self, stage: str):
        me = caller()
        return self._bulk(
            lambda s, ids: contacts.set_lifecycle_stage(s, ids, str(stage), actor_id=me.id),
            NP_("{n} contact moved to the new stage.", "{n} contacts moved to the new stage."),
        )

    @guarded(Perm.CONTACTS_WRITE)
    def bulk_delete(self):
        me = caller()
        return self._bulk(
            lambda s, ids: contacts.delete_contacts(s, ids, actor_id=me.id),
            NP_("{n} contact deleted.", "{n} contacts deleted."),
        )

    # -- segments ----------------------------------------------------------------------------
    @guarded()
    def apply_segment(self, segment_id: str):
        me = caller()
        with session_scope() as session:
            seg = (
                segments.get_visible(session, int(segment_id), me.id)
                if str(segment_id).isdigit()
                else None
            )
        if seg is None:  # not there, or another user's private segment
            return rx.toast.error(self._t(N_("This segment no longer exists.")))
        self.filters = list_views.filters_to_form(ContactFilters.from_dict(seg.filters))
        self.segment_id, self.page, self.selected = str(seg.id), 1, []
        self._reload()
        return None

    @guarded(Perm.CONTACTS_WRITE)
    def save_segment(self, form: dict):
        me = caller()
        name = str(form.get("name", "")).strip()[:120]
        shared = bool(form.get("shared"))
        try:
            with session_scope() as session:
                seg = segments.create_segment(
                    session,
                    name=name,
                    entity="contact",
                    filters=self._filters().to_dict(),
                    owner_id=me.id,
                    shared=shared,
                )
                self.segments = list_views.segment_rows(session, me.id, "contact")
        except ValidationError as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self.segment_id = str(seg.id)
        return rx.toast.success(self._t(N_("Segment saved.")))

    @guarded()
    def delete_segment(self, segment_id: str):
        me = caller()
        try:
            with session_scope() as session:
                segments.delete_segment(
                    session,
                    int(segment_id),
                    actor_id=me.id,
                    can_manage_all=can(me.role, Perm.ASSIGN),
                )
                self.segments = list_views.segment_rows(session, me.id, "contact")
        except (ValidationError, NotFound, PermissionDenied, ValueError) as exc:
            return rx.toast.error(self._t(list_views.first_error(exc)))
        self.segment_id = ""
        return rx.toast.success(self._t(N_("Segment deleted.")))


__all__ = ["ContactsState", "CustomFilter"]
