"""Tags: one per name whatever its case, created on the fly and audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Tag, User
from crm_app.services import tags, writes
from crm_app.services.errors import ValidationError


def _tag_audits(session) -> list[AuditEntry]:
    session.expire_all()
    q = sa.select(AuditEntry).where(AuditEntry.entity == "tags").order_by(AuditEntry.id)
    return list(session.execute(q).scalars())


def test_ensure_tags_reuses_existing_tags_whatever_the_case(session):
    vip = writes.create(session, Tag(name="VIP", color="purple"), actor_id=None)

    found = tags.ensure_tags(session, ["vip", " Vip ", "VIP"], actor_id=None)

    assert [t.id for t in found] == [vip.id]
    assert session.execute(sa.select(sa.func.count()).select_from(Tag)).scalar() == 1


def test_ensure_tags_trims_collapses_spaces_and_creates_the_rest_audited(session):
    actor = User(email="a@example.com", name="A", password_hash="x")
    session.add(actor)
    session.flush()

    found = tags.ensure_tags(
        session, ["  Key   account ", "", "Partner", "key account"], actor_id=actor.id
    )

    assert [t.name for t in found] == ["Key account", "Partner"]
    entries = _tag_audits(session)
    assert [(e.action, e.changes["name"], e.user_id) for e in entries] == [
        ("create", "Key account", actor.id),
        ("create", "Partner", actor.id),
    ]
    assert all(t.color in tags.PALETTE for t in found)


def test_ensure_tags_matches_non_ascii_names_case_insensitively(session):
    # SQLite's lower() folds ASCII only; the reuse must not depend on it.
    tag = writes.create(session, Tag(name="Õunaaed Ärikliendid"), actor_id=None)

    found = tags.ensure_tags(session, ["õunaaed ärikliendid"], actor_id=None)

    assert [t.id for t in found] == [tag.id]


def test_ensure_tags_rejects_names_longer_than_the_column(session):
    with pytest.raises(ValidationError) as exc:
        tags.ensure_tags(session, ["ok", "x" * 61], actor_id=None)

    assert exc.value.errors == {"tags": "A tag can be at most 60 characters long."}
    assert session.execute(sa.select(sa.func.count()).select_from(Tag)).scalar() == 0
    assert tags.ensure_tags(session, ["y" * 60], actor_id=None)[0].name == "y" * 60


def test_list_tags_sorted_by_name_with_colors(session):
    writes.create(session, Tag(name="wholesale", color="blue"), actor_id=None)
    writes.create(session, Tag(name="At risk", color="red"), actor_id=None)

    listed = tags.list_tags(session)

    assert [(name, color) for _, name, color in listed] == [
        ("At risk", "red"),
        ("wholesale", "blue"),
    ]
    assert all(isinstance(i, int) for i, _, _ in listed)
