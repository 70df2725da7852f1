"""The audited write path: every create, update and delete leaves exactly the right audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from crm_app.db import get_engine, session_scope
from crm_app.models import AuditEntry, Company, Contact, Tag, User, utcnow
from crm_app.services import auth, writes


def _audit(session: Session, **where) -> list[AuditEntry]:
    """Audit entries as stored in the database (expired first, so JSON is read back)."""
    session.expire_all()
    q = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        q = q.where(getattr(AuditEntry, key) == value)
    return list(session.execute(q).scalars())


def _user(session: Session, email: str = "actor@example.com") -> User:
    user = User(email=email, name="Actor", password_hash="x", role="admin")
    session.add(user)
    session.flush()
    return user


def test_create_writes_row_and_one_audit_entry_with_initial_values(session):
    actor = _user(session)
    company = writes.create(
        session, Company(name="Acme", city="Tartu", employees=12), actor_id=actor.id
    )

    assert company.id is not None
    stored = session.get(Company, company.id)
    assert stored is not None and stored.name == "Acme"

    entries = _audit(session, entity="companies")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.entity_id == company.id
    assert entry.action == "create"
    assert entry.user_id == actor.id
    assert entry.changes["id"] == company.id
    assert entry.changes["name"] == "Acme"
    assert entry.changes["city"] == "Tartu"
    assert entry.changes["employees"] == 12
    assert entry.changes["custom_fields"] == {}
    # datetimes are stored as ISO strings; None values are left out
    assert entry.changes["created_at"] == company.created_at.isoformat()
    assert "domain" not in entry.changes
    assert "owner_id" not in entry.changes


def test_create_never_copies_the_password_hash_into_the_audit(session):
    hashed = auth.hash_password("correct horse battery")
    user = writes.create(
        session,
        User(email="ada@example.com", name="Ada", password_hash=hashed),
        actor_id=None,
    )

    [entry] = _audit(session, entity="users")
    assert entry.entity_id == user.id
    assert entry.user_id is None
    assert entry.changes["email"] == "ada@example.com"
    assert "password_hash" not in entry.changes
    assert hashed not in str(entry.changes)


def test_update_audits_only_changed_fields_as_before_after(session):
    contact = writes.create(
        session, Contact(first_name="Ada", last_name="Lovelace", city="London"), actor_id=None
    )
    contacted = utcnow()

    diff = writes.update(
        session,
        contact,
        {
            "first_name": "Augusta",
            "last_name": "Lovelace",  # unchanged
            "city": "London",  # unchanged
            "last_contacted_at": contacted,
        },
        actor_id=None,
    )

    assert diff == {"first_name": ["Ada", "Augusta"], "last_contacted_at": [None, contacted]}
    updates = _audit(session, entity="contacts", action="update")
    assert len(updates) == 1
    assert updates[0].entity_id == contact.id
    assert updates[0].changes == {
        "first_name": ["Ada", "Augusta"],
        "last_contacted_at": [None, contacted.isoformat()],
    }
    assert session.get(Contact, contact.id).first_name == "Augusta"


def test_update_bumps_updated_at(session):
    long_ago = utcnow() - timedelta(days=30)
    company = writes.create(
        session, Company(name="Acme", created_at=long_ago, updated_at=long_ago), actor_id=None
    )

    writes.update(session, company, {"name": "Acme Ltd"}, actor_id=None)

    session.expire_all()
    stored = session.get(Company, company.id)
    assert stored.updated_at > long_ago
    assert utcnow() - stored.updated_at < timedelta(minutes=1)
    assert stored.created_at == long_ago
    [entry] = _audit(session, action="update")
    assert entry.changes == {"name": ["Acme", "Acme Ltd"]}  # the bump itself is not audited


def test_update_without_real_change_writes_nothing(session):
    long_ago = utcnow() - timedelta(days=3)
    company = writes.create(
        session, Company(name="Acme", city="Tartu", updated_at=long_ago), actor_id=None
    )
    before = len(_audit(session))

    diff = writes.update(session, company, {"name": "Acme", "city": "Tartu"}, actor_id=None)
    assert diff == {}
    assert writes.update(session, company, {}, actor_id=None) == {}

    assert len(_audit(session)) == before
    assert session.get(Company, company.id).updated_at == long_ago


def test_update_rejects_unknown_fields_and_changes_nothing(session):
    company = writes.create(session, Company(name="Acme"), actor_id=None)

    with pytest.raises(ValueError, match="unknown fields for companies.*nickname"):
        writes.update(session, company, {"name": "Other", "nickname": "A"}, actor_id=None)

    assert company.name == "Acme"
    assert _audit(session, action="update") == []


def test_password_change_is_audited_masked(session):
    old_hash = auth.hash_password("first password 1")
    user = writes.create(
        session, User(email="ada@example.com", name="Ada", password_hash=old_hash), actor_id=None
    )
    new_hash = auth.hash_password("second password 2")

    diff = writes.update(
        session, user, {"password_hash": new_hash, "name": "Ada L."}, actor_id=user.id
    )

    assert diff["password_hash"] == [old_hash, new_hash]  # the caller sees the real diff
    [entry] = _audit(session, entity="users", action="update")
    assert entry.changes == {"password_hash": ["***", "***"], "name": ["Ada", "Ada L."]}
    assert old_hash not in str(entry.changes) and new_hash not in str(entry.changes)
    assert session.get(User, user.id).password_hash == new_hash


def test_delete_removes_row_and_audits_old_values(session):
    actor = _user(session)
    company = writes.create(session, Company(name="Gone Ltd", country="EE"), actor_id=actor.id)
    company_id = company.id

    writes.delete(session, company, actor_id=actor.id)

    assert session.get(Company, company_id) is None
    [entry] = _audit(session, entity="companies", action="delete")
    assert entry.entity_id == company_id
    assert entry.user_id == actor.id
    assert entry.changes["name"] == "Gone Ltd"
    assert entry.changes["country"] == "EE"
    assert entry.changes["id"] == company_id


def test_delete_of_a_user_keeps_the_hash_out_of_the_audit(session):
    user = writes.create(
        session, User(email="b@example.com", name="B", password_hash="secret-hash"), actor_id=None
    )
    writes.delete(session, user, actor_id=None)
    [entry] = _audit(session, entity="users", action="delete")
    assert entry.changes["email"] == "b@example.com"
    assert "password_hash" not in entry.changes


def test_bulk_insert_inserts_all_rows_with_one_entry_and_the_id_range(session):
    writes.create(session, Tag(name="existing"), actor_id=None)
    existing_id = session.execute(sa.select(Tag.id)).scalar_one()

    n = writes.bulk_insert(
        session, Tag, [{"name": f"tag-{i}"} for i in range(50)], actor_id=None, note="import"
    )

    assert n == 50
    names = session.execute(sa.select(Tag.name).order_by(Tag.id)).scalars().all()
    assert names == ["existing"] + [f"tag-{i}" for i in range(50)]
    # column defaults apply to bulk rows too
    assert session.execute(sa.select(sa.func.count()).where(Tag.color == "gray")).scalar() == 51
    [entry] = _audit(session, action="bulk_create")
    assert entry.entity == "tags"
    assert entry.entity_id is None
    assert entry.changes == {
        "rows": 50,
        "first_id": existing_id + 1,
        "last_id": existing_id + 50,
        "note": "import",
    }
    ids = session.execute(sa.select(Tag.id).where(Tag.name.like("tag-%"))).scalars().all()
    assert (min(ids), max(ids)) == (existing_id + 1, existing_id + 50)


def test_bulk_insert_into_an_empty_table_starts_at_one_and_empty_batch_is_a_no_op(session):
    assert writes.bulk_insert(session, Tag, [], actor_id=None) == 0
    assert _audit(session) == []

    writes.bulk_insert(session, Tag, [{"name": "a"}, {"name": "b"}], actor_id=None)
    [entry] = _audit(session, action="bulk_create")
    assert entry.changes["rows"] == 2
    assert (entry.changes["first_id"], entry.changes["last_id"]) == (1, 2)


def test_create_many_writes_one_audit_entry_per_object(session):
    contacts = writes.create_many(
        session,
        [Contact(first_name=name, last_name="Test") for name in ("Ann", "Ben", "Cid")],
        actor_id=None,
    )

    assert all(c.id is not None for c in contacts)
    entries = _audit(session, entity="contacts")
    assert [e.action for e in entries] == ["create"] * 3
    assert [e.entity_id for e in entries] == [c.id for c in contacts]
    assert [e.changes["first_name"] for e in entries] == ["Ann", "Ben", "Cid"]
    assert all(isinstance(e.changes["created_at"], str) for e in entries)


def test_create_many_keeps_password_hashes_out_of_the_audit(session):
    writes.create_many(
        session,
        [
            User(email=f"u{i}@example.com", name=f"U{i}", password_hash=f"hash-{i}")
            for i in range(2)
        ],
        actor_id=None,
    )
    entries = _audit(session, entity="users")
    assert len(entries) == 2
    assert all("password_hash" not in e.changes for e in entries)


def _count(url: str, model) -> int:
    with Session(get_engine(url)) as s:
        return s.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_session_scope_commits_row_and_audit_together(db_url):
    with session_scope(db_url) as s:
        writes.create(s, Company(name="Kept"), actor_id=None)

    assert _count(db_url, Company) == 1
    assert _count(db_url, AuditEntry) == 1


def test_failure_inside_session_scope_rolls_back_row_and_audit(db_url):
    with pytest.raises(RuntimeError, match="boom"), session_scope(db_url) as s:
        writes.create(s, Company(name="Half"), actor_id=None)
        writes.update(s, s.get(Company, 1), {"city": "Tartu"}, actor_id=None)
        raise RuntimeError("boom")

    assert _count(db_url, Company) == 0
    assert _count(db_url, AuditEntry) == 0


def test_database_error_inside_session_scope_leaves_nothing_half_written(db_url):
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        writes.create(s, Tag(name="vip"), actor_id=None)
        writes.create(s, Tag(name="vip"), actor_id=None)  # unique name violated

    assert _count(db_url, Tag) == 0
    assert _count(db_url, AuditEntry) == 0
