"""Stages of a pipeline, as admins manage them in Settings (see ``pipelines``). All audited.

Rules: names are unique within their pipeline; the win probability is 0–100; a pipeline keeps
at least one active open, one won and one lost stage; a stage that still holds deals cannot be
archived, nor turned into a won/lost stage (or back): its deals must be moved first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, Pipeline, Stage

from . import writes
from .errors import NotFound, ValidationError
from .i18n import N_, NP_, ngettext

NAME_LIMIT = 100


@dataclass(frozen=True)
class StageSpec:
    """A stage to create: name, win probability in percent, terminal flags."""

    name: str
    probability: int = 0
    is_won: bool = False
    is_lost: bool = False


class StageHasDeals(ValidationError):
    """The stage still holds deals. ``plural`` and ``count`` give the translated sentence."""

    plural = NP_(
        "{n} deal is still in this stage. Move it to another stage first.",
        "{n} deals are still in this stage. Move them to another stage first.",
    )

    def __init__(self, count: int, key: str = "stage"):
        self.count = count
        super().__init__({key: ngettext(*self.plural, count, "en")})


# -- reading ------------------------------------------------------------------------------------
def get_stage(session: Session, stage_id: int) -> Stage:
    stage = session.get(Stage, stage_id)
    if stage is None:
        raise NotFound(f"stage {stage_id}")
    return stage


def active_stages(session: Session, pipeline_id: int) -> list[Stage]:
    q = sa.select(Stage).where(Stage.pipeline_id == pipeline_id, ~Stage.archived)
    return list(session.execute(q.order_by(Stage.position, Stage.id)).scalars())


def deals_in_stage(session: Session, stage_id: int) -> int:
    q = sa.select(sa.func.count(Deal.id)).where(Deal.stage_id == stage_id)
    return int(session.execute(q).scalar_one())


# -- rules --------------------------------------------------------------------------------------
def clean_name(name: str, key: str, errors: dict[str, str]) -> str:
    clean = " ".join(str(name or "").split())
    if not clean:
        errors[key] = N_("Enter a name.")
    elif len(clean) > NAME_LIMIT:
        errors[key] = N_("Use at most 100 characters.")
    return clean


def check_probability(value: object, errors: dict[str, str]) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 100:
        errors["probability"] = N_("Enter a probability from 0 to 100.")
    return number


def check_terminals(specs: Sequence[tuple[bool, bool]], errors: dict[str, str]) -> None:
    """``specs``: (is_won, is_lost) of the pipeline's active stages after the change."""
    if any(won and lost for won, lost in specs):
        errors["is_won"] = N_("A stage cannot be both won and lost.")
    elif not any(won for won, _ in specs):
        errors["is_won"] = N_("A pipeline needs a won stage.")
    elif not any(lost for _, lost in specs):
        errors["is_lost"] = N_("A pipeline needs a lost stage.")


def _stage_name_taken(
    session: Session, pipeline_id: int, name: str, exclude_id: int | None = None
) -> bool:
    q = sa.select(Stage.id).where(
        Stage.pipeline_id == pipeline_id, sa.func.lower(Stage.name) == name.lower()
    )
    if exclude_id is not None:
        q = q.where(Stage.id != exclude_id)
    return session.execute(q).first() is not None


# -- stages -------------------------------------------------------------------------------------
def add_stage(
    session: Session,
    pipeline_id: int,
    spec: StageSpec,
    *,
    actor_id: int | None,
    position: int | None = None,
) -> Stage:
    """Add a stage at ``position`` (0 = first; default: before the won/lost stages)."""
    _pipeline(session, pipeline_id)
    stages = active_stages(session, pipeline_id)
    errors: dict[str, str] = {}
    clean = clean_name(spec.name, "name", errors)
    if not errors and _stage_name_taken(session, pipeline_id, clean):
        errors["name"] = N_("Another stage of this pipeline has this name.")
    probability = check_probability(spec.probability, errors)
    if spec.is_won and spec.is_lost:
        errors["is_won"] = N_("A stage cannot be both won and lost.")
    if errors:
        raise ValidationError(errors)
    if position is None:
        open_ = [s for s in stages if not s.is_won and not s.is_lost]
        position = len(open_) if not (spec.is_won or spec.is_lost) else len(stages)
    position = max(0, min(position, len(stages)))
    stage = writes.create(
        session,
        Stage(
            pipeline_id=pipeline_id,
            name=clean,
            position=position,
            probability=probability,
            is_won=spec.is_won,
            is_lost=spec.is_lost,
        ),
        actor_id=actor_id,
    )
    stages.insert(position, stage)
    renumber_rows(session, stages, actor_id)
    return stage


def update_stage(
    session: Session,
    stage_id: int,
    *,
    actor_id: int | None,
    name: str | None = None,
    probability: int | str | None = None,
    is_won: bool | None = None,
    is_lost: bool | None = None,
) -> dict[str, list]:
    """Rename a stage, set its probability or its won/lost flag; returns the audited diff."""
    stage = get_stage(session, stage_id)
    errors: dict[str, str] = {}
    changes: dict[str, object] = {}
    if name is not None:
        clean = clean_name(name, "name", errors)
        if "name" not in errors and _stage_name_taken(session, stage.pipeline_id, clean, stage_id):
            errors["name"] = N_("Another stage of this pipeline has this name.")
        changes["name"] = clean
    if probability is not None:
        changes["probability"] = check_probability(probability, errors)
    won = stage.is_won if is_won is None else bool(is_won)
    lost = stage.is_lost if is_lost is None else bool(is_lost)
    if (won, lost) != (stage.is_won, stage.is_lost):
        specs = [
            (won, lost) if s.id == stage_id else (s.is_won, s.is_lost)
            for s in active_stages(session, stage.pipeline_id)
        ]
        check_terminals(specs, errors)
        if not errors and (n := deals_in_stage(session, stage_id)):
            raise StageHasDeals(n, "is_won" if won != stage.is_won else "is_lost")
        changes.update(is_won=won, is_lost=lost)
    if errors:
        raise ValidationError(errors)
    return writes.update(session, stage, changes, actor_id=actor_id)


def reorder_stages(
    session: Session, pipeline_id: int, ordered_ids: Sequence[int], *, actor_id: int | None
) -> None:
    """Put the pipeline's stages in this order (ids not given keep their order after them)."""
    _pipeline(session, pipeline_id)
    stages = list(
        session.execute(sa.select(Stage).where(Stage.pipeline_id == pipeline_id)).scalars()
    )
    unknown = set(ordered_ids) - {s.id for s in stages}
    if unknown:
        raise ValidationError({"stages": N_("This stage belongs to another pipeline.")})
    reorder_rows(session, stages, ordered_ids, actor_id)


def archive_stage(
    session: Session, stage_id: int, *, actor_id: int | None, archived: bool = True
) -> None:
    """Archive an empty stage; refused while deals are in it or when it is the last won/lost."""
    stage = get_stage(session, stage_id)
    if archived == stage.archived:
        return
    if archived:
        if n := deals_in_stage(session, stage_id):
            raise StageHasDeals(n)
        rest = [
            (s.is_won, s.is_lost)
            for s in active_stages(session, stage.pipeline_id)
            if s.id != stage_id
        ]
        errors: dict[str, str] = {}
        check_terminals(rest, errors)
        if not [1 for won, lost in rest if not won and not lost]:
            errors.setdefault("stage", N_("A pipeline needs at least one open stage."))
        if errors:
            raise ValidationError({"stage": next(iter(errors.values()))})
    else:
        ordered = active_stages(session, stage.pipeline_id)
        ordered.append(stage)
        renumber_rows(session, sorted(ordered, key=lambda s: (s.position, s.id or 0)), actor_id)
    writes.update(session, stage, {"archived": archived}, actor_id=actor_id)


# -- ordering -----------------------------------------------------------------------------------
def reorder_rows(
    session: Session,
    rows: list[Pipeline] | list[Stage],
    ordered_ids: Sequence[int],
    actor_id: int | None,
) -> None:
    by_id = {r.id: r for r in rows}
    first = [by_id[i] for i in dict.fromkeys(ordered_ids) if i in by_id]
    rest = sorted(
        (r for r in rows if r.id not in set(ordered_ids)), key=lambda r: (r.position, r.id or 0)
    )
    renumber_rows(session, first + rest, actor_id)


def renumber_rows(session: Session, rows: Sequence[Pipeline | Stage], actor_id: int | None) -> None:
    for i, row in enumerate(rows):
        writes.update(session, row, {"position": i}, actor_id=actor_id)


def _pipeline(session: Session, pipeline_id: int) -> Pipeline:
    pipeline = session.get(Pipeline, pipeline_id)
    if pipeline is None:
        raise NotFound(f"pipeline {pipeline_id}")
    return pipeline
