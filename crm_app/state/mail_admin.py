"""Settings → Outgoing mail (admins): the SMTP server and a "send test mail" button.

The stored password never reaches the browser: the form only learns whether one is set.
Fields the environment overrides are shown read-only, and saving keeps their stored value.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import app_settings, i18n, mail
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import N_
from crm_app.services.mail import config as mail_config
from crm_app.services.permissions import Perm, can

from .base import AppState
from .guard import caller, guarded

SAVED = N_("Mail settings saved.")
SENT = N_("Sent to {to}. The mail server accepted the message.")
# [value, label] for the security select (labels are msgids, translated in the panel).
TLS_CHOICES = [
    ["none", N_("None (not encrypted)")],
    ["starttls", N_("STARTTLS")],
    ["ssl", N_("SSL/TLS")],
]


def _form_values() -> dict:
    with session_scope() as session:
        return mail.smtp_settings_for_form(session)


class MailAdminState(AppState):
    values: dict[str, str] = {}  # host, port, tls, user, sender (never the password)
    password_set: bool = False
    configured: bool = False
    from_env: list[str] = []  # form fields the RAPPORT_SMTP_* environment overrides
    errors: dict[str, str] = {}
    form_key: int = 0  # bumped after a load or save, so the uncontrolled inputs reset
    test_to: str = ""
    test_sending: bool = False
    test_status: str = ""  # "", "sent" or "failed"
    test_message: str = ""
    test_detail: str = ""
    # form field → the environment variable that overrides it (named beside a read-only field)
    env_names: dict[str, str] = {
        name: mail_config.env_name(key) for name, key in mail_config.FORM_FIELDS.items()
    }

    def _reload(self) -> None:
        form = _form_values()
        self.values = {
            "host": str(form["host"]),
            "port": str(form["port"]),
            "tls": str(form["tls"]),
            "user": str(form["user"]),
            "sender": str(form["sender"]),
        }
        self.password_set = bool(form["password_set"])
        self.configured = bool(form["configured"])
        self.from_env = list(form["from_env"])
        self.form_key += 1

    @guarded()
    def load_mail_settings(self):
        """On page load for everyone; fills the tab only for those who manage settings."""
        me = caller()
        if can(me.role, Perm.SETTINGS_MANAGE):
            self.errors, self.test_status, self.test_message, self.test_detail = {}, "", "", ""
            self.test_to = me.email
            self._reload()

    @guarded(Perm.SETTINGS_MANAGE)
    def save_mail_settings(self, form: dict):
        form = form if isinstance(form, dict) else {}
        env = set(mail_config.overridden_by_environment())
        values: dict[str, str] = {}
        with session_scope() as session:
            for name, key in mail_config.FORM_FIELDS.items():
                if name == "password":
                    continue
                if name in env:  # read-only in the form: keep what is stored
                    stored = app_settings.get(session, key)
                    values[name] = str(mail_config.DEFAULTS[key] if stored is None else stored)
                else:
                    values[name] = str(form.get(name, "") or "")[:1000]
        password = "" if "password" in env else str(form.get("password", "") or "")[:1000]
        clear = "password" not in env and str(form.get("clear_password", "")).lower() in (
            "on",
            "true",
            "1",
        )
        try:
            with session_scope() as session:
                mail.save_smtp_settings(
                    session,
                    host=values["host"],
                    port=values["port"],
                    tls=values["tls"],
                    user=values["user"],
                    password=password,
                    sender=values["sender"],
                    clear_password=clear,
                    actor_id=caller().id,
                )
        except ValidationError as exc:
            self.errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        self.errors = {}
        self._reload()
        return rx.toast.success(self._t(SAVED))

    @guarded(Perm.SETTINGS_MANAGE)
    def set_test_to(self, value: str):
        self.test_to = str(value)[:1000]

    @guarded(Perm.SETTINGS_MANAGE)
    async def send_test(self, form: dict):
        """Send a test message now and show the server's answer (or why it failed)."""
        form = form if isinstance(form, dict) else {}
        to = str(form.get("to", self.test_to) or "").strip()[:1000]
        me = caller()
        self.test_to = to
        self.test_status, self.test_message, self.test_detail = "", "", ""
        self.errors = {k: v for k, v in self.errors.items() if k not in ("to", "test")}
        self.test_sending = True
        yield
        try:
            row = await asyncio.to_thread(_send, to, me.id, self.locale)
        except ValidationError as exc:
            self.test_sending = False
            for key, message in exc.errors.items():
                self.errors["to" if key == "to" else "test"] = self._t(message)
            self.errors = dict(self.errors)
            return
        self.test_sending = False
        if row.status == "sent":
            self.test_status = "sent"
            self.test_message = i18n.format_message(SENT, self.locale, to=", ".join(row.to))
        else:
            self.test_status = "failed"
            self.test_message = self._t(row.error or mail.CONNECT_FAILED)
            self.test_detail = row.error_detail or ""


def _send(to: str, actor_id: int, locale: str) -> mail.MailRow:
    with session_scope() as session:
        return mail.send_test_mail(session, to, actor_id=actor_id, locale=locale)
