"""Settings → My profile (everyone) and Installation (admins)."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, i18n, users
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import ROLE_LABELS, Perm

from .base import AppState
from .guard import caller, guarded


class PreferencesState(AppState):
    my_time_zone: str = "UTC"
    install_time_zone: str = "UTC"
    install_locale: str = "en"
    base_currency: str = "EUR"
    phone_region: str = ""
    countries: list[list[str]] = []
    time_zones: list[str] = []

    @guarded()
    def load_preferences(self):
        me = caller()
        with session_scope() as session:
            self.install_time_zone = app_settings.get(session, "time_zone")
            self.install_locale = i18n.normalize(app_settings.get(session, "default_locale"))
            self.base_currency = app_settings.get(session, "base_currency")
            self.phone_region = app_settings.get(session, "default_phone_region") or ""
        self.my_time_zone = me.time_zone
        if not self.time_zones:
            self.time_zones = app_settings.time_zone_names()
        if not self.countries:
            from . import list_views

            self.countries = list_views.all_countries(me.locale)

    @guarded(Perm.SELF_PROFILE)
    def save_my_time_zone(self, tz: str):
        try:
            with session_scope() as session:
                users.update_profile(session, caller().id, time_zone=str(tz))
        except ValidationError as exc:
            return rx.toast.error(self._t(next(iter(exc.errors.values()))))
        self.my_time_zone = str(tz)
        return rx.toast.success(self._t(N_("Your time zone is saved. “Today” now follows it.")))

    @guarded(Perm.SELF_PROFILE)
    def save_my_locale(self, code: str):
        """Switch the whole interface to another language at once, without logging out."""
        try:
            with session_scope() as session:
                users.update_profile(session, caller().id, locale=str(code))
        except ValidationError as exc:
            return rx.toast.error(self._t(next(iter(exc.errors.values()))))
        self._use_locale(str(code))
        self.user_role_label = self._t(ROLE_LABELS.get(self.user_role, self.user_role))
        return rx.toast.success(self._t(N_("Language changed.")))

    @guarded(Perm.SETTINGS_MANAGE)
    def save_install_time_zone(self, tz: str):
        tz = str(tz)
        if not app_settings.valid_time_zone(tz):
            return rx.toast.error(self._t(N_("Choose a time zone from the list.")))
        with session_scope() as session:
            app_settings.put(session, "time_zone", tz, actor_id=caller().id)
        self.install_time_zone = tz
        return rx.toast.success(self._t(N_("Installation time zone saved.")))

    @guarded(Perm.SETTINGS_MANAGE)
    def save_install_locale(self, code: str):
        code = str(code)
        if code not in i18n.LANGUAGES:
            return rx.toast.error(self._t(N_("Choose a language.")))
        with session_scope() as session:
            app_settings.put(session, "default_locale", code, actor_id=caller().id)
        self.install_locale = code
        return rx.toast.success(self._t(N_("Default language saved.")))

    @guarded(Perm.SETTINGS_MANAGE)
    def save_phone_region(self, code: str):
        """Phones typed without a country code are read as numbers of this country."""
        code = str(code).upper()
        if code not in {c for c, _ in self.countries}:
            return rx.toast.error(self._t(N_("Choose a country from the list.")))
        with session_scope() as session:
            app_settings.put(session, "default_phone_region", code, actor_id=caller().id)
        self.phone_region = code
        return rx.toast.success(self._t(N_("Default phone country saved.")))
