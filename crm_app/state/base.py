"""The root state of the signed-in app: the session cookie and who is signed in."""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import auth, i18n
from crm_app.services.auth import CurrentUser
from crm_app.services.permissions import ROLE_LABELS, Perm, can
from crm_app.settings import SESSION_HOURS

from .guard import guarded


class AppState(rx.State):
    """Holds the session token (a random value; the server keeps only its hash)."""

    session_token: str = rx.Cookie(
        "", name="rapport_session", max_age=SESSION_HOURS * 3600, same_site="strict", path="/"
    )
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    user_role_label: str = ""
    user_is_admin: bool = False
    user_can_write: bool = False
    user_can_export: bool = False
    # The permissions (Perm values) of the caller's role: the sidebar shows what they allow.
    user_perms: list[str] = []
    # The interface language: its code, its direction, and its catalog (msgid → text).
    locale: str = "en"
    text_dir: str = "ltr"
    tr: dict[str, str] = {}

    def _use_locale(self, code: str) -> None:
        """Switch the whole interface to ``code`` (sends its catalog once, on change)."""
        code = i18n.normalize(code)
        if code != self.locale or (code != i18n.DEFAULT and not self.tr):
            self.locale = code
            self.text_dir = "rtl" if i18n.is_rtl(code) else "ltr"
            self.tr = i18n.translations(code)

    def _t(self, message: str) -> str:
        """Translate a message (a service's N_ text, a toast) into the interface language."""
        return i18n.gettext(message, self.locale)

    def _remember_user(self, user: CurrentUser) -> None:
        """Refresh the shell's view of the caller (called by the guard on every event)."""
        self._use_locale(user.locale)
        label = i18n.gettext(ROLE_LABELS.get(user.role, user.role), user.locale)
        if (self.user_email, self.user_role, self.user_name, self.user_role_label) != (
            user.email,
            user.role,
            user.name,
            label,
        ):
            self.user_name = user.name
            self.user_email = user.email
            self.user_role = user.role
            self.user_role_label = label
            self.user_is_admin = can(user.role, Perm.USERS_MANAGE)
            self.user_can_write = can(user.role, Perm.CONTACTS_WRITE) or can(
                user.role, Perm.TICKETS_WRITE
            )
            self.user_can_export = can(user.role, Perm.REPORTS)
        perms = sorted(p.value for p in Perm if can(user.role, p))
        if perms != self.user_perms:  # assigned only on change: no delta on every event
            self.user_perms = perms

    @rx.var
    def user_initials(self) -> str:
        parts = [p for p in self.user_name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @guarded()
    def logout(self):
        with session_scope() as session:
            auth.logout(session, self.session_token)
        self.reset()
        return [rx.remove_cookie("rapport_session", {"path": "/"}), rx.redirect("/login")]
