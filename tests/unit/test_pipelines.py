"""Pipelines and stages admin: order, names, probabilities, won/lost rules, archiving."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Deal, Pipeline, Stage, User
from crm_app.services import deals, pipelines
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import ngettext
from crm_app.services.pipelines import StageHasDeals, StageSpec


@pytest.fixture
def admin(session) -> User:
    user = User(email="admin@example.com", name="Ada Admin", password_hash="x", role="admin")
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def sales(session, admin) -> Pipeline:
    return pipelines.create_pipeline(session, "Sales", actor_id=admin.id)


def _stages(session, pipeline_id: int) -> list[tuple[str, int, int, bool, bool]]:
    row = next(p for p in pipelines.list_pipelines(session) if p.id == pipeline_id)
    return [(s.name, s.position, s.probability, s.is_won, s.is_lost) for s in row.stages]


def _audit(session, entity: str, action: str) -> list[AuditEntry]:
    q = sa.select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == action)
    return list(session.execute(q).scalars())


def test_a_new_pipeline_gets_the_default_stages_and_becomes_the_default(session, admin, sales):
    assert _stages(session, sales.id) == [
        ("New", 0, 10, False, False),
        ("Proposal", 1, 50, False, False),
        ("Won", 2, 100, True, False),
        ("Lost", 3, 0, False, True),
    ]
    assert sales.is_default
    assert pipelines.default_pipeline(session).id == sales.id
    assert len(_audit(session, "pipelines", "create")) == 1
    assert len(_audit(session, "stages", "create")) == 4


def test_pipeline_names_are_unique_regardless_of_case(session, admin, sales):
    with pytest.raises(ValidationError) as exc:
        pipelines.create_pipeline(session, "  sales ", actor_id=admin.id)
    assert exc.value.errors == {"name": "A pipeline with this name already exists."}
    with pytest.raises(ValidationError) as exc:
        pipelines.create_pipeline(session, "", actor_id=admin.id)
    assert exc.value.errors == {"name": "Enter a name."}


def test_a_pipeline_needs_a_won_and_a_lost_stage(session, admin):
    with pytest.raises(ValidationError) as exc:
        pipelines.create_pipeline(
            session,
            "Partners",
            stages=[StageSpec("Talk", 20), StageSpec("Won", 100, True)],
            actor_id=admin.id,
        )
    assert exc.value.errors == {"is_lost": "A pipeline needs a lost stage."}
    assert session.execute(sa.select(Pipeline)).first() is None


def test_rename_reorder_and_default(session, admin, sales):
    partners = pipelines.create_pipeline(session, "Partners", actor_id=admin.id)
    assert not partners.is_default
    pipelines.reorder_pipelines(session, [partners.id, sales.id], actor_id=admin.id)
    pipelines.rename_pipeline(session, sales.id, "Direct sales", actor_id=admin.id)
    pipelines.set_default_pipeline(session, partners.id, actor_id=admin.id)
    rows = pipelines.list_pipelines(session)
    assert [(p.name, p.position, p.is_default) for p in rows] == [
        ("Partners", 0, True),
        ("Direct sales", 1, False),
    ]
    with pytest.raises(ValidationError):
        pipelines.rename_pipeline(session, sales.id, "partners", actor_id=admin.id)


def test_archiving_the_default_pipeline_hands_the_default_on_and_keeps_one(session, admin, sales):
    partners = pipelines.create_pipeline(session, "Partners", actor_id=admin.id)
    pipelines.archive_pipeline(session, sales.id, actor_id=admin.id)
    assert [p.name for p in pipelines.list_pipelines(session)] == ["Partners"]
    assert session.get(Pipeline, partners.id).is_default
    with pytest.raises(ValidationError) as exc:
        pipelines.archive_pipeline(session, partners.id, actor_id=admin.id)
    assert exc.value.errors == {"pipeline": "Keep at least one active pipeline."}
    assert len(pipelines.list_pipelines(session, include_archived=True)) == 2


def test_add_stage_goes_before_won_and_lost_and_names_are_unique_per_pipeline(
    session, admin, sales
):
    pipelines.add_stage(session, sales.id, StageSpec("Negotiation", 75), actor_id=admin.id)
    assert [s[0] for s in _stages(session, sales.id)] == [
        "New",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]
    assert [s[1] for s in _stages(session, sales.id)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValidationError) as exc:
        pipelines.add_stage(session, sales.id, StageSpec("negotiation", 10), actor_id=admin.id)
    assert exc.value.errors == {"name": "Another stage of this pipeline has this name."}
    other = pipelines.create_pipeline(session, "Partners", actor_id=admin.id)
    pipelines.add_stage(session, other.id, StageSpec("Negotiation", 60), actor_id=admin.id)


@pytest.mark.parametrize("probability", [-1, 101, "lots"])
def test_probability_is_0_to_100(session, admin, sales, probability):
    stage_id = pipelines.active_stages(session, sales.id)[0].id
    with pytest.raises(ValidationError) as exc:
        pipelines.update_stage(session, stage_id, probability=probability, actor_id=admin.id)
    assert exc.value.errors == {"probability": "Enter a probability from 0 to 100."}


def test_update_stage_renames_and_sets_probability_audited(session, admin, sales):
    stage_id = pipelines.active_stages(session, sales.id)[1].id
    diff = pipelines.update_stage(
        session, stage_id, name="Offer", probability="60", actor_id=admin.id
    )
    assert diff == {"name": ["Proposal", "Offer"], "probability": [50, 60]}
    entry = _audit(session, "stages", "update")[-1]
    assert entry.entity_id == stage_id and entry.user_id == admin.id
    assert entry.changes == {"name": ["Proposal", "Offer"], "probability": [50, 60]}


def test_the_only_won_stage_cannot_lose_its_flag(session, admin, sales):
    won = next(s for s in pipelines.active_stages(session, sales.id) if s.is_won)
    with pytest.raises(ValidationError) as exc:
        pipelines.update_stage(session, won.id, is_won=False, actor_id=admin.id)
    assert exc.value.errors == {"is_won": "A pipeline needs a won stage."}
    with pytest.raises(ValidationError) as exc:
        pipelines.update_stage(session, won.id, is_lost=True, actor_id=admin.id)
    assert exc.value.errors == {"is_won": "A stage cannot be both won and lost."}


def test_reorder_stages(session, admin, sales):
    new, proposal, won, lost = pipelines.active_stages(session, sales.id)
    pipelines.reorder_stages(session, sales.id, [proposal.id, new.id], actor_id=admin.id)
    assert [s[0] for s in _stages(session, sales.id)] == ["Proposal", "New", "Won", "Lost"]
    other = pipelines.create_pipeline(session, "Partners", actor_id=admin.id)
    with pytest.raises(ValidationError):
        pipelines.reorder_stages(session, other.id, [new.id], actor_id=admin.id)


def _deal(session, admin, stage: Stage, title: str) -> Deal:
    return deals.create_deal(
        session, deals.DealInput(title=title, stage_id=stage.id, value="100"), actor_id=admin.id
    )


def test_archiving_a_stage_with_deals_is_refused_naming_how_many(session, admin, sales):
    new, proposal, _won, _lost = pipelines.active_stages(session, sales.id)
    one = _deal(session, admin, proposal, "One")
    _deal(session, admin, proposal, "Two")
    with pytest.raises(StageHasDeals) as exc:
        pipelines.archive_stage(session, proposal.id, actor_id=admin.id)
    assert exc.value.count == 2
    assert exc.value.errors == {
        "stage": "2 deals are still in this stage. Move them to another stage first."
    }
    assert ngettext(*StageHasDeals.plural, 1, "en") == (
        "1 deal is still in this stage. Move it to another stage first."
    )
    assert not session.get(Stage, proposal.id).archived

    deals.move_deal(session, one.id, new.id, actor_id=admin.id)
    with pytest.raises(StageHasDeals) as exc:
        pipelines.archive_stage(session, proposal.id, actor_id=admin.id)
    assert exc.value.count == 1


def test_an_empty_stage_is_archived_and_leaves_the_board(session, admin, sales):
    proposal = pipelines.active_stages(session, sales.id)[1]
    pipelines.archive_stage(session, proposal.id, actor_id=admin.id)
    assert [s[0] for s in _stages(session, sales.id)] == ["New", "Won", "Lost"]
    assert _audit(session, "stages", "update")[-1].changes == {"archived": [False, True]}
    with pytest.raises(ValidationError) as exc:  # archived stages take no deals
        deals.create_deal(
            session, deals.DealInput(title="X", stage_id=proposal.id), actor_id=admin.id
        )
    assert exc.value.errors == {"stage_id": "This stage is archived. Choose another."}
    pipelines.archive_stage(session, proposal.id, archived=False, actor_id=admin.id)
    assert "Proposal" in [s[0] for s in _stages(session, sales.id)]


def test_the_last_won_or_open_stage_cannot_be_archived(session, admin, sales):
    new, proposal, won, lost = pipelines.active_stages(session, sales.id)
    with pytest.raises(ValidationError) as exc:
        pipelines.archive_stage(session, won.id, actor_id=admin.id)
    assert exc.value.errors == {"stage": "A pipeline needs a won stage."}
    pipelines.archive_stage(session, new.id, actor_id=admin.id)
    with pytest.raises(ValidationError) as exc:
        pipelines.archive_stage(session, proposal.id, actor_id=admin.id)
    assert exc.value.errors == {"stage": "A pipeline needs at least one open stage."}


def test_a_stage_holding_deals_keeps_its_won_lost_flag(session, admin, sales):
    new, proposal, won, lost = pipelines.active_stages(session, sales.id)
    pipelines.add_stage(
        session, sales.id, StageSpec("Won big", 100, is_won=True), actor_id=admin.id
    )
    _deal(session, admin, won, "Closed")
    with pytest.raises(StageHasDeals) as exc:
        pipelines.update_stage(session, won.id, is_won=False, actor_id=admin.id)
    assert exc.value.count == 1 and "is_won" in exc.value.errors


def test_list_pipelines_counts_deals_per_stage(session, admin, sales):
    new = pipelines.active_stages(session, sales.id)[0]
    _deal(session, admin, new, "A")
    _deal(session, admin, new, "B")
    (row,) = pipelines.list_pipelines(session)
    assert [s.deals for s in row.stages] == [2, 0, 0, 0]
