"""Pipelines and stages by the names another tool gave them, for a deals import.

Rules:
- A pipeline is named in any case and spacing; the import's own pipeline is a name or an id,
  by default the default pipeline, and must be there and active.
- A stage is named within its pipeline in any case, spacing and punctuation aside; an
  archived stage of that name is reported as such. "Won" / "Closed Won" name the pipeline's
  won stage and "Lost" / "Closed Lost" its lost stage when no stage is called so.
- A status word (Pipedrive's open / won / lost, and a few other tools' and languages') reads
  as open, won or lost.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Pipeline, Stage

from ..i18n import N_
from .company_links import fold_name
from .problems import MappingError

NO_PIPELINE = N_("There is no pipeline “{pipeline}”.")
NO_PIPELINES = N_("Add a pipeline in Settings first.")
PIPELINE_ARCHIVED = N_("The pipeline “{pipeline}” is archived.")

OPEN, WON, LOST = "open", "won", "lost"
_STATUS_WORDS = {
    OPEN: ("open", "active", "inprogress", "avatud", "offen"),
    WON: ("won", "closedwon", "dealwon", "win", "voidetud", "gewonnen"),
    LOST: ("lost", "closedlost", "deallost", "kaotatud", "verloren"),
}


class UnknownPipeline(MappingError):
    """The pipeline the import was asked to use is not there (or archived)."""


def letters_only(text: Any) -> str:
    """``text`` folded to its letters and digits: "Closed-Won" → "closedwon"."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def status_of(raw: str) -> str | None:
    """``OPEN``, ``WON`` or ``LOST`` for a status word; None when it is none of them."""
    word = letters_only(raw)
    return next((s for s, words in _STATUS_WORDS.items() if word in words), None)


class Stages:
    """Every pipeline and stage, read once: names are looked up in Python."""

    def __init__(self, session: Session):
        pipelines = session.execute(
            sa.select(Pipeline).order_by(Pipeline.archived, Pipeline.position, Pipeline.id)
        ).scalars()
        self.pipelines: dict[int, Pipeline] = {p.id or 0: p for p in pipelines}
        self.by_name: dict[str, Pipeline] = {}
        for p in self.pipelines.values():
            self.by_name.setdefault(fold_name(p.name), p)
        self.stages: dict[int, list[Stage]] = defaultdict(list)
        self.by_id: dict[int, Stage] = {}
        query = sa.select(Stage).order_by(Stage.pipeline_id, Stage.position, Stage.id)
        for stage in session.execute(query).scalars():
            self.stages[stage.pipeline_id].append(stage)
            self.by_id[stage.id or 0] = stage

    def pipeline(self, name: str) -> Pipeline | None:
        return self.by_name.get(fold_name(name))

    def _active(self, pipeline: Pipeline) -> list[Stage]:
        return [s for s in self.stages[pipeline.id or 0] if not s.archived]

    def first_open(self, pipeline: Pipeline) -> Stage | None:
        return next((s for s in self._active(pipeline) if not s.is_won and not s.is_lost), None)

    def terminal(self, pipeline: Pipeline, status: str) -> Stage | None:
        if status == OPEN:
            return self.first_open(pipeline)
        won = status == WON
        return next((s for s in self._active(pipeline) if (s.is_won if won else s.is_lost)), None)

    def named(self, pipeline: Pipeline, name: str) -> tuple[Stage | None, bool]:
        """(the stage ``name`` names in ``pipeline``, whether only an archived one does)."""
        stages = self.stages[pipeline.id or 0]
        for key in (fold_name, letters_only):
            wanted = key(name)
            found = [s for s in stages if key(s.name) == wanted]
            active = [s for s in found if not s.archived]
            if active:
                return active[0], False
            if found:
                return None, True
        status = status_of(name)
        if status in (WON, LOST):
            return self.terminal(pipeline, status), False
        return None, False


def target_pipeline(session: Session, choice: str | int | None) -> Pipeline:
    """The pipeline new deals go to: ``choice`` (a name in any case, or an id), else the
    default pipeline. Raises ``UnknownPipeline`` when there is no such active pipeline."""
    if choice is None or str(choice).strip() == "":
        q = (
            sa.select(Pipeline)
            .where(~Pipeline.archived)
            .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.id)
            .limit(1)
        )
        found = session.execute(q).scalar()
        if found is None:
            raise UnknownPipeline(NO_PIPELINES)
        return found
    pipeline = None
    if isinstance(choice, int) or str(choice).strip().isdigit():
        pipeline = session.get(Pipeline, int(choice))
    if pipeline is None:
        pipeline = Stages(session).pipeline(str(choice))
    if pipeline is None:
        raise UnknownPipeline(NO_PIPELINE, pipeline=str(choice).strip())
    if pipeline.archived:
        raise UnknownPipeline(PIPELINE_ARCHIVED, pipeline=pipeline.name)
    return pipeline
