"""Users: create, change role, deactivate, reset password, profile. All writes audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Role, User

from . import app_settings, auth, writes
from .errors import NotFound, ValidationError
from .i18n import LANGUAGES, N_

LOCALES = tuple(LANGUAGES)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    email: str
    role: str
    active: bool
    last_login_at: datetime | None


def _validate(
    session: Session,
    *,
    name: str,
    email: str,
    role: str,
    password: str | None,
    exclude_id: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = N_("Enter the person's name.")
    elif len(name) > 120:
        errors["name"] = N_("Use at most 120 characters.")
    if len(email) > 254 or not _EMAIL.match(email):  # 254: the column and login() limit
        errors["email"] = N_("Enter a valid e-mail address, like name@example.com.")
    else:
        q = sa.select(User.id).where(User.email == email)
        if exclude_id is not None:
            q = q.where(User.id != exclude_id)
        if session.execute(q).first() is not None:
            errors["email"] = N_("A user with this e-mail address already exists.")
    if role not in {r.value for r in Role}:
        errors["role"] = N_("Choose a role.")
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = N_("Use at least 10 characters.")
    return errors


def create_user(
    session: Session,
    *,
    name: str,
    email: str,
    role: str,
    password: str,
    actor_id: int | None,
    locale: str = "en",
    time_zone: str | None = None,
    is_demo: bool = False,
) -> User:
    """Create an active user; raises ValidationError with per-field messages."""
    email = email.strip().lower()
    name = name.strip()
    errors = _validate(session, name=name, email=email, role=role, password=password)
    if errors:
        raise ValidationError(errors)
    tz = time_zone or app_settings.get(session, "time_zone") or "UTC"
    if not app_settings.valid_time_zone(tz):
        raise ValidationError({"time_zone": N_("Choose a time zone from the list.")})
    user = User(
        name=name,
        email=email,
        role=role,
        password_hash=auth.hash_password(password),
        locale=locale if locale in LOCALES else "en",
        time_zone=tz,
        is_demo=is_demo,
    )
    return writes.create(session, user, actor_id=actor_id)


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id}")
    return user


def _active_admins(session: Session) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    ).scalar_one()


def change_role(session: Session, user_id: int, role: str, *, actor_id: int) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError({"role": N_("Choose a role.")})
    user = _get(session, user_id)
    if (
        user.role == Role.ADMIN
        and role != Role.ADMIN
        and user.active
        and _active_admins(session) <= 1
    ):
        raise ValidationError({"role": N_("Keep at least one active administrator.")})
    writes.update(session, user, {"role": role}, actor_id=actor_id)


def set_active(session: Session, user_id: int, active: bool, *, actor_id: int) -> None:
    user = _get(session, user_id)
    if not active:
        if user_id == actor_id:
            raise ValidationError({"active": N_("You cannot deactivate yourself.")})
        if user.role == Role.ADMIN and user.active and _active_admins(session) <= 1:
            raise ValidationError({"active": N_("Keep at least one active administrator.")})
    writes.update(session, user, {"active": active}, actor_id=actor_id)
    if not active:
        auth.end_sessions_of(session, user_id)


def reset_password(
    session: Session, user_id: int, *, actor_id: int, password: str | None = None
) -> str:
    """Set a new password (generated when not given), sign the user out everywhere."""
    password = password or auth.generate_password()
    if len(password) < MIN_PASSWORD:
        raise ValidationError({"password": N_("Use at least 10 characters.")})
    user = _get(session, user_id)
    writes.update(session, user, {"password_hash": auth.hash_password(password)}, actor_id=actor_id)
    auth.end_sessions_of(session, user_id)
    return password


def update_profile(
    session: Session, user_id: int, *, locale: str | None = None, time_zone: str | None = None
) -> None:
    changes: dict[str, str] = {}
    if locale is not None:
        if locale not in LOCALES:
            raise ValidationError({"locale": N_("Choose a language.")})
        changes["locale"] = locale
    if time_zone is not None:
        if not app_settings.valid_time_zone(time_zone):
            raise ValidationError({"time_zone": N_("Choose a time zone from the list.")})
        changes["time_zone"] = time_zone
    writes.update(session, _get(session, user_id), changes, actor_id=user_id)


def list_users(session: Session) -> list[UserRow]:
    rows = session.execute(sa.select(User).order_by(User.active.desc(), User.name)).scalars()
    return [UserRow(u.id or 0, u.name, u.email, u.role, u.active, u.last_login_at) for u in rows]


def count(session: Session) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one()


def ensure_first_admin(session: Session) -> tuple[str, str] | None:
    """On an installation without users, create an admin; returns (email, password) once."""
    if count(session):
        return None
    password = auth.generate_password()
    create_user(
        session,
        name="Administrator",
        email="admin@rapport.local",
        role=Role.ADMIN,
        password=password,
        actor_id=None,
    )
    return "admin@rapport.local", password


def demo_users(session: Session) -> list[UserRow]:
    """Demo logins offered on the login page, only while the demo business is loaded."""
    if not app_settings.get(session, "demo_loaded"):
        return []
    rows = session.execute(
        sa.select(User).where(User.is_demo, User.active).order_by(User.role, User.name)
    ).scalars()
    return [UserRow(u.id or 0, u.name, u.email, u.role, u.active, u.last_login_at) for u in rows]
