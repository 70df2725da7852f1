"""What the rule builder offers to choose from (a selector; nothing is written)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import LeadForm, Pipeline, Stage, User


def active_stages(session: Session) -> list[tuple[int, str]]:
    """Every stage of an active pipeline as (id, "Pipeline · Stage"), in board order."""
    rows = session.execute(
        sa.select(Stage.id, Pipeline.name, Stage.name)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .where(Stage.archived.is_(False), Pipeline.archived.is_(False))
        .order_by(Pipeline.position, Pipeline.id, Stage.position)
    )
    return [(i, f"{p} · {s}") for i, p, s in rows]


def active_pipelines(session: Session) -> list[tuple[int, str]]:
    """Every active pipeline as (id, name), in board order (a deal's pipeline condition)."""
    rows = session.execute(
        sa.select(Pipeline.id, Pipeline.name)
        .where(Pipeline.archived.is_(False))
        .order_by(Pipeline.position, Pipeline.id)
    )
    return [tuple(r) for r in rows]


def lead_forms(session: Session) -> list[tuple[int, str]]:
    return [
        tuple(r)
        for r in session.execute(sa.select(LeadForm.id, LeadForm.name).order_by(LeadForm.name))
    ]


def active_users(session: Session) -> list[tuple[int, str]]:
    query = sa.select(User.id, User.name).where(User.active).order_by(User.name)
    return [tuple(r) for r in session.execute(query)]
