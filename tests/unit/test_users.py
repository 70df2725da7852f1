"""Users: validation, roles, the last-admin guard, deactivation, password reset, profile."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Role, User, UserSession
from crm_app.services import app_settings, auth, users
from crm_app.services.errors import NotFound, ValidationError

PASSWORD = "long enough password"


def _create(session, email="ada@example.com", role=Role.SALES, name="Ada Lovelace", **kw) -> User:
    kw.setdefault("password", PASSWORD)
    kw.setdefault("actor_id", None)
    return users.create_user(session, name=name, email=email, role=role, **kw)


def _errors(session, **overrides) -> dict[str, str]:
    args = {"name": "Ada", "email": "new@example.com", "role": "sales", "password": PASSWORD}
    args.update(overrides)
    with pytest.raises(ValidationError) as exc:
        users.create_user(session, actor_id=None, **args)
    return exc.value.errors


def _count_users(session) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one()


def test_create_user_stores_a_normalised_active_user_and_audits(session):
    user = _create(session, email="  Ada@Example.COM ", name="  Ada Lovelace ")

    stored = session.get(User, user.id)
    assert (stored.email, stored.name, stored.role) == ("ada@example.com", "Ada Lovelace", "sales")
    assert stored.active and not stored.is_demo
    assert (stored.locale, stored.time_zone) == ("en", "UTC")
    assert auth.verify_password(stored.password_hash, PASSWORD)
    entry = session.execute(sa.select(AuditEntry)).scalar_one()
    assert (entry.entity, entry.entity_id, entry.action) == ("users", user.id, "create")


def test_create_user_takes_the_installation_time_zone_and_known_locales(session):
    app_settings.put(session, "time_zone", "Europe/Tallinn", actor_id=None)
    a = _create(session, "a@example.com", locale="et")
    b = _create(session, "b@example.com", locale="xx", time_zone="Asia/Jerusalem")
    assert (a.locale, a.time_zone) == ("et", "Europe/Tallinn")
    assert (b.locale, b.time_zone) == ("en", "Asia/Jerusalem")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the person's name."),
        ("name", "   ", "Enter the person's name."),
        ("name", "x" * 121, "Use at most 120 characters."),
        ("email", "not-an-email", "Enter a valid e-mail address, like name@example.com."),
        ("email", "a@b", "Enter a valid e-mail address, like name@example.com."),
        ("email", "two words@example.com", "Enter a valid e-mail address, like name@example.com."),
        (
            "email",
            "a" * 250 + "@example.com",
            "Enter a valid e-mail address, like name@example.com.",
        ),
        ("role", "boss", "Choose a role."),
        ("role", "ADMIN", "Choose a role."),
        ("password", "short", "Use at least 10 characters."),
        ("password", "123456789", "Use at least 10 characters."),
    ],
)
def test_create_user_validation_message_per_field(session, field, value, message):
    errors = _errors(session, **{field: value})
    assert errors == {field: message}
    assert _count_users(session) == 0


def test_create_user_reports_every_bad_field_at_once(session):
    errors = _errors(session, name="", email="bad", role="nope", password="x")
    assert set(errors) == {"name", "email", "role", "password"}


def test_duplicate_email_is_refused_case_insensitively(session):
    _create(session, "ada@example.com")
    errors = _errors(session, email=" ADA@Example.com")
    assert errors == {"email": "A user with this e-mail address already exists."}
    assert _count_users(session) == 1


def test_every_role_can_be_created(session):
    for role in Role:
        assert _create(session, f"{role.value}@example.com", role=role.value).role == role.value


def test_change_role_updates_and_audits(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    user = _create(session)

    users.change_role(session, user.id, "manager", actor_id=admin.id)

    assert session.get(User, user.id).role == "manager"
    entry = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "update")).scalar_one()
    assert entry.user_id == admin.id
    assert entry.changes == {"role": ["sales", "manager"]}


def test_change_role_rejects_unknown_role_and_user(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    with pytest.raises(ValidationError) as exc:
        users.change_role(session, admin.id, "overlord", actor_id=admin.id)
    assert exc.value.errors == {"role": "Choose a role."}
    with pytest.raises(NotFound):
        users.change_role(session, 9999, "sales", actor_id=admin.id)


def test_last_active_admin_cannot_be_demoted(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    inactive_admin = _create(session, "old@example.com", Role.ADMIN)
    users.set_active(session, inactive_admin.id, False, actor_id=admin.id)

    with pytest.raises(ValidationError) as exc:
        users.change_role(session, admin.id, "manager", actor_id=admin.id)
    assert exc.value.errors == {"role": "Keep at least one active administrator."}
    assert session.get(User, admin.id).role == "admin"
    # an inactive admin is not protected: demoting it leaves the active one in place
    users.change_role(session, inactive_admin.id, "sales", actor_id=admin.id)
    assert session.get(User, inactive_admin.id).role == "sales"


def test_an_admin_can_be_demoted_while_another_is_active(session):
    first = _create(session, "first@example.com", Role.ADMIN)
    second = _create(session, "second@example.com", Role.ADMIN)
    users.change_role(session, first.id, "sales", actor_id=second.id)
    assert session.get(User, first.id).role == "sales"
    with pytest.raises(ValidationError):
        users.change_role(session, second.id, "sales", actor_id=second.id)


def test_last_active_admin_cannot_be_deactivated(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    manager = _create(session, "manager@example.com", Role.MANAGER)

    with pytest.raises(ValidationError) as exc:
        users.set_active(session, admin.id, False, actor_id=manager.id)
    assert exc.value.errors == {"active": "Keep at least one active administrator."}
    assert session.get(User, admin.id).active


def test_cannot_deactivate_yourself(session):
    first = _create(session, "first@example.com", Role.ADMIN)
    _create(session, "second@example.com", Role.ADMIN)
    with pytest.raises(ValidationError) as exc:
        users.set_active(session, first.id, False, actor_id=first.id)
    assert exc.value.errors == {"active": "You cannot deactivate yourself."}
    assert session.get(User, first.id).active


def test_deactivate_and_reactivate(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    user = _create(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)

    users.set_active(session, user.id, False, actor_id=admin.id)
    assert not session.get(User, user.id).active
    assert auth.resolve(session, token) is None

    users.set_active(session, user.id, True, actor_id=admin.id)
    assert session.get(User, user.id).active
    assert auth.resolve(session, token) is None  # the old session stays ended
    new_token, _ = auth.login(session, "ada@example.com", PASSWORD)
    assert auth.resolve(session, new_token).id == user.id
    changes = (
        session.execute(
            sa.select(AuditEntry.changes)
            .where(AuditEntry.entity_id == user.id, AuditEntry.action == "update")
            .order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )
    assert changes == [{"active": [True, False]}, {"active": [False, True]}]


def test_reset_password_returns_a_working_password_and_ends_sessions(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    user = _create(session)
    token, _ = auth.login(session, "ada@example.com", PASSWORD)

    new_password = users.reset_password(session, user.id, actor_id=admin.id)

    assert len(new_password) >= users.MIN_PASSWORD
    assert auth.resolve(session, token) is None
    assert (
        session.execute(sa.select(UserSession).where(UserSession.user_id == user.id)).first()
        is None
    )
    with pytest.raises(auth.LoginError):
        auth.login(session, "ada@example.com", PASSWORD)
    new_token, current = auth.login(session, "ada@example.com", new_password)
    assert current.id == user.id
    entry = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "update")).scalar_one()
    assert entry.changes == {"password_hash": ["***", "***"]}


def test_reset_password_with_a_chosen_password(session):
    user = _create(session)
    assert users.reset_password(session, user.id, actor_id=user.id, password="chosen-password") == (
        "chosen-password"
    )
    auth.login(session, "ada@example.com", "chosen-password")
    with pytest.raises(ValidationError) as exc:
        users.reset_password(session, user.id, actor_id=user.id, password="short")
    assert exc.value.errors == {"password": "Use at least 10 characters."}
    with pytest.raises(NotFound):
        users.reset_password(session, 9999, actor_id=user.id)


def test_update_profile_validates_locale_and_time_zone(session):
    user = _create(session)

    with pytest.raises(ValidationError) as bad_locale:
        users.update_profile(session, user.id, locale="klingon")
    with pytest.raises(ValidationError) as bad_zone:
        users.update_profile(session, user.id, time_zone="Mars/Olympus_Mons")
    assert bad_locale.value.errors == {"locale": "Choose a language."}
    assert bad_zone.value.errors == {"time_zone": "Choose a time zone from the list."}
    stored = session.get(User, user.id)
    assert (stored.locale, stored.time_zone) == ("en", "UTC")

    users.update_profile(session, user.id, locale="he", time_zone="Asia/Jerusalem")
    stored = session.get(User, user.id)
    assert (stored.locale, stored.time_zone) == ("he", "Asia/Jerusalem")
    entry = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "update")).scalar_one()
    assert entry.user_id == user.id
    assert entry.changes == {"locale": ["en", "he"], "time_zone": ["UTC", "Asia/Jerusalem"]}


def test_update_profile_changes_only_what_is_given(session):
    user = _create(session)
    users.update_profile(session, user.id, time_zone="America/New_York")
    users.update_profile(session, user.id)  # nothing given: nothing written
    stored = session.get(User, user.id)
    assert (stored.locale, stored.time_zone) == ("en", "America/New_York")
    assert (
        session.execute(
            sa.select(sa.func.count()).where(AuditEntry.action == "update")
        ).scalar_one()
        == 1
    )


def test_ensure_first_admin_creates_an_admin_exactly_once(session):
    created = users.ensure_first_admin(session)

    assert created is not None
    email, password = created
    admin = session.execute(sa.select(User)).scalar_one()
    assert (admin.email, admin.role, admin.active) == (email, "admin", True)
    _, current = auth.login(session, email, password)
    assert current.role == "admin"

    assert users.ensure_first_admin(session) is None
    assert users.count(session) == 1


def test_ensure_first_admin_does_nothing_when_users_exist(session):
    _create(session)
    assert users.ensure_first_admin(session) is None
    assert users.count(session) == 1
    assert session.execute(sa.select(User.role)).scalar_one() == "sales"


def test_list_users_puts_active_first_then_by_name(session):
    admin = _create(session, "admin@example.com", Role.ADMIN, name="Zed")
    b = _create(session, "b@example.com", name="Bea")
    _create(session, "c@example.com", name="Cal")
    users.set_active(session, b.id, False, actor_id=admin.id)

    rows = users.list_users(session)
    assert [(r.name, r.active) for r in rows] == [("Cal", True), ("Zed", True), ("Bea", False)]


def test_demo_users_lists_only_active_demo_accounts(session):
    admin = _create(session, "admin@example.com", Role.ADMIN)
    _create(session, "demo1@example.com", Role.SALES, name="Demo Sales", is_demo=True)
    gone = _create(session, "demo2@example.com", Role.SUPPORT, name="Demo Gone", is_demo=True)
    users.set_active(session, gone.id, False, actor_id=admin.id)
    assert users.demo_users(session) == [], "no demo logins before the demo business is loaded"

    app_settings.put(session, "demo_loaded", True, actor_id=None)
    assert [r.email for r in users.demo_users(session)] == ["demo1@example.com"]


@pytest.fixture(autouse=True)
def _fast(fast_hashing):
    """Cheap argon2 parameters for the many hashes below."""
