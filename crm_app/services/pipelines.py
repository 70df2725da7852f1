"""Pipelines and their stages, as admins manage them in Settings. All writes audited.

Rules: pipeline names are unique; the installation keeps one active pipeline and exactly one
default; a new pipeline comes with its stages (at least one won and one lost). The stage
rules and operations live in ``stages`` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, Pipeline, Stage

from . import writes
from .errors import NotFound, ValidationError
from .i18n import N_
from .stages import (
    StageHasDeals,
    StageSpec,
    active_stages,
    add_stage,
    archive_stage,
    check_probability,
    check_terminals,
    clean_name,
    deals_in_stage,
    get_stage,
    reorder_rows,
    reorder_stages,
    update_stage,
)

__all__ = [
    "DEFAULT_STAGES",
    "PipelineRow",
    "StageHasDeals",
    "StageRow",
    "StageSpec",
    "active_stages",
    "add_stage",
    "archive_pipeline",
    "archive_stage",
    "create_pipeline",
    "deals_in_stage",
    "default_pipeline",
    "get_pipeline",
    "get_stage",
    "list_pipelines",
    "rename_pipeline",
    "reorder_pipelines",
    "reorder_stages",
    "set_default_pipeline",
    "update_stage",
]


# A new pipeline's stages when the admin gives none (the names are stored as given).
DEFAULT_STAGES = (
    StageSpec(N_("New"), 10),
    StageSpec(N_("Proposal"), 50),
    StageSpec(N_("Won"), 100, is_won=True),
    StageSpec(N_("Lost"), 0, is_lost=True),
)


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    position: int
    probability: int
    is_won: bool
    is_lost: bool
    archived: bool
    deals: int


@dataclass(frozen=True)
class PipelineRow:
    id: int
    name: str
    position: int
    is_default: bool
    archived: bool
    stages: list[StageRow] = field(default_factory=list)


# -- reading ------------------------------------------------------------------------------------
def list_pipelines(session: Session, *, include_archived: bool = False) -> list[PipelineRow]:
    """Pipelines in their order, each with its stages in order and the deals in each stage."""
    q = sa.select(Pipeline).order_by(Pipeline.position, Pipeline.id)
    if not include_archived:
        q = q.where(~Pipeline.archived)
    pipelines = list(session.execute(q).scalars())
    counts = dict(
        session.execute(  # type: ignore[arg-type]
            sa.select(Deal.stage_id, sa.func.count(Deal.id)).group_by(Deal.stage_id)
        ).all()
    )
    sq = sa.select(Stage).order_by(Stage.pipeline_id, Stage.position, Stage.id)
    if not include_archived:
        sq = sq.where(~Stage.archived)
    by_pipeline: dict[int, list[StageRow]] = {}
    for s in session.execute(sq).scalars():
        row = StageRow(
            s.id or 0,
            s.name,
            s.position,
            s.probability,
            s.is_won,
            s.is_lost,
            s.archived,
            int(counts.get(s.id, 0)),
        )
        by_pipeline.setdefault(s.pipeline_id, []).append(row)
    return [
        PipelineRow(
            p.id or 0, p.name, p.position, p.is_default, p.archived, by_pipeline.get(p.id or 0, [])
        )
        for p in pipelines
    ]


def get_pipeline(session: Session, pipeline_id: int) -> Pipeline:
    pipeline = session.get(Pipeline, pipeline_id)
    if pipeline is None:
        raise NotFound(f"pipeline {pipeline_id}")
    return pipeline


def default_pipeline(session: Session) -> Pipeline | None:
    """The default pipeline, else the first active one."""
    return session.execute(
        sa.select(Pipeline)
        .where(~Pipeline.archived)
        .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.id)
        .limit(1)
    ).scalar()


def _pipeline_name_taken(session: Session, name: str, exclude_id: int | None = None) -> bool:
    q = sa.select(Pipeline.id).where(sa.func.lower(Pipeline.name) == name.lower())
    if exclude_id is not None:
        q = q.where(Pipeline.id != exclude_id)
    return session.execute(q).first() is not None


# -- pipelines ----------------------------------------------------------------------------------
def create_pipeline(
    session: Session,
    name: str,
    *,
    actor_id: int | None,
    stages: Sequence[StageSpec] | None = None,
    is_default: bool = False,
) -> Pipeline:
    """A new pipeline (last in order) with its stages (``DEFAULT_STAGES`` when none are given)."""
    errors: dict[str, str] = {}
    clean = clean_name(name, "name", errors)
    if clean and "name" not in errors and _pipeline_name_taken(session, clean):
        errors["name"] = N_("A pipeline with this name already exists.")
    specs = list(stages if stages is not None else DEFAULT_STAGES)
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        stage_name = clean_name(spec.name, f"stages.{i}.name", errors)
        if stage_name.lower() in seen:
            errors[f"stages.{i}.name"] = N_("Another stage of this pipeline has this name.")
        seen.add(stage_name.lower())
        check_probability(spec.probability, errors)
    check_terminals([(s.is_won, s.is_lost) for s in specs], errors)
    if errors:
        raise ValidationError(errors)
    last = session.execute(sa.select(sa.func.max(Pipeline.position))).scalar()
    has_default = session.execute(sa.select(Pipeline.id).where(Pipeline.is_default)).first()
    pipeline = writes.create(
        session,
        Pipeline(
            name=clean,
            position=(last + 1) if last is not None else 0,
            is_default=is_default or not has_default,
        ),
        actor_id=actor_id,
    )
    if is_default and has_default:
        set_default_pipeline(session, pipeline.id or 0, actor_id=actor_id)
    writes.create_many(
        session,
        [
            Stage(
                pipeline_id=pipeline.id or 0,
                name=" ".join(s.name.split()),
                position=i,
                probability=int(s.probability),
                is_won=s.is_won,
                is_lost=s.is_lost,
            )
            for i, s in enumerate(specs)
        ],
        actor_id=actor_id,
    )
    return pipeline


def rename_pipeline(session: Session, pipeline_id: int, name: str, *, actor_id: int | None) -> None:
    pipeline = get_pipeline(session, pipeline_id)
    errors: dict[str, str] = {}
    clean = clean_name(name, "name", errors)
    if not errors and _pipeline_name_taken(session, clean, exclude_id=pipeline_id):
        errors["name"] = N_("A pipeline with this name already exists.")
    if errors:
        raise ValidationError(errors)
    writes.update(session, pipeline, {"name": clean}, actor_id=actor_id)


def reorder_pipelines(
    session: Session, ordered_ids: Sequence[int], *, actor_id: int | None
) -> None:
    """Put the given pipelines first, in this order; the others keep their order after them."""
    reorder_rows(
        session, list(session.execute(sa.select(Pipeline)).scalars()), ordered_ids, actor_id
    )


def set_default_pipeline(session: Session, pipeline_id: int, *, actor_id: int | None) -> None:
    """The pipeline new deals and the board open in; exactly one is the default."""
    target = get_pipeline(session, pipeline_id)
    if target.archived:
        raise ValidationError({"pipeline": N_("An archived pipeline cannot be the default.")})
    for p in session.execute(sa.select(Pipeline).where(Pipeline.is_default)).scalars():
        if p.id != pipeline_id:
            writes.update(session, p, {"is_default": False}, actor_id=actor_id)
    writes.update(session, target, {"is_default": True}, actor_id=actor_id)


def archive_pipeline(
    session: Session, pipeline_id: int, *, actor_id: int | None, archived: bool = True
) -> None:
    """Hide a pipeline (its deals stay and still count in reports); the last active one stays.

    Archiving the default makes the next active pipeline the default.
    """
    pipeline = get_pipeline(session, pipeline_id)
    if archived == pipeline.archived:
        return
    if archived:
        others = session.execute(
            sa.select(Pipeline)
            .where(~Pipeline.archived, Pipeline.id != pipeline_id)
            .order_by(Pipeline.position, Pipeline.id)
        ).scalars()
        successor = next(iter(others), None)
        if successor is None:
            raise ValidationError({"pipeline": N_("Keep at least one active pipeline.")})
        writes.update(session, pipeline, {"archived": True, "is_default": False}, actor_id=actor_id)
        if not _has_default(session):
            writes.update(session, successor, {"is_default": True}, actor_id=actor_id)
    else:
        writes.update(session, pipeline, {"archived": False}, actor_id=actor_id)


def _has_default(session: Session) -> bool:
    q = sa.select(Pipeline.id).where(Pipeline.is_default, ~Pipeline.archived)
    return session.execute(q).first() is not None
