"""Segments: saved filters, who sees and manages them, and their live audience."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Company, Contact
from crm_app.services import segments, writes
from crm_app.services.contact_query import ContactFilters
from crm_app.services.errors import NotFound, PermissionDenied, ValidationError

from .test_contact_query import make_contact, make_user


@pytest.fixture
def people(session):
    return make_user(session, "Ann"), make_user(session, "Bob"), make_user(session, "Mia")


def save(session, owner, name="Estonia", entity="contact", filters=None, shared=False):
    filters = {"countries": ["EE"]} if filters is None else filters
    return segments.create_segment(
        session, name=name, entity=entity, filters=filters, owner_id=owner.id, shared=shared
    )


def test_a_segment_stores_its_filters_parsed(session, people):
    ann, _, _ = people
    seg = save(session, ann, filters={"countries": ["ee"], "owner_ids": ["x", 3], "junk": 1})
    assert seg.filters == ContactFilters(countries=["EE"], owner_ids=[3]).to_dict()
    assert (seg.name, seg.entity, seg.owner_id, seg.shared) == ("Estonia", "contact", ann.id, False)
    assert session.execute(
        sa.select(AuditEntry.action).where(AuditEntry.entity == "segments")
    ).scalars().all() == ["create"]


@pytest.mark.parametrize(
    ("name", "entity", "field"),
    [("  ", "contact", "name"), ("x" * 121, "contact", "name"), ("ESTONIA ", "contact", "name"),
     ("Other", "deal", "entity")],
)  # fmt: skip
def test_bad_names_and_entities_are_refused(session, people, name, entity, field):
    save(session, people[0])
    with pytest.raises(ValidationError) as err:
        save(session, people[0], name=name, entity=entity)
    assert field in err.value.errors


def test_the_same_name_is_fine_for_another_owner_or_entity(session, people):
    ann, bob, _ = people
    save(session, ann)
    save(session, bob)
    save(session, ann, entity="company")
    assert len(segments.visible_segments(session, ann.id)) == 2


def test_each_user_sees_their_own_and_the_shared_segments(session, people):
    ann, bob, mia = people
    mine = save(session, ann, "Mine")
    shared = save(session, bob, "Team", shared=True)
    private = save(session, bob, "Bob only")
    save(session, ann, "Big ones", entity="company", filters={"industries": ["Retail"]})
    rows = segments.visible_segments(session, ann.id)
    assert [(r.name, r.entity, r.shared, r.owner, r.is_mine) for r in rows] == [
        ("Big ones", "company", False, "Ann", True),
        ("Mine", "contact", False, "Ann", True),
        ("Team", "contact", True, "Bob", False),
    ]
    assert [r.name for r in segments.visible_segments(session, mia.id)] == ["Team"]
    assert segments.get_visible(session, private.id, ann.id) is None
    assert segments.get_visible(session, shared.id, ann.id).id == shared.id
    assert segments.get_visible(session, mine.id, bob.id) is None


def test_only_the_owner_or_a_manager_changes_or_deletes(session, people):
    ann, bob, mia = people
    team = save(session, ann, "Team", shared=True)
    private = save(session, ann, "Private")
    with pytest.raises(PermissionDenied):
        segments.update_segment(session, team.id, actor_id=bob.id, name="Mine now")
    with pytest.raises(PermissionDenied):
        segments.delete_segment(session, team.id, actor_id=bob.id)
    with pytest.raises(NotFound):  # another user's private segment does not exist for Bob
        segments.delete_segment(session, private.id, actor_id=bob.id)
    with pytest.raises(ValidationError):
        segments.update_segment(session, team.id, actor_id=ann.id, name="private")
    updated = segments.update_segment(
        session,
        team.id,
        actor_id=ann.id,
        name="Team EE",
        filters={"stages": ["lead"]},
        shared=False,
    )
    assert (updated.name, updated.shared, updated.filters["stages"]) == ("Team EE", False, ["lead"])
    segments.update_segment(session, team.id, actor_id=mia.id, can_manage_all=True, shared=True)
    segments.delete_segment(session, team.id, actor_id=mia.id, can_manage_all=True)
    segments.delete_segment(session, private.id, actor_id=ann.id)
    assert segments.visible_segments(session, ann.id) == []
    with pytest.raises(NotFound):
        segments.delete_segment(session, team.id, actor_id=ann.id)


def test_the_audience_is_live(session, people):
    ann, _, _ = people
    first = make_contact(session, "Ada", "Lovelace", country="EE", tags=["vip"])
    make_contact(session, "Alan", "Turing", country="GB")
    seg = save(session, ann)
    assert segments.member_count(session, seg) == 1
    later = make_contact(session, "Grace", "Hopper", country="EE")
    assert segments.member_count(session, seg) == 2
    writes.update(session, first, {"country": "FI"}, actor_id=ann.id)
    assert segments.member_count(session, seg) == 1
    audience = segments.member_ids(session, seg)
    names = sa.select(Contact.last_name).where(Contact.id.in_(audience))
    assert session.execute(names).scalars().all() == ["Hopper"]
    writes.delete(session, later, actor_id=ann.id)
    assert segments.member_count(session, seg) == 0
    assert segments.member_count(session, None) == 0


def test_a_company_segment_counts_companies(session, people):
    ann, _, _ = people
    writes.create(session, Company(name="Acme", industry="Retail"), actor_id=None)
    writes.create(session, Company(name="Zeta", industry="Software"), actor_id=None)
    seg = save(session, ann, "Retail", entity="company", filters={"industries": ["Retail"]})
    assert segments.member_count(session, seg) == 1
    ids = session.execute(segments.member_ids(session, seg)).scalars().all()
    assert [session.get(Company, i).name for i in ids] == ["Acme"]


def test_a_segment_of_local_days_counts_in_the_given_time_zone(session, people):
    make_contact(session, "Late", "Night", created_at=datetime(2026, 1, 9, 23, 30, tzinfo=UTC))
    seg = save(session, people[0], filters={"created_from": "2026-01-10"})
    assert segments.member_count(session, seg) == 0
    assert segments.member_count(session, seg, tz="Europe/Tallinn") == 1
