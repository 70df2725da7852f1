"""The Lead forms section of the automations page: the forms with their public address and
embed snippet, and the form builder (contact field, label, required for each form field)."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import lead_forms
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_

from .automations import MANAGE
from .base import AppState
from .guard import caller, guarded

TEXT_KEYS = ("name", "slug", "title", "intro", "tags", "source", "owner_id", "thank_you")
FIELD_KEYS = ("field", "label", "required")


class LeadFormsState(AppState):
    forms: list[dict[str, str]] = []
    field_choices: list[dict[str, str]] = []
    lf_open: bool = False
    lf_id: int = 0
    lf: dict[str, str] = {}
    lf_fields: list[dict[str, str]] = []
    lf_errors: dict[str, str] = {}
    embed_slug: str = ""
    embed_code: str = ""
    embed_url: str = ""

    def _reload(self) -> None:
        with session_scope() as session:
            rows = lead_forms.list_forms(session)
            self.forms = [
                {
                    "id": str(r.id),
                    "name": r.name,
                    "slug": r.slug,
                    "active": "1" if r.active else "",
                    "fields": ", ".join(
                        self._t(lead_forms.FORM_FIELDS[f][0])
                        for f in r.fields
                        if f in lead_forms.FORM_FIELDS
                    ),
                    "submissions": str(r.submissions),
                    "path": f"{lead_forms.PUBLIC_PREFIX}{r.slug}",
                    "url": lead_forms.public_url(session, r.slug),
                }
                for r in rows
            ]
        self.field_choices = [
            {"value": k, "label": self._t(v[0])} for k, v in lead_forms.FORM_FIELDS.items()
        ]

    @guarded()
    def load(self):
        self._reload()

    @guarded(MANAGE)
    def new_form(self):
        self.lf_id, self.lf_errors = 0, {}
        self.lf = {k: "" for k in TEXT_KEYS} | {"source": "web form"}
        self.lf_fields = [
            {"field": f, "label": "", "required": "1" if f == "email" else ""}
            for f in lead_forms.DEFAULT_FIELDS
        ]
        self.lf_open = True

    @guarded(MANAGE)
    def edit_form(self, form_id: int):
        try:
            with session_scope() as session:
                form = lead_forms.get_form(session, int(form_id))
                self.lf_id = form.id or 0
                self.lf = {
                    "name": form.name,
                    "slug": form.slug,
                    "title": form.title,
                    "intro": form.intro,
                    "tags": ", ".join(form.tags or []),
                    "source": form.source,
                    "owner_id": str(form.owner_id or ""),
                    "thank_you": form.thank_you,
                }
                self.lf_fields = [
                    {
                        "field": str(f.get("field")),
                        "label": str(f.get("label") or ""),
                        "required": "1" if f.get("required") else "",
                    }
                    for f in form.fields or []
                ]
        except (NotFound, TypeError, ValueError):
            return
        self.lf_errors, self.lf_open = {}, True

    @guarded(MANAGE)
    def close_form(self):
        self.lf_open, self.lf_errors = False, {}

    @guarded(MANAGE)
    def set_lf(self, key: str, value: str):
        if key in TEXT_KEYS:
            self.lf = {**self.lf, key: str(value)[:1000]}

    @guarded(MANAGE)
    def add_form_field(self):
        used = {f["field"] for f in self.lf_fields}
        free = [k for k in lead_forms.FORM_FIELDS if k not in used]
        if free:
            self.lf_fields = [*self.lf_fields, {"field": free[0], "label": "", "required": ""}]

    @guarded(MANAGE)
    def remove_form_field(self, index: int):
        rows = list(self.lf_fields)
        if isinstance(index, int) and 0 <= index < len(rows) and rows[index]["field"] != "email":
            rows.pop(index)
            self.lf_fields = rows

    @guarded(MANAGE)
    def set_form_field(self, index: int, key: str, value: str):
        rows = list(self.lf_fields)
        if not (isinstance(index, int) and 0 <= index < len(rows)) or key not in FIELD_KEYS:
            return
        text = str(value)[:120]
        if key == "required":
            text = "1" if str(value).lower() in ("1", "true", "on") else ""
        rows[index] = {**rows[index], key: text}
        self.lf_fields = rows

    @guarded(MANAGE)
    def save_form(self):
        values = dict(self.lf) | {
            "fields": [
                {"field": f["field"], "label": f["label"], "required": f["required"] == "1"}
                for f in self.lf_fields
            ]
        }
        try:
            with session_scope() as session:
                if self.lf_id:
                    lead_forms.update_form(session, self.lf_id, values, actor_id=caller().id)
                else:
                    lead_forms.create_form(session, values, actor_id=caller().id)
        except ValidationError as exc:
            self.lf_errors = {k: self._t(v) for k, v in exc.errors.items()}
            return
        except NotFound:
            self.lf_open = False
            return
        self.lf_open, self.lf_errors = False, {}
        self._reload()
        return rx.toast.success(self._t(N_("Form saved.")))

    @guarded(MANAGE)
    def toggle_form(self, form_id: int, active: bool):
        try:
            with session_scope() as session:
                lead_forms.set_active(session, int(form_id), bool(active), actor_id=caller().id)
        except (NotFound, TypeError, ValueError):
            return
        self._reload()

    @guarded()
    def show_embed(self, form_id: int):
        with session_scope() as session:
            try:
                form = lead_forms.get_form(session, int(form_id))
            except (NotFound, TypeError, ValueError):
                return
            self.embed_slug = form.slug
            self.embed_url = lead_forms.public_url(session, form.slug)
            self.embed_code = lead_forms.embed_snippet(session, form.slug)

    @guarded()
    def close_embed(self):
        self.embed_slug = ""
