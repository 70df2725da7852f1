"""The one company form, for add and edit."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, companies, custom_fields, i18n, users
from crm_app.services.companies import CompanyInput
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can

from . import list_views
from .base import AppState
from .guard import caller, guarded

TEXT_FIELDS = (
    "name",
    "domain",
    "industry",
    "employees",
    "annual_revenue",
    "phone",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
)


class CompanyFormState(AppState):
    open: bool = False
    company_id: int = 0
    form_key: int = 0
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    owners: list[list[str]] = []
    countries: list[list[str]] = []
    custom_defs: list[dict[str, str]] = []

    def _prepare(self) -> None:
        me = caller()
        with session_scope() as session:
            self.owners = [[str(u.id), u.name] for u in users.list_users(session) if u.active]
            self.custom_defs = [
                {
                    "key": f.key,
                    "label": f.label,
                    "type": f.field_type,
                    "options": "\n".join(f.options),
                }
                for f in custom_fields.list_fields(session, "company")
            ]
        if not self.countries:
            self.countries = list_views.all_countries(me.locale)
        self.errors = {}
        self.form_key += 1
        self.open = True

    @guarded(Perm.COMPANIES_WRITE)
    def open_new(self):
        self.company_id = 0
        self.values = {"owner_id": str(caller().id)}
        self._prepare()

    @guarded()
    def open_edit(self, company_id: str):
        if not can(caller().role, Perm.COMPANIES_WRITE):
            return rx.toast.info(self._t(N_("You can look, but your role cannot edit companies.")))
        try:
            with session_scope() as session:
                form = companies.company_form(session, int(company_id))
        except (NotFound, ValueError):
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        self.company_id = int(company_id)
        self.values = {k: str(getattr(form, k) or "") for k in TEXT_FIELDS}
        self.values.update(owner_id=str(form.owner_id or ""), tags=", ".join(form.tags))
        self.values.update(
            {f"custom.{k}": "" if v is None else str(v) for k, v in form.custom.items()}
        )
        self._prepare()
        return None

    @guarded()
    def open_from_route(self):
        """/companies/<id> opens that company's form over the list."""
        record = str(getattr(self, "record_id", "") or "")
        if record.isdigit():
            return CompanyFormState.open_edit(record)
        return None

    @guarded()
    def set_open(self, value: bool):
        self.open = bool(value)

    @guarded(Perm.COMPANIES_WRITE)
    def submit(self, form: dict):
        me = caller()
        self.values = {str(k): str(v)[:500] for k, v in form.items()}

        def text(key: str) -> str:
            value = str(form.get(key, "") or "")[:200].strip()
            return "" if value == "__none__" else value

        data = CompanyInput(
            **{k: text(k) for k in TEXT_FIELDS},
            owner_id=int(o) if (o := text("owner_id")).isdigit() else None,
            tags=list_views.split_list(text("tags")),
            custom=list_views.custom_values(form, self.custom_defs),
        )
        try:
            with session_scope() as session:
                region = app_settings.get(session, "default_phone_region")
                if self.company_id:
                    company = companies.update_company(
                        session, self.company_id, data, actor_id=me.id, default_region=region
                    )
                else:
                    company = companies.create_company(
                        session, data, actor_id=me.id, default_region=region
                    )
                name = company.name
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return rx.toast.error(self._t(N_("Check the highlighted fields.")))
        except NotFound:
            return rx.toast.error(self._t(N_("That record no longer exists.")))
        message = N_("{name} was saved.") if self.company_id else N_("{name} was added.")
        self.errors, self.open = {}, False
        from .companies import CompaniesState

        return [
            rx.toast.success(i18n.format_message(message, self.locale, name=name)),
            CompaniesState.load,
        ]
