"""Settings → Service (admins): the SLA targets per priority and the business calendar."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm, can
from crm_app.services.tickets import service_settings

from .base import AppState
from .guard import caller, guarded

SAVED = N_("Service settings saved. New tickets and priority changes use them.")


class ServiceAdminState(AppState):
    values: dict[str, str] = {}  # form field -> text (see services/tickets/service_settings)
    days_on: dict[str, bool] = {}  # "0".."6" (Monday = 0) -> working day
    time_zone: str = ""
    errors: dict[str, str] = {}
    form_key: int = 0  # bumped after a load or save, so the uncontrolled inputs reset

    def _reload(self) -> None:
        with session_scope() as session:
            form = service_settings.service_form(session)
        self.values, self.days_on, self.time_zone = form.values, form.days_on, form.time_zone
        self.form_key += 1

    @guarded()
    def load_service_settings(self):
        """When the tab opens; fills it only for those who manage settings."""
        if can(caller().role, Perm.SETTINGS_MANAGE):
            self.errors = {}
            self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def save_service_settings(self, form: dict):
        form = form if isinstance(form, dict) else {}
        try:
            with session_scope() as session:
                service_settings.save_service_form(session, form, actor_id=caller().id)
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        self.errors = {}
        self._reload()
        return rx.toast.success(self._t(SAVED))
