"""Passwords (argon2), server-side sessions referenced by a cookie token, login rate limits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from crm_app.models import User, UserSession, utcnow
from crm_app.settings import SESSION_HOURS

from . import rate_limit, writes
from .i18n import N_

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

LOGIN_LIMIT = 10  # attempts per e-mail address …
LOGIN_WINDOW = timedelta(minutes=15)  # … in this window


@dataclass(frozen=True)
class CurrentUser:
    """What a state needs to know about the caller: plain data, safe to cache per event."""

    id: int
    name: str
    email: str
    role: str
    locale: str
    time_zone: str


class LoginError(Exception):
    """Why a login failed, in words fit for the person at the login form."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current(user: User) -> CurrentUser:
    assert user.id is not None
    return CurrentUser(user.id, user.name, user.email, user.role, user.locale, user.time_zone)


def login(session: Session, email: str, password: str) -> tuple[str, CurrentUser]:
    """Check the credentials and open a session; returns (cookie token, user).

    Raises LoginError with the same message for an unknown address and a wrong password,
    so the form does not reveal which addresses exist. Rate limited per address.
    """
    email = (email or "").strip().lower()
    if not email or not password:
        raise LoginError(N_("Enter your e-mail address and password."))
    if len(email) > 254 or len(password) > 1024:
        raise LoginError(N_("Wrong e-mail address or password."))
    if not rate_limit.allow(session, f"login:{email}", limit=LOGIN_LIMIT, window=LOGIN_WINDOW):
        raise LoginError(N_("Too many attempts. Wait 15 minutes and try again."))
    # Keep the attempt even when the login fails below: callers (session_scope) roll back
    # on the LoginError, which would otherwise erase the hit and disable the rate limit.
    session.commit()
    user = session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise LoginError(N_("Wrong e-mail address or password."))
    if not verify_password(user.password_hash, password):
        raise LoginError(N_("Wrong e-mail address or password."))
    if not user.active:
        raise LoginError(N_("This account is deactivated. Ask an administrator."))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
            last_seen_at=now,
        )
    )
    user.last_login_at = now
    session.add(user)
    rate_limit.clear(session, f"login:{email}")
    writes.audit(session, actor_id=user.id, entity="users", entity_id=user.id, action="login")
    return token, _current(user)


def resolve(session: Session, token: str) -> CurrentUser | None:
    """The active user behind a session token, or None when missing, expired or deactivated."""
    if not token or len(token) > 200:
        return None
    row = session.execute(
        sa.select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    sess, user = row
    if sess.expires_at <= utcnow() or not user.active:
        return None
    return _current(user)


def logout(session: Session, token: str) -> None:
    if not token:
        return
    row = session.execute(
        sa.select(UserSession).where(UserSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is not None:
        writes.audit(
            session, actor_id=row.user_id, entity="users", entity_id=row.user_id, action="logout"
        )
        session.delete(row)


def end_sessions_of(session: Session, user_id: int) -> None:
    """Sign a user out everywhere (after deactivation or a password reset)."""
    session.execute(sa.delete(UserSession).where(UserSession.user_id == user_id))


def purge_expired(session: Session) -> int:
    result = session.execute(sa.delete(UserSession).where(UserSession.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
