"""SMTP settings: stored in Settings → Installation, each overridable by the environment.

Rules:
- the environment wins: RAPPORT_SMTP_HOST, _PORT, _TLS (none, starttls, ssl), _USER,
  _PASSWORD, _FROM; the form shows which fields it overrides;
- the password is never read back for a form (``smtp_settings_for_form`` blanks it and says
  whether one is set); saving the form with an empty password keeps the stored one;
- the stored password never reaches the audit trail: its change is audited as "***".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from sqlmodel import Session

from crm_app.models import Setting

from .. import app_settings, writes
from ..emails import check_email
from ..errors import ValidationError
from ..i18n import N_

TLS_MODES = ("none", "starttls", "ssl")
DEFAULTS: dict[str, Any] = {
    "smtp_host": "",
    "smtp_port": 587,
    "smtp_tls": "starttls",
    "smtp_user": "",
    "smtp_password": "",
    "smtp_from": "",
}
# form field → settings key
FORM_FIELDS = {
    "host": "smtp_host",
    "port": "smtp_port",
    "tls": "smtp_tls",
    "user": "smtp_user",
    "password": "smtp_password",
    "sender": "smtp_from",
}
TIMEOUT_SECONDS = 30.0
_HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]{1,253}$")


def env_name(key: str) -> str:
    return f"RAPPORT_{key.upper()}"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    user: str
    password: str = field(repr=False)
    sender: str  # "Name <address>" or a bare address
    timeout: float = TIMEOUT_SECONDS

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]


def _stored(session: Session, key: str) -> Any:
    value = app_settings.get(session, key)
    return DEFAULTS[key] if value is None else value


def _raw(session: Session, key: str) -> Any:
    env = os.environ.get(env_name(key))
    return env if env is not None and env != "" else _stored(session, key)


def _port(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return int(DEFAULTS["smtp_port"])


def smtp_settings(session: Session) -> SmtpSettings:
    """The settings mail is sent with (environment over stored values over defaults)."""
    tls = str(_raw(session, "smtp_tls")).strip().lower()
    return SmtpSettings(
        host=str(_raw(session, "smtp_host")).strip(),
        port=_port(_raw(session, "smtp_port")),
        tls=tls if tls in TLS_MODES else "starttls",
        user=str(_raw(session, "smtp_user")),
        password=str(_raw(session, "smtp_password")),
        sender=str(_raw(session, "smtp_from")).strip(),
    )


def overridden_by_environment() -> list[str]:
    """Form fields whose value comes from the environment (the form shows them read-only)."""
    return [f for f, key in FORM_FIELDS.items() if os.environ.get(env_name(key))]


def smtp_settings_for_form(session: Session) -> dict[str, Any]:
    """The form's values: effective settings with the password blanked out.

    ``password_set`` says whether a password exists (stored or from the environment);
    ``from_env`` lists the fields the environment overrides.
    """
    current = smtp_settings(session)
    return {
        "host": current.host,
        "port": current.port,
        "tls": current.tls,
        "user": current.user,
        "password": "",
        "password_set": bool(current.password),
        "sender": current.sender,
        "configured": current.configured,
        "from_env": overridden_by_environment(),
    }


def _validate(host: str, port: Any, tls: str, user: str, sender: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    host = (host or "").strip()
    if host and not _HOST.match(host):
        errors["host"] = N_("Enter a host name like smtp.example.com.")
    try:
        number = int(str(port).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        errors["port"] = N_("Enter a port number between 1 and 65535.")
    tls = (tls or "").strip().lower()
    if tls not in TLS_MODES:
        errors["tls"] = N_("Choose how to secure the connection.")
    if len(user or "") > 254:
        errors["user"] = N_("Use at most 254 characters.")
    sender = (sender or "").strip()
    if sender or host:
        name, address = parseaddr(sender)
        if not address or check_email(address)[1] or "\n" in sender or "\r" in sender:
            errors["sender"] = N_("Enter the sender address, like Sales <sales@example.com>.")
    if errors:
        raise ValidationError(errors)
    return {
        "smtp_host": host,
        "smtp_port": number,
        "smtp_tls": tls,
        "smtp_user": (user or "").strip(),
        "smtp_from": sender,
    }


def save_smtp_settings(
    session: Session,
    *,
    host: str,
    port: int | str,
    tls: str,
    user: str,
    password: str,
    sender: str,
    actor_id: int | None,
    clear_password: bool = False,
) -> None:
    """Store the form. An empty ``password`` keeps the stored one (unless ``clear_password``).

    Fields the environment overrides are stored too but have no effect while it does.
    """
    values = _validate(host, port, tls, user, sender)
    for key, value in values.items():
        if app_settings.get(session, key) != value:
            app_settings.put(session, key, value, actor_id=actor_id)
    if password or clear_password:
        _put_secret(session, "smtp_password", "" if clear_password else password, actor_id)


def _put_secret(session: Session, key: str, value: str, actor_id: int | None) -> None:
    """Like app_settings.put, but the audit entry hides the value."""
    row = session.get(Setting, key)
    if row is not None and row.value == value:
        return
    action = "create" if row is None else "update"
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    session.flush()
    writes.audit(
        session,
        actor_id=actor_id,
        entity="settings",
        entity_id=None,
        action=action,
        changes={"key": key, "value": "***"},
    )
