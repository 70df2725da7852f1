"""Accounts → companies, sales agents and managers → users, products → products.

Each is matched to what the database holds (companies by name, users by e-mail then name,
products by normalised name), created when missing and updated only where the file differs,
so a second import changes nothing. New users get the sales (agents) or manager role and an
unusable password: they exist as owners but cannot log in until an admin sets a password.
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Product, Role, User

from .. import app_settings, writes
from ..i18n import N_
from .files import SECTOR_FIXES, MavenFiles, country_code, is_alias, norm, parse_number
from .summary import MavenSummary

EMAIL_DOMAIN = "maven.example"
CURRENCY = "USD"  # the export's amounts (revenue in millions of USD)


def unusable_password() -> str:
    """Not an argon2 hash, so no password verifies against it (see auth.verify_password)."""
    return "!imported:" + secrets.token_hex(8)


def import_companies(
    session: Session, files: MavenFiles, s: MavenSummary, *, actor_id: int | None
) -> dict[str, int]:
    """norm(account name) → company id; parents linked once every account exists."""
    existing: dict[str, Company] = {}
    for company in session.execute(sa.select(Company).order_by(Company.id)).scalars():
        existing.setdefault(norm(company.name), company)
    sectors: Counter[str] = Counter()
    countries: Counter[tuple[str, str]] = Counter()
    pending: list[Company] = []
    status: dict[str, str] = {}  # norm name → created / updated / unchanged
    wanted_parent: dict[str, str] = {}
    for i, row in enumerate(files.accounts, start=1):
        name = row.get("account", "")
        key = norm(name)
        if not key or key in status:
            message = N_("The account has no name.") if not key else N_("Duplicate row; skipped.")
            s.problem("accounts.csv", i, message, name)
            continue
        sector = row.get("sector", "").lower()
        if sector in SECTOR_FIXES:
            sectors[sector] += 1
            sector = SECTOR_FIXES[sector]
        place = row.get("office_location", "")
        country = country_code(place) if place else None
        if place and country is None:
            s.problem("accounts.csv", i, N_("Unknown country; left empty."), place)
        elif place and country and is_alias(place):
            countries[(place, country)] += 1
        revenue = parse_number(row.get("revenue", ""))
        employees = parse_number(row.get("employees", ""))
        values = {
            "industry": sector[:100] or None,
            "annual_revenue": round(revenue * 1_000_000, 2) if revenue is not None else None,
            "employees": int(employees) if employees is not None else None,
            "country": country,
        }
        if row.get("subsidiary_of"):
            wanted_parent[key] = row["subsidiary_of"]
        found = existing.get(key)
        if found is None:
            existing[key] = Company(name=name[:200], **values)
            pending.append(existing[key])
            status[key] = "created"
        else:
            changed = writes.update(session, found, values, actor_id=actor_id)
            status[key] = "updated" if changed else "unchanged"
    if pending:
        writes.create_many(session, pending, actor_id=actor_id)
    for fixed, n in sorted(sectors.items()):
        s.reconcile("sector", fixed, SECTOR_FIXES[fixed], n)
    for (place, code), n in sorted(countries.items()):
        s.reconcile("country", place, code, n)
    for key, parent_name in wanted_parent.items():
        parent = existing.get(norm(parent_name))
        if parent is None:
            s.problem("accounts.csv", None, N_("Unknown parent company; not linked."), parent_name)
            continue
        changes = {"parent_id": parent.id}
        if writes.update(session, existing[key], changes, actor_id=actor_id):
            status[key] = "created" if status[key] == "created" else "updated"
    for state in status.values():
        setattr(s.companies, state, getattr(s.companies, state) + 1)
    return {k: c.id or 0 for k, c in existing.items()}


def _email(name: str) -> str:
    local = ".".join(p for p in norm_words(name) if p)
    return f"{local or 'user'}@{EMAIL_DOMAIN}"


def norm_words(name: str) -> list[str]:
    return [norm(part) for part in name.replace("-", " - ").split() if norm(part)]


def import_users(
    session: Session, files: MavenFiles, s: MavenSummary, *, actor_id: int | None
) -> dict[str, int]:
    """norm(person name) → user id, for agents (sales) and their managers (manager)."""
    people: dict[str, dict[str, Any]] = {}  # norm name → {"name", "role", "region", "manager"}
    for row in files.teams:
        agent, manager, region = row["sales_agent"], row["manager"], row["regional_office"]
        if manager:
            people.setdefault(norm(manager), {"name": manager, "role": Role.MANAGER.value})
            people[norm(manager)].setdefault("region", region or None)
        if agent:
            people[norm(agent)] = {
                "name": agent,
                "role": Role.SALES.value,
                "region": region or None,
                "manager": norm(manager) if manager else None,
            }
    for i, row in enumerate(files.pipeline, start=1):
        agent = row.get("sales_agent", "")
        if agent and norm(agent) not in people:
            s.problem("sales_pipeline.csv", i, N_("Sales agent not in the team list."), agent)
            people[norm(agent)] = {"name": agent, "role": Role.SALES.value, "region": None}
    by_email = {u.email: u for u in session.execute(sa.select(User)).scalars()}
    by_name: dict[str, User] = {}
    for u in sorted(by_email.values(), key=lambda u: u.id or 0):
        by_name.setdefault(norm(u.name), u)
    tz = app_settings.get(session, "time_zone") or "UTC"
    found: dict[str, User] = {}
    # Managers first, so their reports can point at them.
    for key in sorted(people, key=lambda k: people[k]["role"] != Role.MANAGER.value):
        person = people[key]
        manager = found.get(person.get("manager") or "")
        values = {"region": person.get("region"), "manager_id": manager.id if manager else None}
        user = by_email.get(_email(person["name"])) or by_name.get(key)
        if user is None:
            user = User(
                name=person["name"][:120],
                email=_email(person["name"]),
                role=person["role"],
                password_hash=unusable_password(),
                time_zone=tz,
                **values,
            )
            writes.create(session, user, actor_id=actor_id)
            s.users.created += 1
        elif writes.update(session, user, values, actor_id=actor_id):
            s.users.updated += 1
        else:
            s.users.unchanged += 1
        found[key] = user
    return {k: u.id or 0 for k, u in found.items()}


def import_products(
    session: Session, files: MavenFiles, s: MavenSummary, *, actor_id: int | None
) -> dict[str, Product]:
    """norm(product name) → product; names in the pipeline that only match once normalised
    (``GTXPro`` for ``GTX Pro``) are reported with the rows they affect."""
    existing: dict[str, Product] = {}
    for product in session.execute(sa.select(Product).order_by(Product.id)).scalars():
        existing.setdefault(norm(product.name), product)
    catalog: dict[str, Product] = {}
    pending: list[Product] = []
    for i, row in enumerate(files.products, start=1):
        name, price = row["product"], parse_number(row.get("sales_price", ""))
        if not name or price is None:
            s.problem("products.csv", i, N_("The product has no name or no price."), name)
            continue
        values = {"series": row.get("series") or None, "price": price, "currency": CURRENCY}
        found = existing.get(norm(name))
        if found is None:
            found = Product(name=name[:200], **values)
            pending.append(found)
            s.products.created += 1
        else:
            if found.name != name:
                s.reconcile("product", name, found.name, 0)
            changed = writes.update(session, found, values, actor_id=actor_id)
            s.products.updated += bool(changed)
            s.products.unchanged += not changed
        catalog[norm(name)] = existing[norm(name)] = found
    if pending:
        writes.create_many(session, pending, actor_id=actor_id)
    used = Counter(row.get("product", "") for row in files.pipeline)
    for raw, n in sorted(used.items()):
        product = catalog.get(norm(raw))
        if product is not None and product.name != raw:
            s.reconcile("product", raw, product.name, n)
    return catalog
