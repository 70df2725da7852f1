"""Settings → My profile (everyone) and Installation (admins)."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, users
from crm_app.services.errors import ValidationError
from crm_app.services.permissions import Perm

from .base import AppState
from .guard import caller, guarded


class PreferencesState(AppState):
    my_time_zone: str = "UTC"
    install_time_zone: str = "UTC"
    base_currency: str = "EUR"
    time_zones: list[str] = []

    @guarded()
    def load_preferences(self):
        me = caller()
        with session_scope() as session:
            self.install_time_zone = app_settings.get(session, "time_zone")
            self.base_currency = app_settings.get(session, "base_currency")
        self.my_time_zone = me.time_zone
        if not self.time_zones:
            self.time_zones = app_settings.time_zone_names()

    @guarded(Perm.SELF_PROFILE)
    def save_my_time_zone(self, tz: str):
        try:
            with session_scope() as session:
                users.update_profile(session, caller().id, time_zone=str(tz))
        except ValidationError as exc:
            return rx.toast.error(" ".join(exc.errors.values()))
        self.my_time_zone = str(tz)
        return rx.toast.success("Your time zone is saved. “Today” now follows it.")

    @guarded(Perm.SETTINGS_MANAGE)
    def save_install_time_zone(self, tz: str):
        tz = str(tz)
        if not app_settings.valid_time_zone(tz):
            return rx.toast.error("Choose a time zone from the list.")
        with session_scope() as session:
            app_settings.put(session, "time_zone", tz, actor_id=caller().id)
        self.install_time_zone = tz
        return rx.toast.success("Installation time zone saved.")
