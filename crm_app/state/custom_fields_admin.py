"""Settings → Custom fields (admins): define text, number, date, select and checkbox fields."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.models import FieldType
from crm_app.services import custom_fields
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from . import list_views
from .base import AppState
from .guard import caller, guarded

TYPE_LABELS = {
    FieldType.TEXT: N_("Text"),
    FieldType.NUMBER: N_("Number"),
    FieldType.DATE: N_("Date"),
    FieldType.SELECT: N_("Single select"),
    FieldType.CHECKBOX: N_("Checkbox"),
}
ENTITY_LABELS = {"contact": N_("Contacts"), "company": N_("Companies")}


class CustomFieldsState(AppState):
    fields: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    new_type: str = "text"

    def _reload(self) -> None:
        with session_scope() as session:
            rows = [
                (entity, f)
                for entity in ENTITY_LABELS
                for f in custom_fields.list_fields(session, entity)
            ]
        self.fields = [
            {
                "id": str(f.id),
                "entity": self._t(ENTITY_LABELS[entity]),
                "label": f.label,
                "key": f.key,
                "type": self._t(TYPE_LABELS.get(f.field_type, f.field_type)),
                "options": ", ".join(f.options),
            }
            for entity, f in rows
        ]

    @guarded()
    def load_fields(self):
        if can(caller().role, Perm.SETTINGS_MANAGE):
            self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def set_new_type(self, value: str):
        self.new_type = str(value) if str(value) in set(FieldType) else "text"

    @guarded(Perm.SETTINGS_MANAGE)
    def define_field(self, form: dict):
        entity = str(form.get("entity", "contact"))
        options = list_views.split_list(form.get("options", ""), 50)
        try:
            with session_scope() as session:
                custom_fields.define(
                    session,
                    entity=entity if entity in ENTITY_LABELS else "contact",
                    label=str(form.get("label", ""))[:100],
                    field_type=self.new_type,
                    options=options or None,
                    actor_id=caller().id,
                )
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        self.errors = {}
        self._reload()
        return rx.toast.success(
            self._t(N_("Field added. It appears on the form, in columns and filters."))
        )

    @guarded(Perm.SETTINGS_MANAGE)
    def archive_field(self, field_id: str):
        try:
            with session_scope() as session:
                custom_fields.archive(session, int(field_id), actor_id=caller().id)
        except (NotFound, ValueError, ValidationError):
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        self._reload()
        return rx.toast.success(self._t(N_("Field archived. Stored values are kept.")))
