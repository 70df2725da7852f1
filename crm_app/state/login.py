"""The login page's state: the only handlers reachable without a session."""

from __future__ import annotations

import dataclasses

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, auth, i18n, users
from crm_app.services.auth import LoginError
from crm_app.services.permissions import ROLE_LABELS

from .base import AppState
from .guard import public

_DEMO_PASSWORD = "rapport-demo"  # noqa: S105  (the demo's published password)


@dataclasses.dataclass
class DemoLogin:
    name: str
    email: str
    role: str


class LoginState(AppState):
    error: str = ""
    demo_logins: list[DemoLogin] = []

    @public("LoginState.load_login")
    def load_login(self):
        """Show the demo users (only while the demo business is loaded); skip if signed in."""
        with session_scope() as session:
            if self.session_token and auth.resolve(session, self.session_token):
                return rx.redirect("/")
            self._use_locale(app_settings.get(session, "default_locale"))
            self.demo_logins = [
                DemoLogin(name=u.name, email=u.email, role=self._t(ROLE_LABELS.get(u.role, u.role)))
                for u in users.demo_users(session)
            ]
        return None

    @public("LoginState.login")
    def login(self, form_data: dict):
        email = str(form_data.get("email", ""))[:300]
        password = str(form_data.get("password", ""))[:2000]
        return self._login(email, password)

    @public("LoginState.login_demo")
    def login_demo(self, email: str):
        """Sign in as a demo user with the demo's published password (fails once it is changed)."""
        with session_scope() as session:
            if not any(u.email == email for u in users.demo_users(session)):
                self.error = self._t(i18n.N_("This demo user is not available."))
                return None
        return self._login(email, _DEMO_PASSWORD)

    def _login(self, email: str, password: str):
        try:
            with session_scope() as session:
                token, user = auth.login(session, email, password)
        except LoginError as exc:
            self.error = self._t(str(exc))
            return None
        self.error = ""
        self.session_token = token
        self._remember_user(user)
        return rx.redirect("/")
