"""People, a pipeline and rule helpers for the automation and lead-form tests."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import AutomationRun, Contact, Stage, User
from crm_app.services import automation, contacts, pipelines, writes


@dataclass
class People:
    admin: User
    manager: User
    sales: list[User]
    support: User


def _user(session: Session, email: str, name: str, role: str, region: str | None = None) -> User:
    return writes.create(
        session,
        User(email=email, name=name, password_hash="x", role=role, region=region),
        actor_id=None,
    )


def make_people(session: Session) -> People:
    admin = _user(session, "ada@kestrel.example", "Ada Admin", "admin")
    manager = _user(session, "mo@kestrel.example", "Mo Manager", "manager")
    sales = [
        _user(session, f"rep{i}@kestrel.example", f"Rep {i}", "sales", "East" if i < 2 else "West")
        for i in range(3)
    ]
    support = _user(session, "sam@kestrel.example", "Sam Support", "support")
    session.commit()
    return People(admin, manager, sales, support)


def make_stages(session: Session, people: People) -> dict[str, Stage]:
    """New, Proposal, Won, Lost of a fresh pipeline, by name."""
    pipeline = pipelines.create_pipeline(session, "Sales", actor_id=people.admin.id)
    session.commit()
    found = pipelines.active_stages(session, pipeline.id)
    return {s.name: s for s in found}


def rule(session: Session, trigger: str, actions: list[dict], **kw) -> int:
    made = automation.create_rule(
        session,
        name=kw.pop("name", f"{trigger} rule"),
        trigger=trigger,
        trigger_config=kw.pop("config", None),
        conditions_=kw.pop("conditions", ()),
        actions_=actions,
        actor_id=kw.pop("actor_id", None),
    )
    session.commit()
    return made.id or 0


def new_contact(session: Session, first: str = "Mari", **kw) -> Contact:
    data = contacts.ContactInput(first_name=first, last_name=kw.pop("last", "Tamm"), **kw)
    contact = contacts.create_contact(session, data, actor_id=None)
    session.commit()
    return contact


def runs(session: Session, rule_id: int) -> list[AutomationRun]:
    return list(
        session.execute(
            sa.select(AutomationRun)
            .where(AutomationRun.rule_id == rule_id)
            .order_by(AutomationRun.id)
        ).scalars()
    )


def plain(text: str) -> str:
    """Text without the direction isolates placed around filled-in values."""
    return text.replace("\u2068", "").replace("\u2069", "")


def detail(run: AutomationRun) -> str:
    """A run's log as an English reader sees it."""
    return plain(automation.runs.render(run.detail, "en"))
