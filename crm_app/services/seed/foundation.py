"""What both seeds stand on: demo users, pipelines with stages, products, rates and tags.

Each ``ensure_*`` reuses what already exists (matched by e-mail or name) and creates the rest
through the audited write path, so it is safe on a database that has a few rows already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from crm_app.models import ExchangeRate, Pipeline, Product, Role, Stage, Tag, User

from .. import users as users_service
from .. import writes
from . import catalog
from .market import EN, Market, user_email


def write_all[T: SQLModel](session: Session, counts: Counter[str], objs: Sequence[T]) -> list[T]:
    """``writes.create_many`` (one audit entry per record) and count what was written."""
    if not objs:
        return []
    written = writes.create_many(session, objs, actor_id=None)
    counts[str(type(objs[0]).__tablename__)] += len(written)
    return written


@dataclass
class Foundation:
    users: list[User]
    pipelines: list[Pipeline]
    stages: dict[int, list[Stage]]  # pipeline id -> stages by position
    products: dict[str, Product]  # sku (or name) -> product
    rates: dict[str, float]
    tags: dict[str, Tag] = field(default_factory=dict)  # catalog name -> tag
    market: Market = EN

    def role(self, *roles: str) -> list[User]:
        return [u for u in self.users if u.role in roles and u.active]

    def territory_owner(self, country: str, *places: str) -> User | None:
        """The demo sales person for a country, region or city (None: nobody's, or not the demo team)."""
        for _name, local, _role, _tz, territory in self.market.users:
            if country in territory or any(place in territory for place in places):
                return next((u for u in self.users if u.email == user_email(local)), None)
        return None

    def pipeline(self, name: str) -> Pipeline:
        return next(p for p in self.pipelines if p.name == name)


def ensure_users(
    session: Session, counts: Counter[str], *, locale: str = "en", market: Market = EN
) -> list[User]:
    """The demo team, all with the password ``DEMO_PASSWORD``; existing e-mails are kept."""
    for name, local, role, tz, _territory in market.users:
        email = user_email(local)
        if session.execute(sa.select(User.id).where(User.email == email)).first():
            continue
        users_service.create_user(
            session,
            name=name,
            email=email,
            role=role,
            password=catalog.DEMO_PASSWORD,
            actor_id=None,
            locale=locale,
            time_zone=tz,
            is_demo=True,
        )
        counts["users"] += 1
    return list(session.execute(sa.select(User).order_by(User.id)).scalars())


def ensure_pipelines(session: Session, counts: Counter[str], *, when: datetime) -> None:
    have = set(session.execute(sa.select(Pipeline.name)).scalars())
    position = len(have)
    for name, is_default, stage_specs in catalog.PIPELINES:
        if name in have:
            continue
        has_default = session.execute(sa.select(Pipeline.id).where(Pipeline.is_default)).first()
        (pipeline,) = write_all(
            session,
            counts,
            [
                Pipeline(
                    name=name,
                    position=position,
                    is_default=is_default and not has_default,
                    created_at=when,
                )
            ],
        )
        position += 1
        write_all(
            session,
            counts,
            [
                Stage(
                    pipeline_id=pipeline.id or 0,
                    name=stage,
                    position=i,
                    probability=prob,
                    is_won=won,
                    is_lost=lost,
                )
                for i, (stage, prob, won, lost) in enumerate(stage_specs)
            ],
        )


def ensure_products(
    session: Session, counts: Counter[str], *, when: datetime, market: Market = EN
) -> None:
    """The price list, in the market's currency."""
    have = set(session.execute(sa.select(Product.name)).scalars())
    write_all(
        session,
        counts,
        [
            Product(
                name=p.name,
                sku=p.sku,
                series=p.series,
                price=market.price(p.price),
                created_at=when,
            )
            for p in catalog.PRODUCTS
            if p.name not in have
        ],
    )


def ensure_rates(
    session: Session, counts: Counter[str], *, when: datetime, market: Market = EN
) -> None:
    have = set(session.execute(sa.select(ExchangeRate.currency)).scalars())
    write_all(
        session,
        counts,
        [
            ExchangeRate(currency=cur, rate=rate, updated_at=when)
            for cur, rate in market.rates.items()
            if cur not in have and cur != market.currency
        ],
    )


def ensure_tags(
    session: Session, counts: Counter[str], *, when: datetime, year: int
) -> dict[str, Tag]:
    names = {spec: spec.format(year=year) for spec, _ in catalog.TAGS}
    existing = {
        t.name: t
        for t in session.execute(sa.select(Tag).where(Tag.name.in_(names.values()))).scalars()
    }
    new = [
        Tag(name=names[spec], color=color, created_at=when)
        for spec, color in catalog.TAGS
        if names[spec] not in existing
    ]
    for tag in write_all(session, counts, new):
        existing[tag.name] = tag
    return {spec: existing[name] for spec, name in names.items()}


def load(session: Session) -> Foundation:
    """Everything the seeds need, read back from the database."""
    pipelines = list(
        session.execute(
            sa.select(Pipeline).where(~Pipeline.archived).order_by(Pipeline.position, Pipeline.id)
        ).scalars()
    )
    stages: dict[int, list[Stage]] = {}
    for stage in session.execute(
        sa.select(Stage).where(~Stage.archived).order_by(Stage.pipeline_id, Stage.position)
    ).scalars():
        stages.setdefault(stage.pipeline_id, []).append(stage)
    products: dict[str, Product] = {}
    for product in session.execute(sa.select(Product).where(Product.active)).scalars():
        products[product.sku or product.name] = product
    rates = {r.currency: r.rate for r in session.execute(sa.select(ExchangeRate)).scalars()}
    users = list(session.execute(sa.select(User).order_by(User.id)).scalars())
    return Foundation(users, pipelines, stages, products, rates)


def ensure_all(
    session: Session,
    counts: Counter[str],
    *,
    when: datetime,
    locale: str = "en",
    market: Market = EN,
    only_if_missing: bool = False,
) -> Foundation:
    """Users, pipelines, products and rates; with ``only_if_missing`` existing ones are enough.

    ``only_if_missing`` is for the large seed: any sales team, pipelines and products already in
    the database are reused as they are, and the demo's are created only where none exist.
    """
    have_sales = session.execute(
        sa.select(User.id).where(User.role == Role.SALES, User.active)
    ).first()
    if not (only_if_missing and have_sales):
        ensure_users(session, counts, locale=locale, market=market)
    if not (only_if_missing and _any(session, Pipeline)):
        ensure_pipelines(session, counts, when=when)
    if not (only_if_missing and _any(session, Product)):
        ensure_products(session, counts, when=when, market=market)
    ensure_rates(session, counts, when=when, market=market)
    session.flush()
    found = load(session)
    found.market = market
    return found


def _any(session: Session, model: type[SQLModel]) -> bool:
    return session.execute(sa.select(sa.literal(1)).select_from(model).limit(1)).first() is not None


def ids(objs: Iterable[SQLModel]) -> list[int]:
    return [int(o.id) for o in objs]  # type: ignore[attr-defined]
