"""Passwords, server-side sessions, login auditing and the login rate limit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_app.db import session_scope
from crm_app.models import AuditEntry, RateLimitHit, Role, User, UserSession, utcnow
from crm_app.services import auth, users

PASSWORD = "correct horse battery"
WRONG = "Wrong e-mail address or password."
_REAL_HASHER = auth._hasher


def _make_user(session, email="ada@example.com", role=Role.SALES, password=PASSWORD) -> User:
    return users.create_user(
        session, name="Ada Lovelace", email=email, role=role, password=password, actor_id=None
    )


def _audit_actions(session, user_id: int) -> list[str]:
    return list(
        session.execute(
            sa.select(AuditEntry.action)
            .where(AuditEntry.entity == "users", AuditEntry.entity_id == user_id)
            .order_by(AuditEntry.id)
        ).scalars()
    )


def test_real_hasher_is_argon2id_and_verifies():
    hashed = _REAL_HASHER.hash(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, PASSWORD)  # params are read from the hash itself


def test_hash_and_verify():
    hashed = auth.hash_password(PASSWORD)
    assert PASSWORD not in hashed
    assert auth.hash_password(PASSWORD) != hashed  # salted
    assert auth.verify_password(hashed, PASSWORD)
    assert not auth.verify_password(hashed, PASSWORD + "!")
    assert not auth.verify_password(hashed, "")
    assert not auth.verify_password("not a hash at all", PASSWORD)


def test_generated_passwords_are_long_and_distinct():
    a, b = auth.generate_password(), auth.generate_password()
    assert a != b
    assert len(a) >= users.MIN_PASSWORD


def test_login_returns_a_token_that_resolves_to_the_user(session):
    user = _make_user(session)

    token, current = auth.login(session, "ada@example.com", PASSWORD)

    assert current == auth.CurrentUser(
        user.id, "Ada Lovelace", "ada@example.com", "sales", "en", "UTC"
    )
    assert auth.resolve(session, token) == current
    assert session.get(User, user.id).last_login_at is not None


def test_login_is_case_and_whitespace_insensitive_on_the_address(session):
    user = _make_user(session)
    _, current = auth.login(session, "  ADA@Example.COM ", PASSWORD)
    assert current.id == user.id


def test_only_the_sha256_of_the_token_is_stored(session):
    _make_user(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)
    session.flush()

    rows = session.execute(sa.text("SELECT * FROM user_sessions")).all()
    assert len(rows) == 1
    stored = rows[0]._mapping
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in stored.values())
    # the session lasts SESSION_HOURS
    sess = session.execute(sa.select(UserSession)).scalar_one()
    assert timedelta(hours=auth.SESSION_HOURS - 1) < sess.expires_at - utcnow()
    assert sess.expires_at - utcnow() <= timedelta(hours=auth.SESSION_HOURS)


def test_each_login_gets_its_own_token(session):
    _make_user(session)
    t1, _ = auth.login(session, "ada@example.com", PASSWORD)
    t2, _ = auth.login(session, "ada@example.com", PASSWORD)
    assert t1 != t2
    assert auth.resolve(session, t1) is not None and auth.resolve(session, t2) is not None


def test_wrong_password_and_unknown_address_give_the_same_message(session):
    _make_user(session)

    with pytest.raises(auth.LoginError) as wrong_password:
        auth.login(session, "ada@example.com", "not the password")
    with pytest.raises(auth.LoginError) as unknown_email:
        auth.login(session, "nobody@example.com", PASSWORD)

    assert str(wrong_password.value) == str(unknown_email.value) == WRONG
    assert session.execute(sa.select(UserSession)).first() is None


def test_empty_credentials_are_asked_for(session):
    for email, password in (("", PASSWORD), ("ada@example.com", ""), ("   ", PASSWORD)):
        with pytest.raises(auth.LoginError, match="Enter your e-mail address and password"):
            auth.login(session, email, password)


def test_deactivated_user_cannot_log_in(session):
    admin = _make_user(session, "admin@example.com", Role.ADMIN)
    user = _make_user(session)
    users.set_active(session, user.id, False, actor_id=admin.id)

    with pytest.raises(auth.LoginError, match="deactivated"):
        auth.login(session, "ada@example.com", PASSWORD)
    assert session.execute(sa.select(UserSession)).first() is None


def test_deactivation_ends_existing_sessions(session):
    admin = _make_user(session, "admin@example.com", Role.ADMIN)
    _make_user(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)
    admin_token, _ = auth.login(session, "admin@example.com", PASSWORD)
    user_id = auth.resolve(session, token).id

    users.set_active(session, user_id, False, actor_id=admin.id)

    assert auth.resolve(session, token) is None
    assert (
        session.execute(sa.select(UserSession).where(UserSession.user_id == user_id)).first()
        is None
    )
    assert auth.resolve(session, admin_token) is not None  # others stay signed in


def test_session_of_an_inactive_user_does_not_resolve_even_if_left_behind(session):
    user = _make_user(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)
    user.active = False  # bypass set_active, which would also delete the session
    session.add(user)
    session.flush()

    assert session.execute(sa.select(UserSession)).first() is not None
    assert auth.resolve(session, token) is None


def test_expired_session_does_not_resolve_and_is_purged(session):
    _make_user(session)
    expired, _ = auth.login(session, "ada@example.com", PASSWORD)
    live, _ = auth.login(session, "ada@example.com", PASSWORD)
    session.flush()
    session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == hashlib.sha256(expired.encode()).hexdigest())
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )

    assert auth.resolve(session, expired) is None
    assert auth.resolve(session, live) is not None
    assert auth.purge_expired(session) == 1
    assert session.execute(sa.select(sa.func.count()).select_from(UserSession)).scalar() == 1


def test_resolve_rejects_missing_unknown_and_oversized_tokens(session):
    _make_user(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)
    assert auth.resolve(session, "") is None
    assert auth.resolve(session, "no-such-token") is None
    assert auth.resolve(session, token + "x") is None
    assert auth.resolve(session, "x" * 201) is None


def test_logout_removes_the_session_and_audits(session):
    user = _make_user(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)

    auth.logout(session, token)
    session.flush()

    assert auth.resolve(session, token) is None
    assert session.execute(sa.select(UserSession)).first() is None
    assert _audit_actions(session, user.id) == ["create", "login", "logout"]
    logout = session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "logout")
    ).scalar_one()
    assert logout.user_id == user.id


def test_logout_of_an_unknown_or_empty_token_does_nothing(session):
    user = _make_user(session)
    auth.logout(session, "")
    auth.logout(session, "never-issued")
    assert _audit_actions(session, user.id) == ["create"]


def test_login_is_audited_and_failures_are_not(session):
    user = _make_user(session)
    with pytest.raises(auth.LoginError):
        auth.login(session, "ada@example.com", "wrong password")
    auth.login(session, "ada@example.com", PASSWORD)
    session.flush()

    assert _audit_actions(session, user.id) == ["create", "login"]
    login = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "login")).scalar_one()
    assert login.user_id == user.id


def _hits(session, email: str) -> int:
    return session.execute(
        sa.select(sa.func.count())
        .select_from(RateLimitHit)
        .where(RateLimitHit.key == f"login:{email}")
    ).scalar_one()


def test_rate_limit_blocks_after_limit_failed_attempts_for_an_address(session):
    _make_user(session)
    _make_user(session, "other@example.com")
    for _ in range(auth.LOGIN_LIMIT):
        with pytest.raises(auth.LoginError, match="Wrong"):
            auth.login(session, "ada@example.com", "wrong password")

    # now even the right password is refused, under any spelling of the address
    with pytest.raises(auth.LoginError, match="Too many attempts"):
        auth.login(session, "ada@example.com", PASSWORD)
    with pytest.raises(auth.LoginError, match="Too many attempts"):
        auth.login(session, "ADA@example.com", PASSWORD)
    # another address is not affected
    token, _ = auth.login(session, "other@example.com", PASSWORD)
    assert auth.resolve(session, token) is not None


def test_rate_limit_survives_the_rollback_of_session_scope(db_url):
    """Each failed login raises, and session_scope rolls back on errors: the hit must stay."""
    with session_scope(db_url) as s:
        _make_user(s)
    for _ in range(auth.LOGIN_LIMIT):
        with pytest.raises(auth.LoginError, match="Wrong"), session_scope(db_url) as s:
            auth.login(s, "ada@example.com", "wrong password")

    with pytest.raises(auth.LoginError, match="Too many attempts"), session_scope(db_url) as s:
        auth.login(s, "ada@example.com", PASSWORD)
    with session_scope(db_url) as s:
        assert _hits(s, "ada@example.com") == auth.LOGIN_LIMIT


def test_rate_limit_applies_to_unknown_addresses_too(session):
    for _ in range(auth.LOGIN_LIMIT):
        with pytest.raises(auth.LoginError, match="Wrong"):
            auth.login(session, "ghost@example.com", "whatever")
    with pytest.raises(auth.LoginError, match="Too many attempts"):
        auth.login(session, "ghost@example.com", "whatever")


def test_rate_limit_window_expires(session):
    _make_user(session)
    for _ in range(auth.LOGIN_LIMIT):
        with pytest.raises(auth.LoginError):
            auth.login(session, "ada@example.com", "wrong password")
    session.execute(
        sa.update(RateLimitHit).values(at=utcnow() - auth.LOGIN_WINDOW - timedelta(seconds=1))
    )

    token, _ = auth.login(session, "ada@example.com", PASSWORD)
    assert auth.resolve(session, token) is not None


def test_successful_login_clears_the_failed_attempts(session):
    _make_user(session)
    for _ in range(auth.LOGIN_LIMIT - 1):
        with pytest.raises(auth.LoginError):
            auth.login(session, "ada@example.com", "wrong password")
    assert _hits(session, "ada@example.com") == auth.LOGIN_LIMIT - 1

    auth.login(session, "ada@example.com", PASSWORD)
    assert _hits(session, "ada@example.com") == 0

    # a fresh allowance: LOGIN_LIMIT - 1 more failures still leave the correct password working
    for _ in range(auth.LOGIN_LIMIT - 1):
        with pytest.raises(auth.LoginError, match="Wrong"):
            auth.login(session, "ada@example.com", "wrong password")
    auth.login(session, "ada@example.com", PASSWORD)


def test_over_long_input_is_rejected(session):
    _make_user(session)
    long_email = "a" * 250 + "@example.com"
    with pytest.raises(auth.LoginError) as too_long_email:
        auth.login(session, long_email, PASSWORD)
    with pytest.raises(auth.LoginError) as too_long_password:
        auth.login(session, "ada@example.com", "p" * 1025)
    assert str(too_long_email.value) == str(too_long_password.value) == WRONG
    # rejected before anything is recorded
    assert _hits(session, long_email) == 0
    assert _hits(session, "ada@example.com") == 0


@pytest.fixture(autouse=True)
def _fast(fast_hashing):
    """Cheap argon2 parameters for the many hashes below."""
