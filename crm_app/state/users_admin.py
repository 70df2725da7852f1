"""Settings → Users (admins only): list, create, change role, deactivate, reset password."""

from __future__ import annotations

import dataclasses

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import formatting, i18n, users
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import ROLE_LABELS, Perm, can

from .base import AppState
from .guard import caller, guarded


@dataclasses.dataclass
class UserView:
    id: int
    name: str
    email: str
    role: str
    role_label: str
    active: bool
    last_login: str
    is_me: bool


class UsersAdminState(AppState):
    users: list[UserView] = []
    form_errors: dict[str, str] = {}
    create_open: bool = False
    new_password: str = ""
    new_password_for: str = ""

    def _reload(self) -> None:
        me = caller()
        with session_scope() as session:
            rows = users.list_users(session)
        self.users = [
            UserView(
                id=u.id,
                name=u.name,
                email=u.email,
                role=u.role,
                role_label=self._t(ROLE_LABELS.get(u.role, u.role)),
                active=u.active,
                last_login=formatting.ago(u.last_login_at, me.locale)
                if u.last_login_at
                else self._t(N_("Never")),
                is_me=u.id == me.id,
            )
            for u in rows
        ]

    @guarded()
    def load_users(self):
        """On page load for everyone; fills the list only for those who manage users."""
        if can(caller().role, Perm.USERS_MANAGE):
            self._reload()

    @guarded(Perm.USERS_MANAGE)
    def open_create(self, open_: bool):
        self.create_open = bool(open_)
        self.form_errors = {}

    @guarded(Perm.USERS_MANAGE)
    def create_user(self, form_data: dict):
        data = {k: str(form_data.get(k, "")).strip() for k in ("name", "email", "role", "password")}
        try:
            with session_scope() as session:
                user = users.create_user(
                    session,
                    name=data["name"],
                    email=data["email"],
                    role=data["role"],
                    password=data["password"],
                    actor_id=caller().id,
                )
        except ValidationError as exc:
            self.form_errors = {k: self._t(v) for k, v in exc.errors.items()}
            return None
        self.form_errors = {}
        self.create_open = False
        self._reload()
        role = self._t(ROLE_LABELS.get(user.role, user.role))
        message = N_("{name} can now log in as {role}.")
        return rx.toast.success(
            i18n.format_message(message, self.locale, name=user.name, role=role)
        )

    @guarded(Perm.USERS_MANAGE)
    def change_role(self, user_id: int, role: str):
        return self._apply(
            lambda s: users.change_role(s, int(user_id), str(role), actor_id=caller().id),
            N_("Role changed."),
        )

    @guarded(Perm.USERS_MANAGE)
    def set_active(self, user_id: int, active: bool):
        msg = (
            N_("User reactivated.") if active else N_("User deactivated and signed out everywhere.")
        )
        return self._apply(
            lambda s: users.set_active(s, int(user_id), bool(active), actor_id=caller().id), msg
        )

    @guarded(Perm.USERS_MANAGE)
    def reset_password(self, user_id: int):
        try:
            with session_scope() as session:
                password = users.reset_password(session, int(user_id), actor_id=caller().id)
        except (ValidationError, NotFound, ValueError) as exc:
            return rx.toast.error(self._t(_message(exc)))
        self.new_password = password
        email = next((u.email for u in self.users if u.id == int(user_id)), "")
        message = N_(
            "Give this password to {email}. It is shown only now; they are signed out everywhere."
        )
        self.new_password_for = i18n.format_message(message, self.locale, email=email)
        return None

    @guarded(Perm.USERS_MANAGE)
    def close_password(self):
        self.new_password = ""
        self.new_password_for = ""

    def _apply(self, action, success: str):
        try:
            with session_scope() as session:
                action(session)
        except (ValidationError, NotFound, ValueError) as exc:
            return rx.toast.error(self._t(_message(exc)))
        self._reload()
        return rx.toast.success(self._t(success))


def _message(exc: Exception) -> str:
    """The English message id for an error (translated by the caller)."""
    if isinstance(exc, ValidationError):
        return next(iter(exc.errors.values()))
    if isinstance(exc, NotFound):
        return N_("That user no longer exists.")
    return N_("That did not work. Check the values and try again.")
